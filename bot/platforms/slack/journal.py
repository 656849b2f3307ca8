"""A record of what the door did with each incoming request, so tests and logs can wait on outcomes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Journal:
    """Outcomes as (kind, key) pairs, e.g. ("command", "help") or ("duplicate", "Ev123")."""

    def __init__(self, keep: int = 1000) -> None:
        self.entries: list[tuple[str, str]] = []
        self.keep = keep
        self._changed = asyncio.Condition()
        self._waiters = 0

    def record(self, kind: str, key: str) -> None:
        """Note that `kind` happened for `key`, waking anyone waiting on it."""
        self.entries.append((kind, key))
        del self.entries[: -self.keep]
        if self._waiters:
            asyncio.ensure_future(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def count(self, kind: str, key: str | None = None) -> int:
        """How many `kind` entries are kept (for `key` only, when given)."""
        return sum(1 for k, v in self.entries if k == kind and (key is None or v == key))

    async def wait_for(self, predicate: Callable[[Journal], bool]) -> None:
        """Wait until `predicate(journal)` holds (callers bound this with asyncio.timeout)."""
        self._waiters += 1
        try:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self))
        finally:
            self._waiters -= 1
