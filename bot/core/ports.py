"""Small protocols the core needs from the layers below it (implemented in bot/store)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.model import Actor, Member


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
