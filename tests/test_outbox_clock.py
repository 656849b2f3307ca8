"""The heartbeat beats on monotonic time and gives the due jobs a clock that never runs backward: a wall-clock
jump back neither stalls it nor its jobs; a jump forward runs what became due once, with no burst of beats."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.model import Destination, Reply
from bot.core.routes import Routes
from bot.services.container import Services
from bot.settings import Settings
from tests.fakes.jump_clock import JumpClock

WAIT = 20.0




class Reminder:
    """A due job: one reminder, due at `due`, queued through the outbox under its key when due."""

    name = "reminder"

    def __init__(self) -> None:
        self.due: datetime | None = None
        self.beats: list[tuple[float, datetime]] = []  # (monotonic time, the `now` the job was given)
        self.beat = asyncio.Condition()

    async def run(self, services: Services, now: datetime) -> None:
        async with self.beat:
            self.beats.append((time.monotonic(), now))
            self.beat.notify_all()
        if self.due is not None and now >= self.due:
            await services.outbox.send("reminder:1", Destination("fake", "dm", "U1"), Reply("starts soon"))

    async def next_due(self, services: Services, now: datetime) -> datetime | None:
        return self.due

    async def more_beats(self, count: int) -> None:
        target = len(self.beats) + count
        async with asyncio.timeout(WAIT), self.beat:
            await self.beat.wait_for(lambda: len(self.beats) >= target)


class Recorder:
    platform = "fake"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        self.sent.append(reply.text)
        return "ref"


@pytest.fixture
async def beating(tmp_path: Path) -> AsyncIterator[tuple[App, Reminder, Recorder, JumpClock]]:
    clock, job, messenger = JumpClock(), Reminder(), Recorder()
    settings = Settings(db_path=str(tmp_path / "bot.db"), heartbeat_seconds=1)
    async with lifespan(settings=settings, clock=clock, routes=Routes(jobs=(job,)), deliver=True) as app:
        app.services.outbox.register(messenger)
        app.heartbeat.start()
        await job.more_beats(1)
        yield app, job, messenger, clock


async def test_a_backward_jump_does_not_stall_the_heartbeat(beating: tuple[App, Reminder, Recorder, JumpClock]) -> None:
    app, job, messenger, clock = beating
    job.due = clock.now() + timedelta(seconds=1.5)
    clock.jump(timedelta(hours=-1))
    await job.more_beats(3)  # an hour-long stall (a scheduler on wall time) would time out here
    given = [now for _, now in job.beats]
    assert given == sorted(given)  # the jobs' clock never ran backward
    await app.heartbeat.tick()
    assert messenger.sent == ["starts soon"]  # due 1.5 s after the jump's start, not an hour later


async def test_a_forward_jump_runs_what_became_due_once_without_a_burst(
        beating: tuple[App, Reminder, Recorder, JumpClock]) -> None:
    app, job, messenger, clock = beating
    job.due = clock.now() + timedelta(minutes=30)
    await job.more_beats(1)
    assert messenger.sent == []
    before = len(job.beats)
    jumped_at = time.monotonic()
    clock.jump(timedelta(hours=2))
    await job.more_beats(3)
    await app.heartbeat.tick()
    assert messenger.sent == ["starts soon"]  # due after the jump, queued and sent once
    beats_since = len(job.beats) - before
    assert beats_since <= time.monotonic() - jumped_at + 2  # one beat a second: no catching up on 2 hours
