"""Core commands: /help (/aide) and /language (/langue)."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.i18n import SUPPORTED
from bot.core.model import Button, ButtonPressed, CommandInvoked, Reply
from bot.core.routes import Command, Routes
from bot.services.housekeeping import Housekeeping
from bot.store import members as member_sql

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


async def show_help(ctx: Ctx, event: CommandInvoked) -> Reply:
    """The commands this member may use, in their language."""
    lines = [ctx.t("help.title", community=ctx.services.settings.community_name)]
    for command in ctx.routes.commands:
        if command.admin and not ctx.is_admin:
            continue
        usage = ctx.t(command.usage) if command.usage else f"/{command.name}"
        lines.append(f"• {usage} — {ctx.t(command.summary)}")
    lines.append(ctx.t("help.footer", channel=ctx.services.settings.help_channel))
    return Reply("\n".join(lines), ephemeral=True)


def language_buttons() -> tuple[Button, ...]:
    return tuple(Button(LANGUAGE_NAMES[code], "language.set", code) for code in SUPPORTED)


async def set_language_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    choice = event.args.strip().lower()
    if not choice:
        return ctx.reply("language.current", language=LANGUAGE_NAMES[ctx.locale], buttons=language_buttons())
    return await _set_language(ctx, choice)


async def set_language_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    return await _set_language(ctx, event.value)


async def _set_language(ctx: Ctx, choice: str) -> Reply:
    if choice not in SUPPORTED:
        return ctx.reply("language.unknown", choice=choice[:20], options=", ".join(SUPPORTED))
    async with ctx.services.store.transaction() as db:
        await member_sql.set_locale(db, ctx.member.id, choice)
    ctx.locale = choice
    return ctx.reply("language.set", language=LANGUAGE_NAMES[choice])


ROUTES = Routes(
    commands=(
        Command("help", show_help, "help.summary", aliases=("aide",)),
        Command("language", set_language_command, "language.summary", "language.usage", aliases=("langue",)),
    ),
    buttons={"language.set": set_language_button},
    jobs=(Housekeeping(),),
)
