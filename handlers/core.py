"""Core commands: /help (/aide) and /language (/langue)."""

from __future__ import annotations

from bot.core import usage, values
from bot.core.i18n import SUPPORTED, normalise_locale
from bot.core.model import Button, ButtonPressed, CommandInvoked, Reply
from bot.core.routes import Command, Kind, Opt, Routes
from bot.services.container import Ctx
from bot.services.housekeeping import Housekeeping

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


async def show_help(ctx: Ctx, event: CommandInvoked) -> Reply:
    """The commands this member may use, in their language."""
    lines = [ctx.t("help.title", community=ctx.services.settings.community(ctx.locale))]
    for command in ctx.routes.commands:
        if not command.admin:
            lines.append(f"• {command_usage(ctx, command)} — {ctx.t(command.summary)}")
    if ctx.is_admin:
        lines += admin_help(ctx)
    lines.append(ctx.t("help.footer", channel=ctx.services.settings.help_channel))
    return Reply("\n".join(lines), ephemeral=True)


def admin_help(ctx: Ctx) -> list[str]:
    """The admin-only commands and subcommands, under their own heading."""
    lines = [ctx.t("help.for_admins")]
    for command in ctx.routes.commands:
        if command.admin:
            lines.append(f"• {command_usage(ctx, command)} — {ctx.t(command.summary)}")
        elif any(sub.admin for sub in command.subs):
            lines += [f"• {line} — {ctx.t(summary)}" for line, summary in usage.admin_lines(command, names_locale(ctx))]
        elif command.admin_usage:
            lines.append(f"• {ctx.t(command.admin_usage)}")
    return lines


def names_locale(ctx: Ctx) -> str:
    """The language whose command names the member can type: Discord shows each command under the name of
    the client's language, whatever the member chose; the console and Slack take every name."""
    if ctx.actor.platform == "discord":
        return normalise_locale(ctx.actor.platform_locale) or "en"
    return ctx.locale


def command_usage(ctx: Ctx, command: Command) -> str:
    """A command's usage in the reader's language: generated from its declaration, else its usage message."""
    if usage.declared(command):
        return usage.usage(command, names_locale(ctx))
    return ctx.t(command.usage) if command.usage else f"/{command.name_in(names_locale(ctx))}"


def language_buttons() -> tuple[Button, ...]:
    """One button per supported language."""
    return tuple(Button(LANGUAGE_NAMES[code], "language.set", code) for code in SUPPORTED)


async def set_language_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/language: show the current language, or set the one named."""
    choice = event.args.strip().lower()
    if not choice:
        return ctx.reply("language.current", language=language_name(ctx.locale, ctx.locale),
                         buttons=language_buttons())
    return await _set_language(ctx, choice)


async def set_language_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    """A language button: set that language."""
    return await _set_language(ctx, event.value)


def language_name(code: str, locale: str) -> str:
    """A language as a sentence names it in `locale` (« en français », "in French")."""
    return values.label("language", code, locale)


async def _set_language(ctx: Ctx, choice: str) -> Reply:
    code = values.places.language_code(choice) or choice  # "fr", "français", "French"
    if code not in SUPPORTED:
        return ctx.reply("language.unknown", choice=choice[:20], options=", ".join(SUPPORTED))
    choice = code
    await ctx.services.welcome.set_language(ctx.member.id, choice, ctx.now)
    ctx.locale = choice
    return ctx.reply("language.set", language=language_name(choice, choice))


ROUTES = Routes(
    commands=(
        Command("help", show_help, "help.summary", names={"fr": "aide"}),
        Command("language", set_language_command, "language.summary", "language.usage", names={"fr": "langue"},
                options=(Opt("language", "language.option", Kind.CHOICE, choices=SUPPORTED, vocabulary="language",
                             invalid="language.unknown", names={"fr": "langue"}),)),
    ),
    buttons={"language.set": set_language_button},
    jobs=(Housekeeping(),),
)
