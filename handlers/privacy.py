"""Privacy for everyone: /privacy (what is stored and why), /mydata (a JSON file of it all) and
/forget-me (with a confirmation button) which erases it in every table, see bot/services/privacy/__init__.py."""

from __future__ import annotations

from bot.core.model import Attachment, Button, ButtonPressed, CommandInvoked, Reply
from bot.core.routes import Command, Routes
from bot.services.container import Ctx


async def privacy(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/privacy: what the bot stores and why."""
    return ctx.reply("privacy.notice", community=ctx.services.settings.community(ctx.locale),
                     channel=ctx.services.settings.help_channel)


async def my_data(ctx: Ctx, event: CommandInvoked) -> Reply:
    """Everything stored about the member, as a JSON file."""
    data = await ctx.services.privacy.export(ctx.member, ctx.routes.privacy, ctx.now)
    file = Attachment(f"my-data-{ctx.now:%Y%m%d}.json", data, "application/json")
    return Reply(ctx.t("privacy.mydata"), ephemeral=True, file=file)


async def forget_me(ctx: Ctx, event: CommandInvoked) -> Reply:
    """Ask for confirmation; the button carries the member id so it cannot erase anyone else."""
    buttons = (Button(ctx.t("privacy.button.confirm"), "privacy.forget", str(ctx.member.id), style="danger"),
               Button(ctx.t("privacy.button.cancel"), "privacy.cancel", str(ctx.member.id)))
    return ctx.reply("privacy.confirm", buttons=buttons)


async def confirm_forget(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Erase the member's data after they confirmed."""
    if event.value != str(ctx.member.id):
        return ctx.reply("privacy.nothing_to_forget")
    kept = await ctx.services.privacy.forget(ctx.member, ctx.routes.privacy, ctx.now)
    lines = [ctx.t("privacy.forgotten")]
    lines += [ctx.t(key, count=count) for key, count in kept]
    return Reply("\n".join(lines), ephemeral=True)


async def cancel_forget(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The member kept their data."""
    return ctx.reply("privacy.cancelled")


ROUTES = Routes(
    commands=(
        Command("privacy", privacy, "privacy.summary", names={"fr": "confidentialite"}),
        Command("mydata", my_data, "privacy.mydata_summary", names={"fr": "mesdonnees"}),
        Command("forget-me", forget_me, "privacy.forget_summary", names={"fr": "oubliez-moi"}),
    ),
    buttons={"privacy.forget": confirm_forget, "privacy.cancel": cancel_forget},
)
