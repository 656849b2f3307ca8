"""The delivery loop: one task per process that sends what the outbox holds the moment it is due.

It wakes when a transaction that queued messages commits (the outbox's `wake`), when a door registers, or
when the earliest due time, retry or 429 pause end comes; it sleeps on monotonic time in between (never
longer than `poll_seconds`, to see what other processes queued and to take back expired leases). Each
platform drains in a task of its own, so a paused or slow platform never holds up another.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from bot.services.outbox import Outbox
from bot.store import outbox as sql

log = logging.getLogger(__name__)
REST_AFTER_ERROR = 1.0  # seconds a platform rests after its drain failed (e.g. the database was locked)


async def cancelled(task: asyncio.Task[Any]) -> None:
    """Cancel `task` and wait for its end, cancelling again each second: a cancellation that lands on a
    database call can be lost in the exception it provokes, and the task would carry on."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    if not task.cancelled() and task.exception() is not None:
        log.debug("%s ended with %r", task.get_name(), task.exception())


class DeliveryLoop:
    """Delivers due messages, woken when one is queued."""

    def __init__(self, outbox: Outbox, poll_seconds: float = 5.0) -> None:
        self.outbox = outbox
        self.poll_seconds = max(min(poll_seconds, outbox.policy.lease_seconds / 2), 0.05)
        self._wake = asyncio.Event()
        self._drains: dict[str, asyncio.Task[int]] = {}
        self._resting: dict[str, float] = {}  # platform -> monotonic time its rest after an error ends
        self._task: asyncio.Task[None] | None = None
        self._wakes = 0  # wake-ups asked for so far
        self._settled = -1  # the wake-ups a pass had seen when it ended with nothing left due now
        self._passes = asyncio.Condition()
        self._last_recovery = float("-inf")

    @property
    def running(self) -> bool:
        """Whether the delivery task is running."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start delivering, woken by each message queued."""
        if self.running:
            return
        self.outbox.listeners.append(self.wake)
        self._task = asyncio.create_task(self._run(), name="outbox-delivery")

    async def stop(self) -> None:
        """Cancel the loop and the drains; a message cancelled mid-send is queued again in doubt."""
        if self.wake in self.outbox.listeners:
            self.outbox.listeners.remove(self.wake)
        tasks = [t for t in (self._task, *self._drains.values()) if t is not None]
        await asyncio.gather(*(cancelled(t) for t in tasks))
        self._task = None
        self._drains.clear()

    def wake(self) -> None:
        """Deliver now rather than at the next due time."""
        self._wakes += 1
        self._wake.set()

    async def settle(self) -> None:
        """Wake the loop and wait until it has sent everything due now (the console's simulated time
        and tests use this; a platform paused by a 429 counts as settled)."""
        self.wake()
        target = self._wakes
        async with self._passes:
            await self._passes.wait_for(lambda: self._settled >= target or not self.running)

    async def _run(self) -> None:
        while True:
            seen = self._wakes
            self._wake.clear()
            try:
                delay, idle = await self._pass()
            except Exception:
                log.exception("outbox delivery loop: a pass failed; trying again in %.1fs", self.poll_seconds)
                delay, idle = self.poll_seconds, True
            if idle:
                async with self._passes:
                    self._settled = seen
                    self._passes.notify_all()
            if not self._wake.is_set():
                with suppress(TimeoutError):  # not asyncio.wait_for: in 3.11 it can swallow a cancellation
                    async with asyncio.timeout(delay):
                        await self._wake.wait()

    async def _pass(self) -> tuple[float, bool]:
        """Start a drain for every platform with something due; return how long to sleep and whether
        nothing is due now (no drain running either)."""
        outbox = self.outbox
        await outbox.leases.settle_unrecorded()
        now_mono = outbox.monotonic()
        if now_mono - self._last_recovery >= self.poll_seconds:
            self._last_recovery = now_mono
            await outbox.recover_expired()
        idle_platforms = [p for p in outbox.messengers if p not in self._drains]
        async with outbox.store.transaction() as db:
            due = await sql.next_due_by_platform(db, idle_platforms)
        now = outbox.clock.now()
        waits = [self.poll_seconds]
        for platform in idle_platforms:
            wait = max(outbox.pause_left(platform), self._resting.get(platform, 0.0) - now_mono)
            if platform in due:
                wait = max(wait, (due[platform] - now).total_seconds())
                if wait <= 0:
                    self._start_drain(platform)
                    continue
            if wait > 0:
                waits.append(wait)
        return min(waits), not self._drains

    def _start_drain(self, platform: str) -> None:
        task = asyncio.create_task(self.outbox.drain(platform), name=f"outbox-{platform}")
        self._drains[platform] = task
        task.add_done_callback(lambda done: self._drained(platform, done))

    def _drained(self, platform: str, task: asyncio.Task[int]) -> None:
        if self._drains.get(platform) is task:
            del self._drains[platform]
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox: delivery to %s failed; resting %.1fs", platform, REST_AFTER_ERROR,
                      exc_info=task.exception())
            self._resting[platform] = self.outbox.monotonic() + REST_AFTER_ERROR
        self.wake()
