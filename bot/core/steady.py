"""A clock that never runs backward: the injected clock, carried on monotonic time across a backward jump.

The outbox and the heartbeat compare due times with this. A forward jump of the wall clock shows at once
(what became due is done once: the database holds what was done). A backward jump does not stall them: until
the wall clock is back where it was, time goes on from the highest reading at the monotonic clock's pace.
A simulated clock that only moves forward reads exactly as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.clock import Clock


class SteadyClock:
    """A clock that never goes back, even when the wall clock does."""

    def __init__(self, clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.monotonic = monotonic
        self._high: datetime | None = None  # the highest reading so far
        self._high_at = 0.0  # the monotonic time of that reading

    def now(self) -> datetime:
        """The wall time, never earlier than a time already returned (monotonic time fills a step back)."""
        wall, mono = self.clock.now(), self.monotonic()
        if self._high is None or wall >= self._high:
            self._high, self._high_at = wall, mono
            return wall
        self._high += timedelta(seconds=max(mono - self._high_at, 0.0))
        self._high_at = mono
        return max(self._high, wall)


def steady(clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> SteadyClock:
    """`clock` as a SteadyClock (itself if it already is one)."""
    return clock if isinstance(clock, SteadyClock) else SteadyClock(clock, monotonic)
