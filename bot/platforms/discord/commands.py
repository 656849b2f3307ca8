"""Application (slash) commands built from the routes, with French localizations from the catalogs.

Each route command becomes a slash command with one optional text argument "args"; the handler parses
it as the console's `/name args` line. Descriptions are the command's summary message id; a French
command name may be given in a catalog as "discord.command.<name>".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.core.i18n import Catalogs, normalise_locale
from bot.core.routes import Command

log = logging.getLogger(__name__)
NAME_RE = re.compile(r"^[-_\w]{1,32}$")
OnCommand = Callable[[discord.Interaction, str, str], Awaitable[None]]


class CatalogTranslator(app_commands.Translator):
    """Looks locale_str keys up in the gettext catalogs (the English text is the default)."""

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs

    async def translate(self, string: locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        lang = normalise_locale(locale.value)
        key = string.extras.get("key")
        if lang is None or lang == "en" or not key:
            return None
        text = self.catalogs.messages.get(lang, {}).get(key)
        if not text:
            return None
        if string.extras.get("kind") == "name":
            text = text.strip().lower()
            return text if NAME_RE.match(text) else None
        return text[:100]


class DoorTree(app_commands.CommandTree[discord.Client]):
    """A command tree that still answers a slash command it does not know (e.g. left over from an older
    version of the bot): the dispatcher says it is unknown, instead of Discord's "interaction failed"."""

    def __init__(self, client: discord.Client, on_command: OnCommand) -> None:
        super().__init__(client)
        self.on_command = on_command

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        if isinstance(error, app_commands.CommandNotFound) and not interaction.response.is_done():
            data: dict[str, Any] = dict(interaction.data or {})
            args = next((str(o.get("value", "")) for o in data.get("options", []) if o.get("name") == "args"), "")
            await self.on_command(interaction, str(data.get("name", "")), args)
            return
        log.error("discord: application command failed", exc_info=error)


def english(catalogs: Catalogs, key: str | None, fallback: str) -> str:
    text = catalogs.messages.get("en", {}).get(key or "", "") or fallback
    return text[:100]


def build_command(command: Command, catalogs: Catalogs, on_command: OnCommand) -> app_commands.Command[
        app_commands.Group, ..., None]:
    """One slash command for a route command."""
    name = command.name

    async def callback(interaction: discord.Interaction, args: str | None = None) -> None:
        await on_command(interaction, name, args or "")

    arg_text = english(catalogs, command.usage, "/" + name)
    described = app_commands.describe(args=locale_str(arg_text, key=command.usage or ""))(callback)
    return app_commands.Command(
        name=locale_str(name, key=f"discord.command.{name}", kind="name"),
        description=locale_str(english(catalogs, command.summary, name), key=command.summary),
        callback=described,
    )


def build_tree(client: discord.Client, commands: tuple[Command, ...], catalogs: Catalogs,
               on_command: OnCommand) -> app_commands.CommandTree[discord.Client]:
    """A command tree holding every route command (names Discord refuses are skipped with a warning)."""
    tree = DoorTree(client, on_command)
    for command in commands:
        if not NAME_RE.match(command.name) or command.name != command.name.lower():
            log.warning("discord: command /%s cannot be a slash command name; skipped", command.name)
            continue
        tree.add_command(build_command(command, catalogs, on_command))
    return tree


async def sync(tree: app_commands.CommandTree[discord.Client], guild_ids: tuple[int, ...]) -> int:
    """Register the commands with Discord: per guild (instant) when guild ids are given, else globally."""
    if not guild_ids:
        return len(await tree.sync())
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        await tree.sync(guild=guild)
    return len(tree.get_commands())
