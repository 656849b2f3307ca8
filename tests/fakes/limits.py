"""Server-side rate limits and injected failures shared by the fake Slack and the fake Discord."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field


class ServerLimit:
    """GCRA as a server applies it: `rate` requests per second, `burst` at once; beyond, a wait in seconds."""

    def __init__(self, rate: float, burst: int = 10) -> None:
        self.interval = 1.0 / rate
        self.tolerance = (max(burst, 1) - 1) * self.interval
        self.tat = 0.0
        self.accepted = 0
        self.refused = 0

    def check(self, at: float | None = None) -> float | None:
        """None if the request (now, or at the monotonic time `at`) may go (and count it); else how long to wait."""
        now = time.monotonic() if at is None else at
        tat = max(self.tat, now)
        if tat - self.tolerance > now + 1e-9:  # float rounding at the exact edge is not over the limit
            self.refused += 1
            return tat - self.tolerance - now
        self.tat = tat + self.interval
        self.accepted += 1
        return None


@dataclass
class Chaos:
    """Rate limits (one bucket per key), a share of requests answered with a server error, and 429 storms:
    after a share `storm_rate` of accepted requests the server refuses every request for a while drawn in
    `storm_seconds` (whole seconds with `whole_storms`, as Slack's Retry-After is), answering 429 with the
    time left."""

    rate: float = 0.0
    burst: int = 10
    error_rate: float = 0.0
    seed: int = 7
    buckets: dict[str, ServerLimit] = field(default_factory=dict)
    errors: int = 0
    storm_rate: float = 0.0
    storm_seconds: tuple[float, float] = (0.5, 2.0)
    whole_storms: bool = False
    storms: int = 0
    storm_total: float = 0.0  # seconds the server refused everything
    storm_refused: int = 0
    _storm_until: float = 0.0

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    def wait(self, key: str) -> float | None:
        """Seconds to wait if the request under `key` is over the limit, else None (it counts)."""
        if self.rate <= 0:
            return None
        now = time.monotonic()
        if now < self._storm_until:
            self.storm_refused += 1
            return self._storm_until - now
        if key not in self.buckets:
            self.buckets[key] = ServerLimit(self.rate, self.burst)
        wait = self.buckets[key].check()
        if wait is None and self.storm_rate > 0 and self.random.random() < self.storm_rate:
            self._start_storm(now)
        return wait

    def _start_storm(self, now: float) -> None:
        seconds = self.random.uniform(*self.storm_seconds)
        seconds = float(math.ceil(seconds)) if self.whole_storms else seconds
        self._storm_until = now + seconds
        self.storms += 1
        self.storm_total += seconds

    def server_error(self) -> bool:
        hit = self.error_rate > 0 and self.random.random() < self.error_rate
        self.errors += hit
        return hit

    @property
    def refused(self) -> int:
        return sum(b.refused for b in self.buckets.values()) + self.storm_refused


def whole_seconds(wait: float) -> int:
    """Slack's Retry-After is whole seconds, rounded up."""
    return max(math.ceil(wait), 1)
