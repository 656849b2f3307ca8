"""Outbox leases: the rows this process is sending are leased to it, and nobody else's are taken back early.

A claimed row records its holder (host, process id, start nonce) and a lease deadline; the holder renews
its leases every third of a lease while it sends (each renewal bumps `lease_beats`). Another process takes a
row back only once it has watched that row's lease stand still (same holder, same beats) for a whole lease
length on its own monotonic clock: no wall clock is trusted, so a clock jump, a console on simulated time or
a slow disk never makes a live process's rows look abandoned. A row taken back is queued in doubt: the
next sender asks the platform whether it already has it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timedelta

from bot.core.steady import SteadyClock
from bot.store import outbox as sql
from bot.store.backends import AnyStore
from bot.store.db import Connection

log = logging.getLogger(__name__)


def process_owner() -> str:
    """This process's name on its leases: host, process id and a nonce drawn at start."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Leases:
    """Claims on outbox rows, so one worker at a time delivers each."""

    def __init__(self, store: AnyStore, clock: SteadyClock, monotonic: Callable[[], float],
                 seconds: float) -> None:
        self.store = store
        self.clock = clock
        self.monotonic = monotonic
        self.seconds = seconds
        self.owner = process_owner()
        self._holders = 0  # drains under way (they hold rows)
        self._renewer: asyncio.Task[None] | None = None
        self._seen: dict[int, tuple[tuple[str, int], float]] = {}  # others' rows: (holder, beats), since when
        self._unrecorded: set[int] = set()  # our rows whose outcome could not be written yet

    async def claim(self, platform: str, limit: int = 1) -> list[sql.OutboxRow]:
        """Lease up to `limit` due messages for `platform`."""
        async with self.store.transaction() as db:
            return await self.claim_in(db, platform, limit)

    async def claim_in(self, db: Connection, platform: str, limit: int) -> list[sql.OutboxRow]:
        """Lease up to `limit` due rows of `platform` to this process, within the caller's transaction."""
        return await sql.claim_due(db, [platform], self.clock.now(), limit, self.owner, self._deadline())

    def _deadline(self) -> datetime:
        return self.clock.now() + timedelta(seconds=self.seconds)

    @asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Renew this process's leases while the block runs (drains nest: one renewer for all)."""
        self._holders += 1
        if self._renewer is None:
            self._renewer = asyncio.create_task(self._renew_forever(), name="outbox-leases")
        try:
            yield
        finally:
            self._holders -= 1
            if not self._holders and self._renewer is not None:
                self._renewer.cancel()
                with suppress(asyncio.CancelledError):
                    await self._renewer
                self._renewer = None

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.seconds / 3)
            try:
                async with self.store.transaction() as db:
                    await sql.renew_leases(db, self.owner, self._deadline())
            except Exception:
                log.exception("outbox: could not renew leases; trying again in %.1fs", self.seconds / 3)

    async def give_back(self, row_id: int) -> None:
        """Queue one of our rows again, in doubt (its outcome is unknown or unrecorded); if the database
        refuses that too, try again at the next delivery (and if we stop first, our lease expires)."""
        try:
            async with self.store.transaction() as db:
                await sql.release_in_doubt(db, row_id, self.owner, self.clock.now())
            self._unrecorded.discard(row_id)
        except Exception:
            log.exception("outbox: row %d stays leased to this process for now", row_id)
            self._unrecorded.add(row_id)

    async def settle_unrecorded(self) -> None:
        """Give back every lease whose outcome could not be recorded."""
        for row_id in sorted(self._unrecorded):
            await self.give_back(row_id)

    async def recover_expired(self) -> int:
        """Take back the rows whose lease nobody renewed for a whole lease length (as watched from here)."""
        now = self.monotonic()
        async with self.store.transaction() as db:
            held = await sql.leased_by_others(db, self.owner)
            seen: dict[int, tuple[tuple[str, int], float]] = {}
            for row_id, holder, beats in held:
                before = self._seen.get(row_id)
                token = (holder, beats)
                seen[row_id] = before if before is not None and before[0] == token else (token, now)
            expired = [(row_id, token) for row_id, (token, since) in seen.items() if now - since >= self.seconds]
            taken = [row_id for row_id, (holder, beats) in expired if await sql.take_back(db, row_id, holder, beats)]
        self._seen = {row_id: entry for row_id, entry in seen.items() if row_id not in taken}
        if taken:
            log.warning("outbox: %d message(s) whose sender stopped renewing its lease are queued again, "
                        "in doubt", len(taken))
        return len(taken)
