"""Explicit routes: each handlers module exports a `Routes`; handlers/__init__.py merges them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.model import Result

if TYPE_CHECKING:
    from bot.core.context import Ctx
    from bot.services.container import Services

Handler = Callable[["Ctx", Any], Awaitable[Result]]


@dataclass(frozen=True)
class Command:
    """A slash command. `summary` and `usage` are message ids; `admin` refuses non-admins."""

    name: str
    handler: Handler
    summary: str
    usage: str | None = None
    admin: bool = False
    aliases: tuple[str, ...] = ()


class DueJob(Protocol):
    """Work the scheduler heartbeat runs: the database says what is due."""

    name: str

    async def run(self, services: Services, now: datetime) -> None:
        """Do everything due at `now`."""
        ...

    async def next_due(self, services: Services, now: datetime) -> datetime | None:
        """When this job next has something due (None: nothing planned)."""
        ...


@dataclass(frozen=True)
class Routes:
    commands: tuple[Command, ...] = ()
    buttons: dict[str, Handler] = field(default_factory=dict)  # action -> handler
    forms: dict[str, Handler] = field(default_factory=dict)  # form id -> handler
    joins: tuple[Handler, ...] = ()
    messages: tuple[Handler, ...] = ()  # tried in order; the first non-None result answers
    jobs: tuple[DueJob, ...] = ()

    def command(self, name: str) -> Command | None:
        name = name.lower().lstrip("/")
        return next((c for c in self.commands if name == c.name or name in c.aliases), None)


def merge(*parts: Routes) -> Routes:
    """Combine feature routes; a name or action defined twice is a programming error."""
    commands = tuple(c for p in parts for c in p.commands)
    names = [n for c in commands for n in (c.name, *c.aliases)]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"commands defined twice: {sorted(duplicates)}")
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
    )


def _add_unique(target: dict[str, Handler], extra: dict[str, Handler], what: str) -> None:
    clash = target.keys() & extra.keys()
    if clash:
        raise ValueError(f"{what} defined twice: {sorted(clash)}")
    target.update(extra)
