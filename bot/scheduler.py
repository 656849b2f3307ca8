"""The heartbeat: asks every job "what is due now?" and delivers the outbox.

The database holds what is due, so the heartbeat can stop and start without losing anything; with a
simulated clock, `advance_to` jumps from one due time to the next and replays weeks in seconds.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.clock import SimClock
from bot.core.routes import DueJob
from bot.services.container import Services
from bot.services.leader import Leadership

log = logging.getLogger(__name__)
MAX_STEPS = 100_000


class Heartbeat:
    def __init__(self, services: Services, jobs: tuple[DueJob, ...]) -> None:
        self.services = services
        self.jobs = jobs
        self.leader = Leadership(services.store)  # replicas on PostgreSQL: one runs the jobs
        self._scheduler: AsyncIOScheduler | None = None

    async def tick(self) -> int:
        """Run every job for the current time, then deliver what the outbox holds; returns messages sent."""
        now = self.services.clock.now()
        for job in self.jobs if await self.leader.leads() else ():
            try:
                await job.run(self.services, now)
            except Exception:
                log.exception("due job %s failed; it will be asked again at the next beat", job.name)
        try:
            return await self.services.outbox.deliver_due()
        except Exception:
            log.exception("outbox delivery failed; undelivered messages stay queued for the next beat")
            return 0

    async def next_due(self) -> datetime | None:
        now = self.services.clock.now()
        try:
            candidates = [await self.services.outbox.next_due()]
        except Exception:
            log.exception("outbox could not say when it is next due")
            return None
        for job in self.jobs:
            try:
                candidates.append(await job.next_due(self.services, now))
            except Exception:
                log.exception("due job %s could not say when it is next due", job.name)
        return min((c for c in candidates if c is not None), default=None)

    async def advance_to(self, clock: SimClock, target: datetime) -> int:
        """Move a simulated clock to `target`, stopping at every due time on the way."""
        sent = await self.tick()
        for _ in range(MAX_STEPS):
            due = await self.next_due()
            if due is None or due > target:
                break
            if due <= clock.now():
                if not await self.tick():  # nothing left to do at this instant: move on
                    break
                continue
            clock.set(due)
            sent += await self.tick()
        clock.set(target)
        return sent + await self.tick()

    def start(self) -> None:
        """Beat every `heartbeat_seconds` on the running event loop."""
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(self.tick, "interval", seconds=self.services.settings.heartbeat_seconds,
                                max_instances=1, coalesce=True, id="heartbeat")
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
