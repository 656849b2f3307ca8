"""The delivery loop: woken by the commit that queued a message, asleep until the next due or retry time,
paused for exactly a 429's Retry-After, one drain per platform, unharmed by wall-clock jumps either way."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.model import Destination, Reply
from bot.services.outbox import DeliveryError, Outbox, OutboxPolicy
from bot.services.outbox.loop import DeliveryLoop
from bot.store import outbox as outbox_sql
from bot.store.db import Store
from tests.fakes.jump_clock import JumpClock

DEST = Destination("fake", "dm", "U1")
NEVER = 3600.0  # a poll interval that never comes during a test: only a wake-up or a due time moves the loop
WAIT = 10.0  # generous timeouts for the events awaited (a loaded machine), never the thing measured




class Recorder:
    """A messenger that records each delivery with its monotonic time and can fail by script."""

    platform = "fake"

    def __init__(self, script: list[DeliveryError | None] | None = None) -> None:
        self.script = list(script or [])
        self.attempts: list[float] = []
        self.sent: list[str] = []
        self.arrived = asyncio.Condition()

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        async with self.arrived:
            self.attempts.append(time.monotonic())
            self.arrived.notify_all()
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        async with self.arrived:
            self.sent.append(reply.text)
            self.arrived.notify_all()
        return f"ref-{len(self.sent)}"

    async def wait_sent(self, count: int) -> None:
        async with asyncio.timeout(WAIT), self.arrived:
            await self.arrived.wait_for(lambda: len(self.sent) >= count)

    async def wait_attempts(self, count: int) -> None:
        async with asyncio.timeout(WAIT), self.arrived:
            await self.arrived.wait_for(lambda: len(self.attempts) >= count)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(str(tmp_path / "outbox.db")) as opened:
        yield opened


@pytest.fixture
async def running(store: Store) -> AsyncIterator[tuple[Outbox, Recorder, JumpClock]]:
    clock, messenger = JumpClock(), Recorder()
    outbox = Outbox(store, clock, OutboxPolicy(base_delay=0.3, concurrency=2, lease_seconds=NEVER))
    outbox.register(messenger)
    loop = DeliveryLoop(outbox, poll_seconds=NEVER)
    loop.start()
    try:
        yield outbox, messenger, clock
    finally:
        await loop.stop()


async def test_the_commit_that_queues_a_message_wakes_the_loop(running: tuple[Outbox, Recorder, JumpClock]) -> None:
    outbox, messenger, _ = running
    await asyncio.sleep(0)  # the loop has gone to sleep for the poll interval (an hour)
    async with outbox.store.transaction() as db:
        await outbox.enqueue(db, "k1", DEST, Reply("hello"))
    await messenger.wait_sent(1)  # long before the poll an hour from now
    assert messenger.sent == ["hello"]


async def test_a_rolled_back_message_is_never_sent(running: tuple[Outbox, Recorder, JumpClock]) -> None:
    outbox, messenger, _ = running
    with pytest.raises(RuntimeError):
        async with outbox.store.transaction() as db:
            await outbox.enqueue(db, "gone", DEST, Reply("never"))
            raise RuntimeError("the change that caused it failed")
    await outbox.send("k2", DEST, Reply("after"))
    await messenger.wait_sent(1)
    assert messenger.sent == ["after"]


async def test_a_message_due_later_is_sent_when_due_not_before(running: tuple[Outbox, Recorder, JumpClock]) -> None:
    outbox, messenger, clock = running
    due = clock.now() + timedelta(seconds=0.4)
    await outbox.send("later", DEST, Reply("later"), not_before=due)
    await messenger.wait_sent(1)
    assert clock.now() >= due


async def test_a_429_pauses_the_platform_for_exactly_retry_after(store: Store) -> None:
    messenger = Recorder([DeliveryError("429", retry_after=0.6)])
    outbox = Outbox(store, JumpClock(), OutboxPolicy(concurrency=2, lease_seconds=NEVER))
    outbox.register(messenger)
    loop = DeliveryLoop(outbox, poll_seconds=NEVER)
    loop.start()
    try:
        for n in range(3):
            await outbox.send(f"k{n}", DEST, Reply(f"m{n}"))
        await messenger.wait_sent(3)
    finally:
        await loop.stop()
    first, retry = messenger.attempts[0], messenger.attempts[1]
    assert retry - first >= 0.6  # not one request during the pause
    assert len(messenger.attempts) == 4 and sorted(messenger.sent) == ["m0", "m1", "m2"]


async def test_a_backward_jump_stalls_neither_retries_nor_queued_messages(
        running: tuple[Outbox, Recorder, JumpClock]) -> None:
    outbox, messenger, clock = running
    messenger.script = [DeliveryError("502")]  # the first try fails: retry in 0.3 s
    await outbox.send("k", DEST, Reply("retried"))
    await messenger.wait_attempts(1)
    clock.jump(timedelta(hours=-1))  # the retry is due at a wall time an hour away now
    await outbox.send("k2", DEST, Reply("queued after the jump"))
    await messenger.wait_sent(2)  # an hour-long stall would time out here
    assert sorted(messenger.sent) == ["queued after the jump", "retried"]


async def test_a_forward_jump_fires_nothing_twice(running: tuple[Outbox, Recorder, JumpClock]) -> None:
    outbox, messenger, clock = running
    for n in range(3):
        await outbox.send(f"now:{n}", DEST, Reply(f"now {n}"))
    await outbox.send("later", DEST, Reply("in ten minutes"), not_before=clock.now() + timedelta(minutes=10))
    await messenger.wait_sent(3)
    clock.jump(timedelta(hours=2))
    outbox.wake()
    await messenger.wait_sent(4)
    await outbox.send("after", DEST, Reply("after the jump"))
    await messenger.wait_sent(5)
    assert sorted(messenger.sent) == ["after the jump", "in ten minutes", "now 0", "now 1", "now 2"]
    assert len(messenger.attempts) == 5


async def test_a_failed_sent_write_goes_through_the_in_doubt_path_at_once(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    class Remembering(Recorder):
        looked_up = 0

        async def already_sent(self, dest: Destination, key: str) -> str | None:
            self.looked_up += 1
            return "ref-1" if self.sent else None

    messenger = Remembering()
    outbox = Outbox(store, JumpClock(), OutboxPolicy(concurrency=1, lease_seconds=NEVER))
    outbox.register(messenger)
    real_mark_sent = outbox_sql.mark_sent
    failures = [sqlite3.OperationalError("disk I/O error")]

    async def flaky_mark_sent(*args: object) -> None:
        if failures:
            raise failures.pop()
        await real_mark_sent(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox_sql, "mark_sent", flaky_mark_sent)
    loop = DeliveryLoop(outbox, poll_seconds=NEVER)
    loop.start()
    try:
        await outbox.send("k", DEST, Reply("once"))
        async with asyncio.timeout(WAIT):
            while True:
                row = await store.fetch_one("SELECT status, platform_ref FROM outbox")
                if row is not None and row["status"] == "sent":
                    break
                await asyncio.sleep(0.02)
    finally:
        await loop.stop()
    assert messenger.sent == ["once"] and messenger.looked_up == 1  # looked up, found, not sent again
    assert row["platform_ref"] == "ref-1"


async def test_the_loop_and_a_manual_delivery_share_the_in_flight_bound(store: Store) -> None:
    class Slow(Recorder):
        in_flight = most = 0

        async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            try:
                await asyncio.sleep(0.01)
                return await super().send(dest, reply)
            finally:
                self.in_flight -= 1

    messenger = Slow()
    outbox = Outbox(store, JumpClock(), OutboxPolicy(concurrency=3, lease_seconds=NEVER))
    outbox.register(messenger)
    async with store.transaction() as db:
        for n in range(40):
            await outbox.enqueue(db, f"k{n}", Destination("fake", "dm", str(n)), Reply(f"m{n}"))
    loop = DeliveryLoop(outbox, poll_seconds=NEVER)
    loop.start()
    try:
        await asyncio.gather(outbox.deliver_due(), outbox.deliver_due())
        await messenger.wait_sent(40)
    finally:
        await loop.stop()
    assert messenger.most <= 3 and sorted(messenger.sent) == sorted(f"m{n}" for n in range(40))
