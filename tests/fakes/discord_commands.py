"""What real Discord checks in application-command registrations and autocomplete answers (from its API
reference): names, descriptions, option types and order, choices, localizations, nesting depth."""

from __future__ import annotations

import re
from typing import Any

NAME = re.compile(r"^[-_\w]{1,32}$")
LOCALES = {"id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl",
           "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja",
           "zh-TW", "ko"}
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
VALUE_TYPES = {3, 4, 5, 6, 7, 8, 9, 10, 11}


USER_MENU, MESSAGE_MENU = 2, 3


def command_problem(commands: list[dict[str, Any]]) -> str | None:
    """Why Discord would refuse this bulk overwrite (50035 Invalid Form Body), or None."""
    if len(commands) > 100:
        return "too many commands"
    names = [c.get("name") for c in commands]
    if len(names) != len(set(names)):
        return "command names repeated"
    for command in commands:
        if command.get("type") in (USER_MENU, MESSAGE_MENU):
            problem = _menu_problem(command)
        else:
            problem = _named_problem(command) or _options_problem(command.get("options") or [], depth=0)
        if problem:
            return f"/{command.get('name')}: {problem}"
    return None


def _menu_problem(menu: dict[str, Any]) -> str | None:
    """A user or message context command: a name of 1-32 characters (spaces and capitals allowed), no description,
    no options."""
    names = [menu.get("name") or "", *(menu.get("name_localizations") or {}).values()]
    if not all(1 <= len(name) <= 32 for name in names):
        return f"bad context menu name in {names!r}"
    if any(locale not in LOCALES for locale in menu.get("name_localizations") or {}):
        return "unknown locale in a context menu name"
    if menu.get("description") or menu.get("options"):
        return "a context menu has no description and no options"
    return None


def _named_problem(item: dict[str, Any]) -> str | None:
    name, description = item.get("name") or "", item.get("description") or ""
    if not NAME.match(name) or name != name.lower():
        return f"bad name {name!r}"
    if not 1 <= len(description) <= 100:
        return f"{name}: description must be 1-100 characters"
    for key, limit in (("name_localizations", 32), ("description_localizations", 100)):
        for locale, text in (item.get(key) or {}).items():
            if locale not in LOCALES:
                return f"{name}: unknown locale {locale!r}"
            if not 1 <= len(text) <= limit or (key == "name_localizations" and
                                               (not NAME.match(text) or text != text.lower())):
                return f"{name}: bad {key} {text!r}"
    return None


def _options_problem(options: list[dict[str, Any]], depth: int) -> str | None:
    if len(options) > 25:
        return "more than 25 options"
    names = [o.get("name") for o in options]
    if len(names) != len(set(names)):
        return "option names repeated"
    kinds = {o.get("type") for o in options}
    if kinds & {SUB_COMMAND, SUB_COMMAND_GROUP} and kinds - {SUB_COMMAND, SUB_COMMAND_GROUP}:
        return "subcommands mixed with options"
    seen_optional = False
    for option in options:
        problem = _named_problem(option) or _option_problem(option, depth)
        if problem:
            return problem
        if option.get("type") in VALUE_TYPES:
            if option.get("required") and seen_optional:
                return f"required option {option['name']} after an optional one"
            seen_optional = seen_optional or not option.get("required")
    return None


def _option_problem(option: dict[str, Any], depth: int) -> str | None:
    kind = option.get("type")
    if kind == SUB_COMMAND_GROUP:
        if depth > 0:
            return "a group inside a subcommand"
        inner = option.get("options") or []
        if any(o.get("type") != SUB_COMMAND for o in inner):
            return "a group holds subcommands only"
        return _options_problem(inner, depth + 1)
    if kind == SUB_COMMAND:
        return _options_problem(option.get("options") or [], depth + 2)
    if kind not in VALUE_TYPES:
        return f"unknown option type {kind}"
    choices = option.get("choices") or []
    if choices and option.get("autocomplete"):
        return "choices and autocomplete together"
    if len(choices) > 25 or any(not 1 <= len(c.get("name", "")) <= 100 for c in choices):
        return "bad choices"
    return None


def autocomplete_problem(data: dict[str, Any]) -> str | None:
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) > 25:
        return "choices: at most 25"
    for choice in choices:
        if not 1 <= len(str(choice.get("name", ""))) <= 100 or len(str(choice.get("value", ""))) > 100:
            return "choice name 1-100 characters, value at most 100"
    return None
