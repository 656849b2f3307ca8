"""Outbox leases between processes on one database (two stores stand for two processes; each test runs on
SQLite and PostgreSQL): every message is sent once, a live holder's rows are never taken back (not even by a
process whose clock jumped ahead), a dead holder's rows are taken back once its lease stood still a whole
lease length."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.model import Destination, Reply
from bot.services.outbox import Outbox, OutboxPolicy
from bot.services.outbox.loop import DeliveryLoop
from bot.store import outbox as outbox_sql
from bot.store.backends import AnyStore, make_store
from tests.fakes.jump_clock import JumpClock

WAIT = 20.0


async def until(check: Callable[[], Awaitable[object]], step: float = 0.05) -> None:
    """Poll `check` until it is true (at most WAIT seconds)."""
    for _ in range(int(WAIT / step)):
        if await check():
            return
        await asyncio.sleep(step)
    raise TimeoutError("never happened")


async def until_sent(store: AnyStore, count: int) -> bool:
    return int((await store.fetch_all("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"))[0][0]) >= count




class Platform:
    """One fake platform shared by both processes: what it received, and a gate that holds sends."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.open = asyncio.Event()
        self.open.set()
        self.holding = asyncio.Event()

    def messenger(self) -> Messenger:
        return Messenger(self)


class Messenger:
    platform = "fake"

    def __init__(self, fake: Platform) -> None:
        self.fake = fake

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        if not self.fake.open.is_set():
            self.fake.holding.set()
            await self.fake.open.wait()
        await asyncio.sleep(0)
        self.fake.received.append(reply.text)
        return str(len(self.fake.received))


@pytest.fixture
async def stores(db_path: str) -> AsyncIterator[tuple[AnyStore, AnyStore]]:
    first, second = make_store(db_path), make_store(db_path)
    await first.open()
    await second.open()
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


def process(store: AnyStore, fake: Platform, lease: float, clock: JumpClock | None = None) -> Outbox:
    outbox = Outbox(store, clock or JumpClock(), OutboxPolicy(concurrency=4, lease_seconds=lease))
    outbox.register(fake.messenger())
    return outbox


async def queue(outbox: Outbox, count: int) -> None:
    async with outbox.store.transaction() as db:
        for n in range(count):
            await outbox.enqueue(db, f"k{n}", Destination("fake", "dm", f"U{n}"), Reply(f"m{n}"))


async def test_two_processes_delivering_together_send_each_message_once(
        stores: tuple[AnyStore, AnyStore]) -> None:
    fake = Platform()
    first, second = process(stores[0], fake, 5.0), process(stores[1], fake, 5.0)
    await queue(first, 300)
    loops = [DeliveryLoop(first, 0.2), DeliveryLoop(second, 0.2)]
    for loop in loops:
        loop.start()
    try:
        await until(lambda: until_sent(stores[0], 300))
    finally:
        for loop in loops:
            await loop.stop()
    assert sorted(fake.received) == sorted(f"m{n}" for n in range(300))
    assert first.sent + second.sent == 300  # usually shared; on a loaded machine one may take them all


async def test_a_live_holder_keeps_its_rows_even_when_the_other_clock_jumps_ahead(
        stores: tuple[AnyStore, AnyStore]) -> None:
    fake = Platform()
    holder = process(stores[0], fake, lease=0.4)
    ahead = process(stores[1], fake, lease=0.4, clock=JumpClock(timedelta(hours=2)))  # its wall clock jumped
    await queue(holder, 1)
    fake.open.clear()
    sending = asyncio.create_task(holder.deliver_due())
    async with asyncio.timeout(WAIT):
        await fake.holding.wait()  # mid-send, lease held and renewed every third of a lease
    watched_since = time.monotonic()
    while time.monotonic() - watched_since < 4 * 0.4:
        assert await ahead.recover_expired() == 0
        await asyncio.sleep(0.05)
    fake.open.set()
    assert await sending == 1
    assert await ahead.deliver_due() == 0
    assert fake.received == ["m0"]


async def test_a_dead_holders_rows_come_back_in_doubt_after_one_still_lease(
        stores: tuple[AnyStore, AnyStore]) -> None:
    fake = Platform()
    survivor = process(stores[1], fake, lease=0.3)
    await queue(survivor, 2)
    async with stores[0].transaction() as db:  # a process claims both rows, then dies
        now = datetime.now(UTC)
        await outbox_sql.claim_due(db, ["fake"], now, 2, "dead:1:beef", now + timedelta(seconds=0.3))
    first_look = time.monotonic()
    await until(survivor.recover_expired)
    assert time.monotonic() - first_look >= 0.3
    rows = await stores[1].fetch_all("SELECT status, in_doubt, lease_owner FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("pending", 1, None), ("pending", 1, None)]
    assert await survivor.deliver_due() == 2


async def test_a_process_never_takes_back_its_own_rows(stores: tuple[AnyStore, AnyStore]) -> None:
    fake = Platform()
    outbox = process(stores[0], fake, lease=0.2)
    await queue(outbox, 1)
    async with stores[0].transaction() as db:
        now = datetime.now(UTC)
        assert await outbox_sql.claim_due(db, ["fake"], now, 1, outbox.owner, now)
    watched_since = time.monotonic()
    while time.monotonic() - watched_since < 0.6:
        assert await outbox.recover_expired() == 0
        await asyncio.sleep(0.05)
