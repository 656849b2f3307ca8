"""Discord application commands generated from the command declarations (bot/core/commands.py).

A declared command becomes a native command: its subcommands (and groups) as Discord subcommands, each
option with its Discord type, few choices as choices, autocomplete where declared (or where a vocabulary
is too long for choices), and French names and descriptions as localizations. A command that declares
nothing keeps one optional free-text option, "args", read by the same text parser as the console's.
Discord cannot call a command that has subcommands bare: its `default` subcommand stands for that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.core.commands import Kind, Opt, Sub
from bot.core.i18n import SUPPORTED, Catalogs
from bot.core.invocation import choice_label
from bot.core.routes import Command
from bot.core.usage import declared

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
LIMIT = 100  # descriptions and choice names
MAX_CHOICES = 25
ARGS = "args"
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
OPTION_TYPES = {Kind.TEXT: 3, Kind.INTEGER: 4, Kind.BOOLEAN: 5, Kind.MEMBER: 6, Kind.CHOICE: 3, Kind.DATE: 3,
                Kind.DURATION: 3}
DISCORD_LOCALES = {"fr": "fr"}  # our language -> Discord's locale code


def command_payloads(commands: tuple[Command, ...], catalogs: Catalogs) -> list[dict[str, Any]]:
    """The JSON body of Discord's bulk overwrite: one chat-input command per route command."""
    return [command_payload(command, catalogs) for command in commands]


def command_payload(command: Command, catalogs: Catalogs) -> dict[str, Any]:
    """The application command Discord registers for `command`, localized."""
    names = command.names or {lang: text for lang in DISCORD_LOCALES
                               if (text := catalogs.messages.get(lang, {}).get(f"discord.command.{command.name}"))}
    payload = _named(command.name, names, command.summary, catalogs)
    payload["type"] = 1
    if not declared(command):
        hint = catalogs.t("en", command.usage) if command.usage else "/" + command.name
        payload["options"] = [{"type": 3, "name": ARGS, "description": hint[:LIMIT], "required": False}]
        return payload
    if command.subs:
        leaves = (*([command.default] if command.default else []), *command.subs)
        payload["options"] = [_sub_payload(sub, catalogs) for sub in leaves]
    else:
        payload["options"] = [_option_payload(o, catalogs) for o in command.options]
    return payload


def _sub_payload(sub: Sub, catalogs: Catalogs) -> dict[str, Any]:
    payload = _named(sub.name, sub.names, sub.summary, catalogs)
    if sub.subs:
        payload.update(type=SUB_COMMAND_GROUP, options=[_sub_payload(s, catalogs) for s in sub.subs])
    else:
        payload.update(type=SUB_COMMAND, options=[_option_payload(o, catalogs) for o in sub.options])
    return payload


def _option_payload(option: Opt, catalogs: Catalogs) -> dict[str, Any]:
    payload = _named(option.name, option.names, option.description, catalogs)
    payload.update(type=OPTION_TYPES[option.kind], required=option.required)
    if option.kind is Kind.CHOICE and option.choices and len(option.choices) <= MAX_CHOICES \
            and not option.autocomplete:
        payload["choices"] = [_choice(option, code) for code in option.choices]
    elif option.autocomplete or option.kind is Kind.CHOICE:
        payload["autocomplete"] = True
    if option.kind is Kind.INTEGER:
        payload["min_value"] = 0
    return payload


def _choice(option: Opt, code: str) -> dict[str, Any]:
    choice: dict[str, Any] = {"name": choice_label(option, code, "en")[:LIMIT], "value": code}
    localized = {DISCORD_LOCALES[lang]: choice_label(option, code, lang)[:LIMIT] for lang in SUPPORTED
                 if lang in DISCORD_LOCALES}
    if any(text != choice["name"] for text in localized.values()):
        choice["name_localizations"] = localized
    return choice


def _named(name: str, names: Mapping[str, str], description: str, catalogs: Catalogs) -> dict[str, Any]:
    """Name and description in English, with the other languages as localizations."""
    if not NAME_RE.match(name) or name != name.lower():
        raise ValueError(f"{name!r} cannot be a Discord command or option name")
    payload: dict[str, Any] = {"name": name, "description": catalogs.t("en", description)[:LIMIT] or name}
    names_out, descriptions = {}, {}
    for lang, discord_locale in DISCORD_LOCALES.items():
        local = names.get(lang, "").lower()
        if local and local != name and NAME_RE.match(local):
            names_out[discord_locale] = local
        text = catalogs.messages.get(lang, {}).get(description)
        if text:
            descriptions[discord_locale] = text[:LIMIT]
    if names_out:
        payload["name_localizations"] = names_out
    if descriptions:
        payload["description_localizations"] = descriptions
    return payload


def read_options(data: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, Any], str | None]:
    """An interaction's subcommand path, option values, and the name of the option being typed (autocomplete)."""
    path: list[str] = []
    options: list[Mapping[str, Any]] = list(data.get("options") or [])
    while len(options) == 1 and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(str(options[0]["name"]))
        options = list(options[0].get("options") or [])
    values = {str(o["name"]): o.get("value") for o in options if o.get("value") is not None}
    focused = next((str(o["name"]) for o in options if o.get("focused")), None)
    return tuple(path), values, focused
