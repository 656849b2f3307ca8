"""Measure: N newcomers join through the console door (each twice: a replayed join), `:advance 11d` sends
the follow-ups, then one member's /mydata and /forget-me run on the populated database.

Run from the repository root: `python bench/welcome_cohort.py [N ...]` (default: 100 1000).
Prints wall times and the outbox rows by status (and distinct keys).
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import lifespan  # noqa: E402
from bot.core.clock import SimClock  # noqa: E402
from bot.core.model import ButtonPressed, CommandInvoked, MemberJoined  # noqa: E402
from bot.platforms.console.door import ConsoleDoor  # noqa: E402
from bot.settings import Settings  # noqa: E402


async def measure(path: str, members: int) -> None:
    clock = SimClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    async with lifespan(settings=Settings(db_path=path), clock=clock) as app:
        door = ConsoleDoor(app, clock, io.StringIO(), "admin", "en", files=Path(path).parent / "console-files")
        started = time.perf_counter()
        for i in range(members):
            actor = door.actor(f"m{i}")
            for _ in range(2):  # the platform delivers each join twice
                await app.dispatcher.handle(MemberJoined(actor, event_id=f"join:m{i}"))
        joined = time.perf_counter() - started
        started = time.perf_counter()
        await door.handle_line(":advance 11d")
        advanced = time.perf_counter() - started
        rows = await app.services.store.fetch_all(
            "SELECT status, COUNT(*), COUNT(DISTINCT idempotency_key) FROM outbox GROUP BY status")
        me = door.actor("m0")
        started = time.perf_counter()
        await app.dispatcher.handle(CommandInvoked(me, "mydata"))
        exported = time.perf_counter() - started
        started = time.perf_counter()
        await app.dispatcher.handle(ButtonPressed(me, "privacy.forget", "1"))
        erased = time.perf_counter() - started
        print(f"members={members}: {2 * members} joins in {joined:.2f}s; advance 11d {advanced:.2f}s; "
              f"outbox (status, rows, keys): {[tuple(r) for r in rows]}; "
              f"/mydata {exported * 1000:.0f} ms; forget-me {erased * 1000:.0f} ms")


def main() -> None:
    for members in [int(a) for a in sys.argv[1:]] or [100, 1000]:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(measure(str(Path(folder) / "bench.db"), members))


if __name__ == "__main__":
    main()
