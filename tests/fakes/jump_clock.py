"""A real wall clock that a test can jump forward or back, as an administrator or NTP would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class JumpClock:
    def __init__(self, offset: timedelta = timedelta()) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump(self, delta: timedelta) -> None:
        self.offset += delta
