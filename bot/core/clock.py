"""Injected time: a real clock for production, a simulated one for the console and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where the time comes from (real, or simulated in the console and tests)."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class RealClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


class SimClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).astimezone(UTC)

    def now(self) -> datetime:
        """The simulated time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Move to `when`; a time in the past is ignored (the clock never goes back)."""
        if when.astimezone(UTC) > self._now:
            self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._now += delta


def utc(dt: datetime) -> datetime:
    """Normalise to aware UTC (naive values are taken as UTC)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def to_iso(dt: datetime) -> str:
    """`dt` in UTC as ISO text to the second (how times are stored)."""
    return utc(dt).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """A stored ISO time, as an aware UTC datetime."""
    return utc(datetime.fromisoformat(text))
