"""The heartbeat: asks every job "what is due now?" every `heartbeat_seconds`.

The database holds what is due, so the heartbeat can stop and start without losing anything. It sleeps on
monotonic time (the event loop's clock) and gives the jobs the outbox's steady clock, so a wall-clock jump
neither stalls it nor runs anything twice. The outbox has its own delivery loop; `tick` (jobs, then the
outbox brought to rest) and `advance_to` drive a simulated clock in the console and in tests.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.core.clock import SimClock
from bot.core.routes import DueJob
from bot.services.container import Services
from bot.services.leader import Leadership
from bot.services.outbox.loop import DeliveryLoop, cancelled

log = logging.getLogger(__name__)
MAX_STEPS = 100_000


class Heartbeat:
    """Runs the due jobs when they fall due (on one replica only)."""

    def __init__(self, services: Services, jobs: tuple[DueJob[Services], ...],
                 delivery: DeliveryLoop | None = None) -> None:
        self.services = services
        self.jobs = jobs
        self.delivery = delivery
        self.leader = Leadership(services.store)  # replicas on PostgreSQL: one runs the jobs
        self.clock = services.outbox.clock  # steady: never runs backward
        self._task: asyncio.Task[None] | None = None

    async def run_jobs(self) -> None:
        """One beat: every job for the current time (on the leading replica only)."""
        now = self.clock.now()
        for job in self.jobs if await self.leader.leads() else ():
            try:
                await job.run(self.services, now)
            except Exception:
                log.exception("due job %s failed; it will be asked again at the next beat", job.name)

    async def tick(self) -> int:
        """Run every job for the current time, then bring the outbox to rest (the delivery loop when it
        runs, else a delivery here); returns the messages sent meanwhile."""
        await self.run_jobs()
        outbox = self.services.outbox
        before = outbox.sent
        try:
            if self.delivery is not None and self.delivery.running:
                await self.delivery.settle()
            else:
                await outbox.deliver_due()
        except Exception:
            log.exception("outbox delivery failed; undelivered messages stay queued")
        return outbox.sent - before

    async def next_due(self) -> datetime | None:
        """When something is next due (the outbox or a job), None when unknown."""
        now = self.clock.now()
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
        """Beat now and every `heartbeat_seconds` on the running event loop."""
        if self._task is None:
            self._task = asyncio.create_task(self._beat_forever(), name="heartbeat")

    async def _beat_forever(self) -> None:
        while True:
            await self.run_jobs()
            await asyncio.sleep(self.services.settings.heartbeat_seconds)

    async def stop(self) -> None:
        """Stop the heartbeat task."""
        if self._task is not None:
            await cancelled(self._task)
            self._task = None
