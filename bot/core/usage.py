"""Usage lines generated from command declarations, in the reader's language (for /help and the manifest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.commands import option_usage, sub_usage

if TYPE_CHECKING:
    from bot.core.routes import Command


def declared(command: Command) -> bool:
    """Whether the command is declared (names per language, subcommands or options): then what it declares is
    all it takes. An undeclared one shows its `usage` message and takes free text (Discord: one "args")."""
    return bool(command.names or command.subs or command.options or command.default)


_generated: dict[tuple[int, str, bool], tuple[Command, str]] = {}  # declarations do not change: each line is made once


def usage(command: Command, locale: str, admin: bool = False) -> str:
    """`/name sub <option> | sub [option]` in `locale`: the member's subcommands, or only the admin ones."""
    key = (id(command), locale, admin)
    known = _generated.get(key)
    if known is None or known[0] is not command:  # `is`: an id may be reused once a command is gone
        known = _generated[key] = (command, _usage(command, locale, admin))
    return known[1]


def _usage(command: Command, locale: str, admin: bool) -> str:
    subs = [s for s in command.subs if s.admin == admin]
    parts = [sub_usage(s, locale) for s in subs]
    bare = command.default.options if command.default else command.options
    if not admin and bare:
        parts.insert(0, " ".join(option_usage(o, locale) for o in bare))
    head = "/" + command.name_in(locale)
    return f"{head} {' | '.join(parts)}" if parts else head



def admin_lines(command: Command, locale: str) -> list[tuple[str, str]]:
    """(`/name sub <option>`, summary message id) for each admin-only subcommand, for the admins' help."""
    return [(f"/{command.name_in(locale)} {sub_usage(sub, locale)}", sub.summary)
            for sub in command.subs if sub.admin]
