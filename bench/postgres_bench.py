"""PostgreSQL beside SQLite, in one run: the fan-outs and a 1,000-dispatch load on each backend.

- Dispatch load: 1,000 members join (MemberJoined with an event id, 25 at a time): each dispatch records the
  event id, upserts the member, runs the welcome handler and queues its DM in the outbox, in one
  transaction: the write path every incoming event takes. Wall time and per-dispatch latency percentiles.
- Fan-outs: bench/fanout.py's Slack and Discord fan-outs (rate-limited, 5% injected 500s, exactly-once
  check), with the outbox on each backend.
The PostgreSQL server is the machine's own, started in a temporary folder (tests/fakes/postgres.py), on
loopback with fsync off (as in the tests): it measures the bot's work, not a disk. SQLite runs in WAL mode
with its defaults. Figures are informative (no goal) but the exactly-once checks: the ratios say what
PostgreSQL costs or gains here, measured in the same run on the same machine.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import fanout
from bench.common import machine, percentile, row
from bot.app import lifespan
from bot.core.clock import RealClock
from bot.core.model import Actor, MemberJoined
from bot.settings import Settings
from tests.fakes.postgres import create_database, temporary_server

DISPATCHES = 1000
CONCURRENCY = 25
_names = itertools.count(1)


async def dispatch_load(db: str, count: int = DISPATCHES) -> dict[str, Any]:
    """`count` joins through the dispatcher, `CONCURRENCY` in flight; seconds and latencies."""
    settings = Settings(db_path=db, console_files=str(Path(tempfile.gettempdir()) / "bench-console"))
    latencies: list[float] = []
    async with lifespan(settings=settings, clock=RealClock()) as app:
        async def join(i: int) -> None:
            actor = Actor("slack", f"UB{i:07d}", f"Member {i}", platform_locale=("en-US", "fr-FR")[i % 2])
            start = time.perf_counter()
            outcome = await app.dispatcher.dispatch(MemberJoined(actor, event_id=f"bench-join-{i}"))
            latencies.append(time.perf_counter() - start)
            assert not outcome.duplicate

        start = time.perf_counter()
        for first in range(0, count, CONCURRENCY):
            await asyncio.gather(*(join(i) for i in range(first, min(first + CONCURRENCY, count))))
        wall = time.perf_counter() - start
        rows = await app.services.store.fetch_all("SELECT count(*) FROM outbox")
    ms = [s * 1000 for s in latencies]
    return {"dispatches": count, "wall_seconds": round(wall, 2), "per_second": round(count / wall, 1),
            "p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2),
            "outbox_rows": int(rows[0][0])}


def on_both(server: str, measure: Callable[[str], Awaitable[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The same measurement on a fresh SQLite file and on a fresh PostgreSQL database."""
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = asyncio.run(measure(str(Path(tmp) / "bench.db")))
    postgres = asyncio.run(measure(create_database(server, f"bench_{next(_names)}")))
    return {"sqlite": sqlite, "postgres": postgres}


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Informative figures side by side (the fan-out goal is held by the fanout_* benchmarks), and the
    exactly-once checks, which must hold on both backends."""
    load = result["dispatch"]
    out = [row(f"{DISPATCHES:,} dispatches (join + welcome queued), {b}: wall", load[b]["wall_seconds"], "s", "", None)
           for b in ("sqlite", "postgres")]
    out.append(row(f"{DISPATCHES:,} dispatches: PostgreSQL / SQLite wall",
                   round(load["postgres"]["wall_seconds"] / load["sqlite"]["wall_seconds"], 2), "x", "", None))
    out += [row(f"{DISPATCHES:,} dispatches, {b}: p50 / p99 per dispatch",
                f"{load[b]['p50_ms']} / {load[b]['p99_ms']}", "ms", "", None) for b in ("sqlite", "postgres")]
    for name in ("slack", "discord"):
        fan = result[f"fanout_{name}"]
        n = fan["postgres"]["members"]
        out += [row(f"{name.capitalize()} fan-out to {n:,}, {b}: wall / minimum", fan[b]["ratio"], "x", "", None)
                for b in ("sqlite", "postgres")]
        both_once = all(fan[b]["exactly_once"] == n for b in ("sqlite", "postgres"))
        out.append(row(f"{name.capitalize()} fan-out: exactly one copy each, both backends", both_once, "", "True",
                       both_once))
    return out


def run(quick: bool = False) -> dict[str, Any]:
    """Dispatch load and fan-outs (5,000 members, or 500 with quick) on SQLite and on PostgreSQL."""
    logging.getLogger("bot").setLevel(logging.WARNING)
    members = 500 if quick else 5000
    result: dict[str, Any] = {"benchmark": "postgres", **machine()}
    with temporary_server() as server:
        result["dispatch"] = on_both(server, dispatch_load)
        result["fanout_slack"] = on_both(server, lambda db: fanout.slack_fanout(members, db=db))
        result["fanout_discord"] = on_both(server, lambda db: fanout.discord_fanout(members, db=db))
    return {**result, "rows": rows(result)}


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
