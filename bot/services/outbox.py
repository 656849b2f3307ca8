"""The outbox: every proactive message is queued in the database, then delivered with retries.

A message is queued in the same transaction as the change that caused it, under an idempotency key,
so it is queued once. Delivery claims rows, sends them through the platform's Messenger, and records
the outcome; temporary failures back off exponentially (or as Retry-After says), permanent ones are
recorded with their reason and, where the message has one, its fallback is queued.
"""

from __future__ import annotations

import asyncio
import contextvars
import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.model import Destination, Reply
from bot.store import outbox as sql
from bot.store.backends import AnyStore
from bot.store.db import Connection

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send failed. `permanent` failures are not retried; `retry_after` is the platform's hint;
    `maybe_sent` when the platform may have done it anyway (a 5xx or a connection lost mid-request), so the
    retry first asks the messenger's `already_sent`."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None,
                 code: str = "", maybe_sent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.code = code
        self.maybe_sent = maybe_sent


# The idempotency key of the message being delivered, for doors that can pass it to the platform
# (a Discord nonce, Slack message metadata) so that `already_sent` can find it after a crash.
current_key: contextvars.ContextVar[str] = contextvars.ContextVar("outbox_current_key", default="")


class Messenger(Protocol):
    """What a door provides to deliver proactive messages.

    A door may also define `async def already_sent(dest, key) -> str | None`: asked before re-sending a
    message that a crash left in doubt, it returns the platform's reference if the message is there; and
    `def forget(user_id) -> None`: called after /forget-me, it drops what the door remembers of that member.
    """

    platform: str

    async def send(self, dest: Destination, reply: Reply) -> str | None:
        """Send; return the platform's message reference; raise DeliveryError on failure."""
        ...


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # recorded for a retry later, or for good
    WAIT = "wait"  # the platform asked us to slow down: stop this batch


@dataclass
class OutboxPolicy:
    max_attempts: int = 8
    base_delay: float = 2.0
    max_delay: float = 3600.0
    batch: int = 200  # kept for settings compatibility; rows are now claimed one at a time per worker
    concurrency: int = 8  # messages in flight per platform (the messenger paces the requests)


class Outbox:
    def __init__(self, store: AnyStore, clock: Clock, policy: OutboxPolicy | None = None) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy or OutboxPolicy()
        self.messengers: dict[str, Messenger] = {}
        self.not_chat: set[str] = set()  # messengers that take no channel posts (e.g. the feedback webhook)
        self.paused_until: dict[str, datetime] = {}

    def register(self, messenger: Messenger, *, chat: bool = True) -> None:
        """Deliver this platform's rows through `messenger`; `chat=False` keeps it out of channel posts."""
        self.messengers[messenger.platform] = messenger
        if not chat:
            self.not_chat.add(messenger.platform)

    async def enqueue(
        self,
        db: Connection,
        key: str,
        dest: Destination,
        reply: Reply,
        *,
        not_before: datetime | None = None,
        fallback: tuple[Destination, Reply] | None = None,
        private: bool = False,
    ) -> bool:
        """Queue within the caller's transaction; False if `key` was already queued. A `private` row (an
        anonymous act's, a late direct answer) keeps its times to the day and is deleted once delivered."""
        now = self.clock.now()
        if private:
            now = now.replace(hour=0, minute=0, second=0, microsecond=0)
            not_before = max(not_before, now) if not_before else now
        return await sql.insert(db, key, dest, reply, not_before or now, now, fallback, private)

    async def send(self, key: str, dest: Destination, reply: Reply, **kwargs: object) -> bool:
        """Queue in a transaction of its own."""
        async with self.store.transaction() as db:
            return await self.enqueue(db, key, dest, reply, **kwargs)  # type: ignore[arg-type]

    async def recover(self) -> int:
        """At start: messages interrupted mid-send go back to the queue."""
        async with self.store.transaction() as db:
            released = await sql.release_in_flight(db)
        if released:
            log.warning("outbox: %d message(s) interrupted by a stop are queued again", released)
        return released

    def channel_platforms(self, configured: tuple[str, ...] = ()) -> list[str]:
        """Platforms a channel post should go to: the running doors plus the configured ones."""
        return sorted((set(self.messengers) - self.not_chat) | set(configured))

    def _active_platforms(self, now: datetime) -> list[str]:
        return [p for p in self.messengers if self.paused_until.get(p, now) <= now]

    async def next_due(self) -> datetime | None:
        async with self.store.transaction() as db:
            return await sql.next_due(db, list(self.messengers))

    async def deliver_due(self) -> int:
        """Deliver every message due now, platforms side by side; returns how many were sent.

        Each platform gets `policy.concurrency` workers that claim one row at a time, so a crash leaves
        at most that many rows in doubt. A temporary failure (5xx, network) reschedules that row only;
        a 429 with Retry-After pauses its platform and its workers stop.
        """
        platforms = self._active_platforms(self.clock.now())
        counts = await asyncio.gather(*(self._drain(p) for p in platforms))
        return sum(counts)

    async def _drain(self, platform: str) -> int:
        """One message alone first (after a pause, no burst into another 429), then the workers."""
        first = await self._deliver_next(platform)
        if first is None or first is Outcome.WAIT:
            return 0
        workers = max(self.policy.concurrency, 1)
        counts = await asyncio.gather(*(self._worker(platform) for _ in range(workers)))
        return (first is Outcome.SENT) + sum(counts)

    async def _worker(self, platform: str) -> int:
        sent = 0
        while (outcome := await self._deliver_next(platform)) not in (None, Outcome.WAIT):
            sent += outcome is Outcome.SENT
        return sent

    async def _deliver_next(self, platform: str) -> Outcome | None:
        """Claim and deliver the oldest due message; None when nothing is due or the platform is paused."""
        now = self.clock.now()
        if self.paused_until.get(platform, now) > now:
            return None
        async with self.store.transaction() as db:
            rows = await sql.claim_due(db, [platform], now, 1)
        return await self._deliver(rows[0]) if rows else None

    async def _deliver(self, row: sql.OutboxRow) -> Outcome:
        """Send one row and record what happened."""
        messenger = self.messengers[row.destination.platform]
        current_key.set(row.key)
        try:
            ref = await self._found_after_crash(messenger, row) if row.in_doubt else None
            ref = ref or await messenger.send(row.destination, row.reply)
        except DeliveryError as exc:
            return await self._failed(row, exc)
        except Exception as exc:  # a bug in a door must not lose the message
            log.exception("outbox: unexpected error sending %s", row.key)
            return await self._failed(row, DeliveryError(f"{type(exc).__name__}: {exc}"))
        async with self.store.transaction() as db:
            await sql.mark_sent(db, row.id, self.clock.now(), ref)
        return Outcome.SENT

    async def _found_after_crash(self, messenger: Messenger, row: sql.OutboxRow) -> str | None:
        check = getattr(messenger, "already_sent", None)
        if check is None:
            return None
        ref: str | None = await check(row.destination, row.key)
        if ref:
            log.info("outbox: %s was sent before the stop; not sending it again", row.key)
        return ref

    async def _failed(self, row: sql.OutboxRow, exc: DeliveryError) -> Outcome:
        now = self.clock.now()
        attempts = row.attempts + 1
        async with self.store.transaction() as db:
            if exc.permanent or attempts >= self.policy.max_attempts:
                await self._give_up(db, row, exc.reason)
                return Outcome.FAILED
            delay = self._delay(attempts, exc.retry_after)
            await sql.mark_retry(db, row.id, now + timedelta(seconds=delay), exc.reason, exc.maybe_sent)
        log.info("outbox: %s retry %d in %.1fs (%s)", row.key, attempts, delay, exc.reason)
        if exc.retry_after is not None:
            self.paused_until[row.destination.platform] = now + timedelta(seconds=exc.retry_after)
            return Outcome.WAIT
        return Outcome.FAILED

    async def _give_up(self, db: Connection, row: sql.OutboxRow, reason: str) -> None:
        await sql.mark_failed(db, row.id, reason)
        log.warning("outbox: %s failed for good: %s", row.key, reason)
        if row.fallback is not None:
            dest, reply = row.fallback
            await sql.insert(db, row.key + ":fallback", dest, reply, self.clock.now(), self.clock.now())

    def _delay(self, attempts: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return max(retry_after, 0.0)
        return min(self.policy.base_delay * 2 ** (attempts - 1), self.policy.max_delay)
