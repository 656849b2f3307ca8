"""A 429 storm without time lost: the answers to requests already in flight when a refusal began do not
stretch the pause (Slack rounds Retry-After up to whole seconds), and a fan-out costs one database
transaction per message (recording one message claims the next)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from bot.core.model import Destination, Reply
from bot.platforms.slack.messenger import delivery_error
from bot.services.outbox import Outbox, OutboxPolicy
from bot.services.outbox.pacing import TokenBucket
from bot.store.db import Store
from tests.fakes.jump_clock import JumpClock


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(str(tmp_path / "outbox.db")) as opened:
        yield opened


async def test_answers_to_one_refusal_keep_the_earliest_end_and_a_longer_refusal_extends(store: Store) -> None:
    ticks = Ticks()
    outbox = Outbox(store, JumpClock(), monotonic=ticks)
    outbox.pause("slack", 2.0, step=1.0)  # first 429 of a storm that ends at most 2 s from now
    ticks.now += 0.15
    outbox.pause("slack", 2.0, step=1.0)  # a request in flight refused too: rounded up to 2 s again
    assert outbox.pause_left("slack") == pytest.approx(1.85, abs=0.01)
    ticks.now += 0.1
    outbox.pause("slack", 5.0, step=1.0)  # cannot be the same refusal: it ends at least 4 s from now
    assert outbox.pause_left("slack") == pytest.approx(5.0, abs=0.01)
    outbox.pause("discord", 2.0)
    ticks.now += 0.15
    outbox.pause("discord", 2.0)  # exact Retry-After (no rounding): the later answer is the truth
    assert outbox.pause_left("discord") == pytest.approx(2.0, abs=0.01)


def test_a_bucket_held_again_within_the_rounding_keeps_its_earlier_end() -> None:
    ticks = Ticks()
    slack = TokenBucket(50.0, monotonic=ticks)
    slack.hold(2.0, step=1.0)
    ticks.now += 0.15
    slack.hold(2.0, step=1.0)
    ticks.now += 1.85
    assert slack.reserve() == 0.0  # at the first answer's end, not 0.15 s later
    exact = TokenBucket(50.0, monotonic=ticks)
    exact.hold(2.0)
    ticks.now += 0.15
    exact.hold(2.0)
    ticks.now += 1.85
    assert exact.reserve() == pytest.approx(0.15)


def test_a_slack_429_says_its_retry_after_is_whole_seconds() -> None:
    response = MagicMock(status_code=429, headers={"Retry-After": "2"}, data={"ok": False, "error": "ratelimited"})
    response.get = lambda key, default=None: {"error": "ratelimited"}.get(key, default)
    error = delivery_error(MagicMock(response=response))
    assert (error.retry_after, error.retry_after_step) == (2.0, 1.0)


async def test_a_fan_out_costs_one_transaction_per_message(store: Store) -> None:
    class Quick:
        platform = "fake"
        sent = 0

        async def send(self, dest: Destination, reply: Reply, key: str) -> str | None:
            self.sent += 1
            return f"ref-{self.sent}"

    messenger = Quick()
    outbox = Outbox(store, JumpClock(), OutboxPolicy(concurrency=4))
    outbox.register(messenger)
    async with store.transaction() as db:
        for i in range(40):
            await outbox.enqueue(db, f"k{i}", Destination("fake", "dm", f"U{i}"), Reply("hello"))
    opened = 0
    real = store.transaction

    @contextlib.asynccontextmanager
    async def counted() -> AsyncIterator[object]:
        nonlocal opened
        opened += 1
        async with real() as db:
            yield db

    store.transaction = counted  # type: ignore[method-assign]
    assert await outbox.drain("fake") == 40 and messenger.sent == 40
    # one claim for the first message, one transaction per message sent (its record claims the next),
    # and one claim per worker that found nothing left
    assert opened <= 1 + 40 + 4
