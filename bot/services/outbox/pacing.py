"""Pacing: a token bucket (GCRA) that spaces requests so a platform's rate limit is not hit.

Reacting to 429s alone wastes the Retry-After (a second or more each time, for every sender). A
messenger takes a token before each request instead; `hold()` makes everyone wait after a 429 anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


def replica_share(rate: float, burst: int, replicas: int) -> tuple[float, int]:
    """One replica's part of a platform's allowance when `replicas` processes share it (BOT_REPLICAS): Slack
    rates a method and Discord its global limit per app or bot, not per process, so each takes 1/N."""
    count = max(replicas, 1)
    return rate / count, max(burst // count, 1)


class TokenBucket:
    """At most `rate` requests per second on average, `burst` at once; `rate <= 0` means no pacing."""

    def __init__(self, rate: float, burst: float = 1.0, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.rate = rate
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.tolerance = max(burst - 1.0, 0.0) * self.interval
        self.monotonic = monotonic
        self.sleep = sleep
        self.tat = 0.0  # theoretical arrival time of the next request
        self.held_until = 0.0  # the end of the last hold (monotonic)

    def reserve(self, count: int = 1) -> float:
        """Book `count` tokens now; returns how long to wait before using them."""
        if self.interval <= 0:
            return 0.0
        now = self.monotonic()
        tat = max(self.tat, now)
        self.tat = tat + count * self.interval
        return max(tat - self.tolerance - now, 0.0)

    async def take(self, count: int = 1) -> None:
        """Wait until `count` requests may be made."""
        delay = self.reserve(count)
        if delay > 0:
            await self.sleep(delay)

    def hold(self, seconds: float, step: float = 0.0) -> None:
        """The platform said to wait (429 Retry-After): no token before `seconds` from now. A hold ending
        within `step` (Retry-After's rounding unit) after the current one is the same refusal answered to a
        request that was already in flight (see `Outbox.pause`): the current, earlier end stands."""
        now = self.monotonic()
        end = now + max(seconds, 0.0)
        if self.held_until > now and end - step <= self.held_until:
            return
        self.held_until = end
        self.tat = max(self.tat, end + self.tolerance)


class Pacer:
    """One bucket per key (a Slack Web API method, or one for a whole platform), created on first use."""

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: dict[str, TokenBucket] = {}

    def bucket(self, key: str = "") -> TokenBucket:
        """The token bucket of `key`, made on first use."""
        if key not in self.buckets:
            self.buckets[key] = TokenBucket(self.rate, self.burst)
        return self.buckets[key]

    async def take(self, key: str = "", count: int = 1) -> None:
        """Wait for `count` tokens from `key`'s bucket."""
        await self.bucket(key).take(count)

    def hold(self, seconds: float, key: str | None = None, step: float = 0.0) -> None:
        """Hold one bucket, or every bucket (key None)."""
        for bucket in [self.bucket(key)] if key is not None else list(self.buckets.values()):
            bucket.hold(seconds, step)
