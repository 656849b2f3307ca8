"""Measure: N members RSVP Going to a weekly webinar; `:advance 52w` through the console door.

Run from the repository root: `python bench/webinars_advance.py [N ...]` (default: 2 200).
Prints the wall time of the advance and the outbox rows by status (and distinct keys).
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
from bot.core.model import ButtonPressed  # noqa: E402
from bot.platforms.console.door import ConsoleDoor  # noqa: E402
from bot.settings import Settings  # noqa: E402

CREATE = ('/webinar create title="Implementers call" start="next tuesday 14:00" tz=Europe/Paris '
          'link=https://meet.example.org/x repeat=weekly')


async def measure(path: str, members: int) -> None:
    clock = SimClock(datetime(2027, 3, 20, 9, tzinfo=UTC))
    settings = Settings(db_path=path, admins=frozenset({"console:ana"}))
    async with lifespan(settings=settings, clock=clock) as app:
        door = ConsoleDoor(app, clock, io.StringIO(), "ana", "en", files=Path(path).parent / "console-files")
        await door.handle_line(CREATE)
        await door.handle_line(":click 1")
        for i in range(members):
            await door.dispatch(ButtonPressed(door.actor(f"m{i}"), "webinar.rsvp", "1:going"))
        started = time.perf_counter()
        await door.handle_line(":advance 52w")
        elapsed = time.perf_counter() - started
        rows = await app.services.store.fetch_all(
            "SELECT status, COUNT(*), COUNT(DISTINCT idempotency_key) FROM outbox GROUP BY status")
        print(f"members={members} advance 52w: {elapsed:.2f}s; outbox (status, rows, keys): "
              f"{[tuple(r) for r in rows]}")


def main() -> None:
    for members in [int(a) for a in sys.argv[1:]] or [2, 200]:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(measure(str(Path(folder) / "bench.db"), members))


if __name__ == "__main__":
    main()
