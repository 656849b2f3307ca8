"""The outbox: every proactive message is queued in the database, then delivered with retries.

A message is queued in the same transaction as the change that caused it, under an idempotency key,
so it is queued once. Delivery leases rows to this process, sends them through the platform's Messenger,
and records the outcome; temporary failures back off exponentially (or as Retry-After says), permanent ones
are recorded with their reason and, where the message has one, its fallback is queued. The process's
delivery loop (`outbox_loop.py`) decides when to deliver; `deliver_due` delivers what is due now.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.model import Destination, Reply
from bot.core.steady import steady
from bot.services.outbox.leases import Leases
from bot.store import outbox as sql
from bot.store.backends import AnyStore
from bot.store.db import Connection, after_commit

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send failed. `permanent` failures are not retried; `retry_after` is the platform's hint, rounded up
    to a whole `retry_after_step` by platforms that do so (Slack: seconds); `maybe_sent` when the platform
    may have done it anyway (a 5xx or a connection lost mid-request), so the retry first asks the
    messenger's `already_sent`."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None,
                 code: str = "", maybe_sent: bool = False, retry_after_step: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.retry_after_step = retry_after_step
        self.code = code
        self.maybe_sent = maybe_sent


class Messenger(Protocol):
    """What a door provides to deliver proactive messages.

    A door may also define `async def already_sent(dest, key) -> str | None`: asked before re-sending a
    message left in doubt, it returns the platform's reference if the message is there; and
    `def forget(user_id) -> None`: called after /forget-me, it drops what the door remembers of that member.
    """

    platform: str

    async def send(self, dest: Destination, reply: Reply, key: str) -> str | None:
        """Send; return the platform's message reference; raise DeliveryError on failure. `key` is the
        message's idempotency key, for a door that can hand it to the platform (a Discord nonce, Slack
        message metadata) so that `already_sent` finds the message after a crash."""
        ...


class Outcome(enum.Enum):
    """What one delivery attempt came to."""

    SENT = "sent"
    FAILED = "failed"  # recorded for a retry later, or for good
    WAIT = "wait"  # the platform asked us to slow down: stop this batch


@dataclass
class OutboxPolicy:
    """Retries, delays, concurrency and leases of delivery."""

    max_attempts: int = 8
    base_delay: float = 2.0
    max_delay: float = 3600.0
    batch: int = 200  # kept for settings compatibility; rows are claimed one at a time per worker
    concurrency: int = 8  # messages in flight per platform in this process (the messenger paces the requests)
    lease_seconds: float = 30.0  # a claim's lease; renewed every third of it while held


class Outbox:
    """Every message the bot sends, queued in the database and delivered once."""

    def __init__(self, store: AnyStore, clock: Clock, policy: OutboxPolicy | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = steady(clock, monotonic)
        self.policy = policy or OutboxPolicy()
        self.monotonic = monotonic
        self.messengers: dict[str, Messenger] = {}
        self.not_chat: set[str] = set()  # messengers that take no channel posts (e.g. the feedback webhook)
        self.paused_until: dict[str, datetime] = {}  # on the clock; `_pause_ends` is the same on monotonic time
        self._pause_ends: dict[str, float] = {}
        self._lanes: dict[str, asyncio.Lock] = {}  # one drain per platform at a time: the in-flight bound
        self.leases = Leases(store, self.clock, monotonic, self.policy.lease_seconds)
        self.listeners: list[Callable[[], None]] = []  # told when messages are queued or a door registers
        self.sent = 0  # messages this process delivered

    @property
    def owner(self) -> str:
        """This process's lease owner id."""
        return self.leases.owner

    def register(self, messenger: Messenger, *, chat: bool = True) -> None:
        """Deliver this platform's rows through `messenger`; `chat=False` keeps it out of channel posts."""
        self.messengers[messenger.platform] = messenger
        if not chat:
            self.not_chat.add(messenger.platform)
        self.wake()

    async def unregister(self, messenger: Messenger, grace: float = 10.0) -> None:
        """Stop delivering through `messenger` (its door is closing): no new claims; the sends in flight
        are given `grace` seconds to finish before the door closes its connection."""
        if self.messengers.get(messenger.platform) is not messenger:
            return
        del self.messengers[messenger.platform]
        lane = self._lanes.get(messenger.platform)
        if lane is not None and lane.locked():
            try:
                async with asyncio.timeout(grace):
                    await lane.acquire()
                lane.release()
            except TimeoutError:
                log.warning("outbox: %s sends still in flight as its door closes", messenger.platform)

    def wake(self) -> None:
        """Tell the delivery loop there may be something to send now (messages were queued)."""
        for listener in self.listeners:
            listener()

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
        anonymous act's, a late direct answer) keeps its times to the day and is deleted once delivered.
        The delivery loop is woken when the transaction commits."""
        now = self.clock.now()
        if private:
            now = now.replace(hour=0, minute=0, second=0, microsecond=0)
            not_before = max(not_before, now) if not_before else now
        queued = await sql.insert(db, key, dest, reply, not_before or now, now, fallback, private)
        if queued:
            after_commit(self.wake)
        return queued

    async def send(self, key: str, dest: Destination, reply: Reply, **kwargs: object) -> bool:
        """Queue in a transaction of its own."""
        async with self.store.transaction() as db:
            return await self.enqueue(db, key, dest, reply, **kwargs)  # type: ignore[arg-type]

    async def recover_expired(self) -> int:
        """Queue again (in doubt) the rows whose holder let its lease expire; see `outbox_leases.py`."""
        return await self.leases.recover_expired()

    def channel_platforms(self, configured: tuple[str, ...] = ()) -> list[str]:
        """Platforms a channel post should go to: the running doors plus the configured ones."""
        return sorted((set(self.messengers) - self.not_chat) | set(configured))

    def pause_left(self, platform: str) -> float:
        """Seconds until a 429's pause of `platform` ends (0 when not paused): whichever comes first of
        the clock reaching the pause's end and that many seconds passing on the monotonic clock."""
        until = self.paused_until.get(platform)
        if until is None:
            return 0.0
        left = min((until - self.clock.now()).total_seconds(), self._pause_ends[platform] - self.monotonic())
        if left <= 0:
            del self.paused_until[platform], self._pause_ends[platform]
            return 0.0
        return left

    async def next_due(self) -> datetime | None:
        """When the next message to a registered platform is due, or None."""
        async with self.store.transaction() as db:
            return await sql.next_due(db, list(self.messengers))

    async def deliver_due(self) -> int:
        """Deliver every message due now, platforms side by side; returns how many were sent.

        Each platform gets `policy.concurrency` workers that claim one row at a time, so this process has
        at most that many of a platform's messages in flight. A temporary failure (5xx, network) reschedules
        that row only; a 429 with Retry-After pauses its platform and its workers stop.
        """
        await self.leases.settle_unrecorded()
        platforms = [p for p in self.messengers if not self.pause_left(p)]
        counts = await asyncio.gather(*(self.drain(p) for p in platforms))
        return sum(counts)

    async def drain(self, platform: str) -> int:
        """One message alone first (after a pause, no burst into another 429); the transaction recording it
        claims a row for each worker, and each worker's record of a sent message claims its next one."""
        lane = self._lanes.setdefault(platform, asyncio.Lock())
        async with lane, self.leases.kept():
            messenger = self.messengers.get(platform)
            if messenger is None:
                return 0
            first = await self._claim(messenger)
            if first is None:
                return 0
            workers = max(self.policy.concurrency, 1)
            outcome, claimed = await self._deliver(messenger, first, workers)
            if outcome is Outcome.WAIT:
                return 0
            starts = [*claimed, *[None] * (workers - len(claimed))]
            counts = await asyncio.gather(*(self._worker(messenger, row) for row in starts))
            return (outcome is Outcome.SENT) + sum(counts)

    async def _worker(self, messenger: Messenger, row: sql.OutboxRow | None) -> int:
        sent = 0
        if row is None:
            row = await self._claim(messenger)
        while row is not None:
            outcome, claimed = await self._deliver(messenger, row, 1)
            sent += outcome is Outcome.SENT
            row = claimed[0] if claimed else None
            if outcome is Outcome.FAILED:
                row = await self._claim(messenger)
        return sent

    def _may_claim(self, messenger: Messenger) -> bool:
        """Not while the platform is paused or its door is closing."""
        return not self.pause_left(messenger.platform) and self.messengers.get(messenger.platform) is messenger

    async def _claim(self, messenger: Messenger) -> sql.OutboxRow | None:
        """Claim the oldest due message in a transaction of its own."""
        if not self._may_claim(messenger):
            return None
        rows = await self.leases.claim(messenger.platform)
        return rows[0] if rows else None

    async def _deliver(self, messenger: Messenger, row: sql.OutboxRow,
                       claim: int) -> tuple[Outcome, list[sql.OutboxRow]]:
        """Send one row and record what happened, claiming up to `claim` next rows in the same transaction
        when it was sent; a row whose outcome cannot be recorded goes back in doubt."""
        try:
            try:
                ref = await self._found_before(messenger, row) if row.in_doubt else None
                ref = ref or await messenger.send(row.destination, row.reply, row.key)
            except DeliveryError as exc:
                return await self._recorded(row, self._failed(row, exc))
            except Exception as exc:  # a bug in a door must not lose the message
                log.exception("outbox: unexpected error sending %s", row.key)
                return await self._recorded(row, self._failed(row, DeliveryError(f"{type(exc).__name__}: {exc}")))
            return await self._recorded(row, self._sent(messenger, row, ref, claim))
        except asyncio.CancelledError:
            await self.leases.give_back(row.id)  # stopped mid-send: in doubt, for whoever sends it next
            raise

    async def _sent(self, messenger: Messenger, row: sql.OutboxRow, ref: str | None,
                    claim: int) -> tuple[Outcome, list[sql.OutboxRow]]:
        """Mark it sent and claim what comes next in one transaction (a fan-out's pace is bound by the
        database's commits, not only by the platform's rate limit)."""
        async with self.store.transaction() as db:
            await sql.mark_sent(db, row.id, self.clock.now(), ref)
            claimed = await self.leases.claim_in(db, messenger.platform, claim) if self._may_claim(messenger) else []
        self.sent += 1
        return Outcome.SENT, claimed

    async def _recorded(self, row: sql.OutboxRow,
                        record: Awaitable[tuple[Outcome, list[sql.OutboxRow]]]) -> tuple[Outcome, list[sql.OutboxRow]]:
        """Await the outcome's database write; if it fails, the row goes through the in-doubt path now."""
        try:
            return await record
        except Exception:
            log.exception("outbox: the outcome of %s could not be recorded; it will be looked up on the "
                          "platform before any resend", row.key)
            await self.leases.give_back(row.id)
            return Outcome.FAILED, []

    async def _found_before(self, messenger: Messenger, row: sql.OutboxRow) -> str | None:
        check = getattr(messenger, "already_sent", None)
        if check is None:
            return None
        ref: str | None = await check(row.destination, row.key)
        if ref:
            log.info("outbox: %s had reached the platform; not sending it again", row.key)
        return ref

    async def _failed(self, row: sql.OutboxRow, exc: DeliveryError) -> tuple[Outcome, list[sql.OutboxRow]]:
        now = self.clock.now()
        attempts = row.attempts + 1
        async with self.store.transaction() as db:
            if exc.permanent or attempts >= self.policy.max_attempts:
                await self._give_up(db, row, exc.reason)
                return Outcome.FAILED, []
            delay = self._delay(attempts, exc.retry_after)
            await sql.mark_retry(db, row.id, self.owner, now + timedelta(seconds=delay), exc.reason,
                                 exc.maybe_sent)
        log.info("outbox: %s retry %d in %.1fs (%s)", row.key, attempts, delay, exc.reason)
        if exc.retry_after is not None:
            self.pause(row.destination.platform, exc.retry_after, exc.retry_after_step)
            return Outcome.WAIT, []
        return Outcome.FAILED, []

    def pause(self, platform: str, seconds: float, step: float = 0.0) -> None:
        """Send nothing more to `platform` for `seconds` (a 429's Retry-After). The requests already in
        flight when a refusal began are refused too; where Retry-After is rounded up to a whole `step`, their
        ends fall up to a step after the first one's, and all are upper bounds of the refusal's end: an end
        within a step of the current pause's is the same refusal, and the earliest end stands."""
        now = self.monotonic()
        current = self._pause_ends.get(platform)
        if current is not None and current > now and now + seconds - step <= current:
            seconds = min(seconds, current - now)
        self.paused_until[platform] = self.clock.now() + timedelta(seconds=seconds)
        self._pause_ends[platform] = now + seconds
        self.wake()  # the loop's next sleep must end with the pause

    async def _give_up(self, db: Connection, row: sql.OutboxRow, reason: str) -> None:
        await sql.mark_failed(db, row.id, reason)
        log.warning("outbox: %s failed for good: %s", row.key, reason)
        if row.fallback is not None:
            dest, reply = row.fallback
            now = self.clock.now()
            if await sql.insert(db, row.key + ":fallback", dest, reply, now, now):
                after_commit(self.wake)

    def _delay(self, attempts: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return max(retry_after, 0.0)
        return min(self.policy.base_delay * 2.0 ** (attempts - 1), self.policy.max_delay)

