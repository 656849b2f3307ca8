"""Explicit routes: each handlers module exports a `Routes`; handlers/__init__.py merges them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.core.commands import Handler, Kind, Opt, Sub, check_options, find_sub
from bot.core.model import Member
from bot.core.suggest import Suggest

S = TypeVar("S", contravariant=True)  # the services a job runs with (bot/services/container.py's)
D = TypeVar("D", contravariant=True)  # a connection in a unit of work (bot/store/db.py's)

__all__ = ["Command", "DueJob", "Handler", "Kind", "Opt", "PrivacyPart", "Routes", "Sub", "merge"]


@dataclass(frozen=True)
class Command:
    """A slash command. `summary` and `usage` are message ids; `admin` refuses non-admins.

    `admin_usage` (a message id) lists the subcommands only admins may use, for their /help (commands
    without declared subcommands).

    Declared commands (bot/core/commands.py) give `names` per language, typed `options` for the bare
    command, and `subs`: a typed word naming a subcommand runs its handler with the options read (see
    bot/core/invocation.py); other text goes to `handler` as typed. `default` is how Discord, which cannot
    call a command that has subcommands bare, reaches `handler` (a subcommand whose handler is ignored).
    """

    name: str
    handler: Handler
    summary: str
    usage: str | None = None
    admin: bool = False
    aliases: tuple[str, ...] = ()
    admin_usage: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    options: tuple[Opt, ...] = ()
    subs: tuple[Sub, ...] = ()
    default: Sub | None = None

    def __post_init__(self) -> None:
        check_options(self.name, self.options)
        if self.subs and self.options:
            raise ValueError(f"/{self.name}: options of the bare command go on `default` when it has subcommands")

    def name_in(self, locale: str) -> str:
        """The command's name in `locale` (English when it has none there)."""
        return self.names.get(locale, self.name)

    def all_names(self) -> tuple[str, ...]:
        """Every name the command answers to: English, each language's, the aliases."""
        return tuple(dict.fromkeys((self.name, *self.names.values(), *self.aliases)))

    def sub(self, word: str) -> Sub | None:
        """The subcommand `word` names, in any language."""
        return find_sub(self.subs, word)


@dataclass(frozen=True)
class MessageAction:
    """An action on a chosen message: a Slack message shortcut, a Discord message context command.

    `name` is its stable id (Slack callback_id, console name); `label` and `description` are message ids
    (the label must fit Discord's 32 characters in every language); `admin` refuses non-admins.
    """

    name: str
    handler: Handler
    label: str
    description: str
    admin: bool = False


class DueJob(Protocol[S]):
    """Work the scheduler heartbeat runs: the database says what is due."""

    name: str

    async def run(self, services: S, now: datetime) -> None:
        """Do everything due at `now`."""
        ...

    async def next_due(self, services: S, now: datetime) -> datetime | None:
        """When this job next has something due (None: nothing planned)."""
        ...


class PrivacyPart(Protocol[D]):
    """A feature's share of a member's personal data, for /mydata and /forget-me (bot/services/privacy/__init__.py).

    `tables` are the tables this part handles; any other table with a foreign key to members is exported
    and its rows deleted by the generic step, so register a part to keep something anonymously instead.
    """

    name: str
    tables: tuple[str, ...]

    async def export(self, db: D, member: Member) -> Any:
        """Everything this feature stores about `member`, as JSON-ready data."""
        ...

    async def erase(self, db: D, member: Member, now: datetime) -> list[tuple[str, int]]:
        """Delete or anonymise; return (message id, count) pairs for what was kept anonymously."""
        ...


@dataclass(frozen=True)
class Routes:
    """What a feature answers: commands, buttons, forms, joins, messages, due jobs and more."""

    commands: tuple[Command, ...] = ()
    buttons: dict[str, Handler] = field(default_factory=dict)  # action -> handler
    forms: dict[str, Handler] = field(default_factory=dict)  # form id -> handler
    joins: tuple[Handler, ...] = ()
    messages: tuple[Handler, ...] = ()  # tried in order; the first non-None result answers
    jobs: tuple[DueJob[Any], ...] = ()
    privacy: tuple[PrivacyPart[Any], ...] = ()  # erase/export steps, run by /mydata and /forget-me
    admin_buttons: frozenset[str] = frozenset()  # actions the dispatcher refuses to non-admins
    admin_forms: frozenset[str] = frozenset()  # form ids the dispatcher refuses to non-admins
    suggestions: dict[str, Suggest] = field(default_factory=dict)  # autocomplete source name -> source
    actions: tuple[MessageAction, ...] = ()  # actions on a chosen message
    home: tuple[Handler, ...] = ()  # sections of a member's home (Slack App Home), each a list of replies

    def __post_init__(self) -> None:
        undeclared = (self.admin_buttons - self.buttons.keys()) | (self.admin_forms - self.forms.keys())
        if undeclared:
            raise ValueError(f"admin gates on unknown buttons or forms: {sorted(undeclared)}")

    def command(self, name: str) -> Command | None:
        """The command named `name` (with or without its slash), in any language or alias."""
        name = name.lower().lstrip("/")
        return next((c for c in self.commands if name in c.all_names()), None)

    def action(self, name: str) -> MessageAction | None:
        """The message action called `name`."""
        return next((a for a in self.actions if a.name == name), None)


def merge(*parts: Routes) -> Routes:
    """Combine feature routes; a name or action defined twice is a programming error."""
    commands = tuple(c for p in parts for c in p.commands)
    names = [n for c in commands for n in c.all_names()]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"commands defined twice: {sorted(duplicates)}")
    actions = tuple(a for p in parts for a in p.actions)
    if len({a.name for a in actions}) != len(actions):
        raise ValueError(f"message actions defined twice: {sorted(a.name for a in actions)}")
    buttons: dict[str, Handler] = {}
    forms: dict[str, Handler] = {}
    for part in parts:
        _add_unique(buttons, part.buttons, "button action")
        _add_unique(forms, part.forms, "form id")
    return Routes(
        commands=commands,
        buttons=buttons,
        forms=forms,
        joins=tuple(h for p in parts for h in p.joins),
        messages=tuple(h for p in parts for h in p.messages),
        jobs=tuple(j for p in parts for j in p.jobs),
        privacy=tuple(x for p in parts for x in p.privacy),
        admin_buttons=frozenset().union(*(p.admin_buttons for p in parts)),
        admin_forms=frozenset().union(*(p.admin_forms for p in parts)),
        actions=actions,
        home=tuple(h for p in parts for h in p.home),
        suggestions=_unique_sources(parts),
    )


def _add_unique(target: dict[str, Handler], extra: dict[str, Handler], what: str) -> None:
    clash = target.keys() & extra.keys()
    if clash:
        raise ValueError(f"{what} defined twice: {sorted(clash)}")
    target.update(extra)


def _unique_sources(parts: tuple[Routes, ...]) -> dict[str, Suggest]:
    sources: dict[str, Suggest] = {}
    for part in parts:
        clash = sources.keys() & part.suggestions.keys()
        if clash:
            raise ValueError(f"suggestion source defined twice: {sorted(clash)}")
        sources.update(part.suggestions)
    return sources
