"""Small protocols the core and the doors need from the layers below them (implemented in bot/store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.core.clock import Clock
from bot.core.i18n import Catalogs
from bot.core.model import Actor, FormValue, Member


class StorageUnavailable(RuntimeError):
    """The database failed (locked, full, read-only, unreachable). Both store backends raise it (as
    bot.store.db.StoreError) from their driver's own error, so the core can answer "try again" without
    knowing which backend runs."""


class CommunityRules(Protocol):
    """The settings the core reads (implemented by bot.settings.Settings)."""

    @property
    def default_locale(self) -> str:
        """The community's language when a member's is unknown."""

    @property
    def community_timezone(self) -> str:
        """The community's time zone when a member's is unknown."""

    def is_configured_admin(self, platform: str, user_id: str, display_name: str = "") -> bool:
        """True for a member named an admin in the configuration."""
        ...


class CoreServices(Protocol):
    """What the core needs of the services a handler reaches through `ctx.services` (bot/services/container.py
    implements it with the feature services besides)."""

    @property
    def settings(self) -> CommunityRules:
        """The community rules the core reads."""

    @property
    def catalogs(self) -> Catalogs:
        """The message catalogs."""

    @property
    def clock(self) -> Clock:
        """The clock every event reads its time from."""


class MemberDirectory(Protocol):
    """Who the acting member is, and whether an incoming event was handled before."""

    async def arrive(self, actor: Actor, event_id: str | None, now: datetime) -> Member | None:
        """Store or refresh `actor` and record `event_id` in one unit; None if that id was processed before."""
        ...

    async def find(self, actor: Actor) -> Member | None:
        """The stored member for `actor`, without changing anything."""
        ...

    async def seen(self, platform: str, event_id: str) -> bool:
        """True if that event id was processed before (read only: a door's early check before costly work)."""
        ...

    async def record(self, platform: str, event_id: str, now: datetime) -> bool:
        """Remember an event id a door handles itself; False if it was processed before."""
        ...

    async def first_request(self, signature: str, expires_at: int) -> bool:
        """Remember a signed request's signature until `expires_at` (epoch seconds), for every replica on the
        database; False if it was remembered already (a replay)."""
        ...

    async def make_admin(self, actor: Actor, now: datetime) -> Member:
        """Store `actor` (if new) as an admin: the console's `:admin NAME`."""
        ...


class DoorState(Protocol):
    """What a door keeps across events and restarts: its own small settings, and on Discord the forms shown
    to a member (a modal's content outlives the process) with the answers of a form filled over several
    modals. Each method is one unit of work."""

    async def recall(self, key: str) -> str | None:
        """The value a door kept under `key` (None if nothing was kept)."""
        ...

    async def remember(self, key: str, value: str) -> None:
        """Keep `value` under `key`, replacing what was there."""
        ...

    async def keep_form(self, user_id: str, digest: str, body: str, now: datetime) -> None:
        """Keep a form shown to a member under its digest (the old unused ones are forgotten)."""
        ...

    async def form(self, user_id: str, digest: str) -> str | None:
        """The form kept for this member under `digest` (None for anybody else)."""
        ...

    async def add_answers(self, user_id: str, digest: str, answers: dict[str, FormValue], *, keep: bool | None,
                          now: datetime) -> dict[str, FormValue]:
        """The answers given so far to a form with `answers` added; kept for the next page (`keep` True),
        cleared (False, the form is complete) or left as they were (None)."""
        ...

    async def keep_answers(self, user_id: str, digest: str, answers: dict[str, FormValue], now: datetime) -> None:
        """Keep these answers for the form kept under `digest`."""
        ...

    async def forget_forms(self, user_id: str, same: Callable[[str], bool]) -> None:
        """Forget the forms kept for this member whose body `same` accepts, and their answers."""
        ...
