"""Outbox pacing and concurrency: the token bucket spaces requests, a 429 holds it, workers run side by side,
a 5xx reschedules only its message, and a crash leaves at most `concurrency` messages in doubt."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import SimClock
from bot.core.model import Destination, Reply
from bot.services.outbox import DeliveryError, Outbox, OutboxPolicy
from bot.services.outbox.pacing import Pacer, TokenBucket
from bot.store.db import Store

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def test_bucket_spaces_requests_at_the_rate_after_the_burst() -> None:
    clock = FakeTime()
    bucket = TokenBucket(10.0, burst=3, monotonic=clock.monotonic)
    waits = [round(bucket.reserve(), 6) for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 0.1, 0.2, 0.3]  # three at once, then one every 100 ms
    clock.now += 10  # idle: the burst is available again, no debt carried over
    assert round(bucket.reserve(), 6) == 0.0


def test_hold_after_a_429_delays_every_next_request() -> None:
    clock = FakeTime()
    bucket = TokenBucket(50.0, burst=1, monotonic=clock.monotonic)
    bucket.hold(2.0)
    assert round(bucket.reserve(), 6) == 2.0
    assert TokenBucket(0.0).reserve() == 0.0  # rate 0: no pacing


async def test_pacer_keeps_one_bucket_per_key() -> None:
    clock = FakeTime()
    pacer = Pacer(10.0)
    for key in ("conversations.open", "chat.postMessage"):
        pacer.bucket(key).monotonic = clock.monotonic
        pacer.bucket(key).sleep = clock.sleep
    await pacer.take("conversations.open")
    await pacer.take("chat.postMessage")
    await pacer.take("chat.postMessage")
    assert clock.slept == [0.1]  # only the second postMessage waited


class SlowMessenger:
    """Counts how many sends are in flight at once; fails the keys listed in `fail` once with a 503."""

    platform = "fake"

    def __init__(self, fail: set[str] | None = None, free: int = 0, busy_at: int = 0) -> None:
        self.free = free  # this many sends go through without waiting for the gate
        self.busy = asyncio.Event()  # set when `busy_at` sends are in flight together
        self.busy_at = busy_at
        self.open_when_busy = False
        self.in_flight = 0
        self.most = 0
        self.sent: list[str] = []
        self.fail = set(fail or ())
        self.gate = asyncio.Event()

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        if self.busy_at and self.in_flight >= self.busy_at:
            self.busy.set()
            if self.open_when_busy:
                self.gate.set()
        try:
            await asyncio.sleep(0)
            if self.free > 0:
                self.free -= 1
            else:
                await self.gate.wait()
            if reply.text in self.fail:
                self.fail.discard(reply.text)
                raise DeliveryError("slack 503")
            self.sent.append(reply.text)
            return reply.text
        finally:
            self.in_flight -= 1


@pytest.fixture
async def store(tmp_path: Path):
    async with Store(str(tmp_path / "outbox.db")) as opened:
        yield opened


async def test_workers_send_side_by_side_and_a_5xx_reschedules_only_its_message(store: Store) -> None:
    messenger = SlowMessenger(fail={"m3"}, free=1, busy_at=4)
    messenger.open_when_busy = True  # the sends wait until four are in flight together
    outbox = Outbox(store, SimClock(START), OutboxPolicy(concurrency=4))
    outbox.register(messenger)
    for n in range(12):
        await outbox.send(f"k{n}", Destination("fake", "dm", str(n)), Reply(f"m{n}"))
    async with asyncio.timeout(10):
        assert await outbox.deliver_due() == 11
    assert messenger.most == 4
    assert "m3" not in messenger.sent and len(messenger.sent) == 11
    assert outbox.paused_until == {}  # a 5xx does not pause the platform


async def test_a_stop_leaves_at_most_concurrency_messages_in_doubt(store: Store) -> None:
    messenger = SlowMessenger(free=1, busy_at=3)
    outbox = Outbox(store, SimClock(START), OutboxPolicy(concurrency=3))
    outbox.register(messenger)
    for n in range(50):
        await outbox.send(f"k{n}", Destination("fake", "dm", str(n)), Reply(f"m{n}"))
    delivery = asyncio.create_task(outbox.deliver_due())
    async with asyncio.timeout(10):
        await messenger.busy.wait()  # the first message went alone, then three workers are mid-send
    delivery.cancel()  # the process stops with three sends in flight: they go back to the queue, in doubt
    await asyncio.gather(delivery, return_exceptions=True)
    rows = await store.fetch_all("SELECT status, in_doubt, count(*) FROM outbox GROUP BY status, in_doubt")
    assert {(r[0], r[1]): r[2] for r in rows} == {("sent", 0): 1, ("pending", 0): 46, ("pending", 1): 3}
