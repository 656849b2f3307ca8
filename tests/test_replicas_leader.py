"""Due jobs run on one replica at a time: the one holding PostgreSQL's advisory lock; another takes over
when the leader stops or its database session dies. On SQLite the single process leads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.routes import Routes
from bot.services.container import Services
from bot.services.leader import Leadership
from bot.settings import Settings
from bot.store.backends import make_store
from bot.store.leader import LEADER_LOCK_KEY
from tests.conftest import START


@dataclass
class CountingJob:
    """A due job that records which replica ran it."""

    replica: str
    runs: list[str] = field(default_factory=list)
    name: str = "counting"

    async def run(self, services: Services, now: datetime) -> None:
        self.runs.append(self.replica)

    async def next_due(self, services: Services, now: datetime) -> datetime | None:
        return now


async def test_on_sqlite_the_single_process_leads(tmp_path: Path) -> None:
    async with make_store(str(tmp_path / "bot.db")) as store:
        leadership = Leadership(store)
        assert await leadership.leads() and await leadership.leads()
        await leadership.close()


@pytest.mark.postgres
async def test_one_leader_at_a_time_and_a_follower_takes_over_when_it_stops(postgres_url: str) -> None:
    async with make_store(postgres_url) as store:
        first, second = Leadership(store), Leadership(store)
        assert await first.leads()
        assert not await second.leads()
        assert await first.leads() and not await second.leads()  # asking again changes nothing
        await first.close()  # a clean stop gives the lead up at once
        assert await second.leads()
        assert not await first.leads()  # the old leader, back, is a follower now
        await first.close()
        await second.close()


@pytest.mark.postgres
async def test_when_the_leaders_session_dies_a_follower_takes_over(postgres_url: str) -> None:
    async with make_store(postgres_url) as store:
        leader, follower = Leadership(store), Leadership(store)
        assert await leader.leads() and not await follower.leads()
        # what the server does when the leader's process or machine is gone: it ends the session
        admin = await asyncpg.connect(postgres_url)
        try:
            ended = await admin.fetchval("""SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_locks
                                            WHERE locktype = 'advisory' AND objid = $1""", LEADER_LOCK_KEY)
        finally:
            await admin.close()
        assert ended == 1
        assert await follower.leads()  # the lock went with the session: the follower takes it
        assert not await leader.leads()  # the old leader notices its session is gone, reconnects, and follows
        await leader.close()
        await follower.close()


@pytest.mark.postgres
async def test_jobs_run_on_the_leader_only_and_move_when_it_stops(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(db_path=postgres_url, console_files=str(tmp_path / "files"))
    clock = SimClock(START)
    job_a, job_b = CountingJob("a"), CountingJob("b")
    async with lifespan(settings=settings, clock=clock, routes=Routes(jobs=(job_b,))) as replica_b:
        async with lifespan(settings=settings, clock=clock, routes=Routes(jobs=(job_a,))) as replica_a:
            await replica_b.heartbeat.tick()
            await replica_a.heartbeat.tick()
            await replica_b.heartbeat.tick()
            assert job_b.runs == ["b", "b"] and job_a.runs == []
        # replica a stopped; b keeps leading; a new replica follows
        async with lifespan(settings=settings, clock=clock, routes=Routes(jobs=(job_a,))) as replica_a:
            await replica_a.heartbeat.tick()
            assert job_a.runs == []
    async with lifespan(settings=settings, clock=clock, routes=Routes(jobs=(job_a,))) as replica_a:
        await replica_a.heartbeat.tick()  # b stopped: a takes over at its next beat
        assert job_a.runs == ["a"]
