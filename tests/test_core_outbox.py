"""The outbox: queued once per key, delivered once, retried with backoff and Retry-After, failures kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import SimClock
from bot.core.model import Destination, Reply
from bot.services.outbox import DeliveryError, Outbox, OutboxPolicy
from bot.store import outbox as outbox_sql
from bot.store.db import Store

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DEST = Destination("fake", "dm", "U1")


class FakeMessenger:
    """Records sends; fails according to a script of DeliveryErrors (None = success)."""

    platform = "fake"

    def __init__(self, script: list[DeliveryError | None] | None = None) -> None:
        self.script = list(script or [])
        self.sent: list[tuple[Destination, str]] = []
        self.attempts = 0

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        self.attempts += 1
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.sent.append((dest, reply.text))
        return f"ref-{len(self.sent)}"


@pytest.fixture
async def store(tmp_path: Path):
    async with Store(str(tmp_path / "outbox.db")) as opened:
        yield opened


class Monotonic:
    """A monotonic clock that moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_outbox(store: Store, messenger: FakeMessenger, clock: SimClock, concurrency: int = 1,
                monotonic: Monotonic | None = None) -> Outbox:
    """One worker by default, so the order of sends is deterministic (test_outbox_pacing covers more)."""
    policy = OutboxPolicy(max_attempts=4, base_delay=2.0, concurrency=concurrency, lease_seconds=30)
    outbox = Outbox(store, clock, policy, monotonic=monotonic or Monotonic())
    outbox.register(messenger)
    return outbox


async def crashed_mid_send(store: Store, clock: SimClock) -> list[outbox_sql.OutboxRow]:
    """Another process claims every due row, then dies (its lease is never renewed)."""
    async with store.transaction() as db:
        return await outbox_sql.claim_due(db, ["fake"], clock.now(), 10, "elsewhere:42:dead",
                                          clock.now() + timedelta(seconds=30))


async def expire_leases(outbox: Outbox, monotonic: Monotonic) -> int:
    """Watch the dead process's leases stand still for a whole lease length, then take them back."""
    assert await outbox.recover_expired() == 0  # first seen now
    monotonic.now += 29.9
    assert await outbox.recover_expired() == 0  # not a whole lease yet
    monotonic.now += 0.1
    return await outbox.recover_expired()


async def test_same_key_is_queued_and_sent_once(store: Store) -> None:
    clock, messenger = SimClock(START), FakeMessenger()
    outbox = make_outbox(store, messenger, clock)
    assert await outbox.send("k1", DEST, Reply("hello"))
    assert not await outbox.send("k1", DEST, Reply("hello again"))
    assert await outbox.deliver_due() == 1
    assert await outbox.deliver_due() == 0
    assert messenger.sent == [(DEST, "hello")]


async def test_not_before_is_respected(store: Store) -> None:
    clock, messenger = SimClock(START), FakeMessenger()
    outbox = make_outbox(store, messenger, clock)
    await outbox.send("later", DEST, Reply("later"), not_before=START + timedelta(hours=1))
    assert await outbox.deliver_due() == 0
    assert await outbox.next_due() == START + timedelta(hours=1)
    clock.advance(timedelta(hours=1))
    assert await outbox.deliver_due() == 1


async def test_temporary_failures_back_off_exponentially(store: Store) -> None:
    clock = SimClock(START)
    messenger = FakeMessenger([DeliveryError("500"), DeliveryError("502"), None])
    outbox = make_outbox(store, messenger, clock)
    await outbox.send("k", DEST, Reply("x"))
    assert await outbox.deliver_due() == 0
    assert await outbox.next_due() == START + timedelta(seconds=2)
    clock.advance(timedelta(seconds=2))
    assert await outbox.deliver_due() == 0
    assert await outbox.next_due() == START + timedelta(seconds=2 + 4)
    clock.advance(timedelta(seconds=4))
    assert await outbox.deliver_due() == 1
    assert messenger.sent == [(DEST, "x")] and messenger.attempts == 3


async def test_retry_after_pauses_the_platform(store: Store) -> None:
    clock = SimClock(START)
    messenger = FakeMessenger([DeliveryError("429", retry_after=30)])
    outbox = make_outbox(store, messenger, clock)
    for n in range(3):
        await outbox.send(f"k{n}", DEST, Reply(f"m{n}"))
    assert await outbox.deliver_due() == 0
    assert messenger.attempts == 1  # the other two waited instead of hammering the platform
    clock.advance(timedelta(seconds=29))
    assert await outbox.deliver_due() == 0
    clock.advance(timedelta(seconds=1))
    assert await outbox.deliver_due() == 3
    assert [text for _, text in messenger.sent] == ["m0", "m1", "m2"]


async def test_permanent_failure_is_recorded_and_its_fallback_queued(store: Store) -> None:
    clock = SimClock(START)
    messenger = FakeMessenger([DeliveryError("cannot DM this user", permanent=True, code="dm_closed")])
    outbox = make_outbox(store, messenger, clock)
    fallback = (Destination("fake", "channel", "introductions"), Reply("welcome @ana"))
    await outbox.send("welcome:1", DEST, Reply("welcome"), fallback=fallback)
    assert await outbox.deliver_due() == 1  # the fallback
    assert messenger.sent == [(fallback[0], "welcome @ana")]
    async with store.transaction() as db:
        failed = await outbox_sql.failures(db)
        counts = await outbox_sql.counts(db)
    assert [(r["idempotency_key"], r["last_error"]) for r in failed] == [("welcome:1", "cannot DM this user")]
    assert counts == {"failed": 1, "sent": 1}


async def test_gives_up_after_max_attempts(store: Store) -> None:
    clock = SimClock(START)
    messenger = FakeMessenger([DeliveryError("503")] * 10)
    outbox = make_outbox(store, messenger, clock)
    await outbox.send("k", DEST, Reply("x"))
    for _ in range(10):
        await outbox.deliver_due()
        clock.advance(timedelta(hours=1))
    assert messenger.attempts == 4
    async with store.transaction() as db:
        assert (await outbox_sql.counts(db)) == {"failed": 1}


async def test_a_bug_in_a_door_does_not_lose_the_message(store: Store) -> None:
    class Broken(FakeMessenger):
        async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
            self.attempts += 1
            if self.attempts == 1:
                raise KeyError("boom")
            return await super().send(dest, reply)

    clock, messenger = SimClock(START), Broken()
    outbox = make_outbox(store, messenger, clock)
    await outbox.send("k", DEST, Reply("x"))
    await outbox.deliver_due()
    clock.advance(timedelta(seconds=2))
    assert await outbox.deliver_due() == 1


async def test_a_crashed_process_rows_are_queued_again_once_its_lease_expires(store: Store) -> None:
    clock, messenger, monotonic = SimClock(START), FakeMessenger(), Monotonic()
    outbox = make_outbox(store, messenger, clock, monotonic=monotonic)
    await outbox.send("k", DEST, Reply("x"))
    assert len(await crashed_mid_send(store, clock)) == 1  # a crash here leaves the row 'sending'
    assert await outbox.deliver_due() == 0
    assert await expire_leases(outbox, monotonic) == 1
    assert await outbox.deliver_due() == 1


async def test_messages_for_doors_not_running_wait(store: Store) -> None:
    clock, messenger = SimClock(START), FakeMessenger()
    outbox = make_outbox(store, messenger, clock)
    await outbox.send("k", Destination("discord", "dm", "1"), Reply("x"))
    assert await outbox.deliver_due() == 0
    assert outbox.channel_platforms(("discord",)) == ["discord", "fake"]


async def test_in_doubt_messages_are_checked_with_the_platform_before_resending(store: Store) -> None:
    class Remembering(FakeMessenger):
        """A platform that keeps what it received under the key (like a Discord nonce)."""

        def __init__(self) -> None:
            super().__init__()
            self.by_key: dict[str, str] = {}

        async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
            ref = await super().send(dest, reply, key)
            self.by_key[key] = ref or ""
            return ref

        async def already_sent(self, dest: Destination, key: str) -> str | None:
            return self.by_key.get(key)

    clock, messenger, monotonic = SimClock(START), Remembering(), Monotonic()
    outbox = make_outbox(store, messenger, clock, monotonic=monotonic)
    await outbox.send("k1", DEST, Reply("one"))
    await outbox.send("k2", DEST, Reply("two"))
    claimed = await crashed_mid_send(store, clock)
    await messenger.send(DEST, claimed[0].reply, "k1")  # k1 reached the platform, then the process died
    assert await expire_leases(outbox, monotonic) == 2
    assert await outbox.deliver_due() == 2
    assert [text for _, text in messenger.sent] == ["one", "two"]  # k1 not sent twice
