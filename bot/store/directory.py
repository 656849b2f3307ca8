"""The core's MemberDirectory over the SQL store: one transaction per incoming event."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from bot.core.model import Actor, Member
from bot.store import members as member_sql
from bot.store import signatures as signature_sql
from bot.store.backends import AnyStore

SWEEP_SECONDS = 60  # expired request signatures are deleted at most this often


class StoreDirectory:
    """The member directory and the processed-event record the dispatcher uses."""

    def __init__(self, store: AnyStore) -> None:
        self.store = store
        self.next_sweep = 0  # epoch seconds of the next sweep of expired request signatures

    async def arrive(self, actor: Actor, event_id: str | None, now: datetime) -> Member | None:
        """Record the event id and upsert the member together, so a duplicate changes nothing. Without an
        event id (a slash command) the upsert is the whole unit of work: one statement, one round trip."""
        if not event_id:
            return member_sql.row_to_member((await self.store.run_alone(member_sql.UPSERT,
                                                                         member_sql.upsert_params(actor, now)))[0])
        async with self.store.transaction() as db:
            if event_id and not await member_sql.first_time_seen(db, actor.platform, event_id, now):
                return None
            return await member_sql.upsert(db, actor, now)

    async def find(self, actor: Actor) -> Member | None:
        """The member behind `actor`, or None."""
        async with self.store.transaction() as db:
            return await member_sql.by_platform_id(db, actor.platform, actor.user_id)

    async def seen(self, platform: str, event_id: str) -> bool:
        """Whether the platform's event was already handled."""
        sql = "SELECT 1 FROM processed_events WHERE platform = ? AND event_id = ?"
        return await self.store.fetch_one(sql, (platform, event_id)) is not None

    async def record(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record an event as handled; False when it already was."""
        async with self.store.transaction() as db:
            return await member_sql.first_time_seen(db, platform, event_id, now)

    async def make_admin(self, actor: Actor, now: datetime) -> Member:
        """Make the member behind `actor` an admin."""
        async with self.store.transaction() as db:
            member = await member_sql.upsert(db, actor, now)
            await member_sql.set_admin(db, member.id, True)
        return replace(member, is_admin=True)

    async def first_request(self, signature: str, expires_at: int) -> bool:
        """Remember a signed request until `expires_at` (epoch seconds), forgetting the expired ones."""
        now = int(time.time())
        if now >= self.next_sweep:  # housekeeping: a stale signature is refused by its timestamp anyway
            self.next_sweep = now + SWEEP_SECONDS
            await self.store.run_alone(signature_sql.FORGET_EXPIRED, (now,))
        return bool(await self.store.run_alone(signature_sql.FIRST_USE, (signature, expires_at)))
