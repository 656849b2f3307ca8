"""Coordination desk benchmark (issue 21): the digest over 10,000 members and 5,000 feedback items (< 5 s),
and the dashboard's pages on loopback with that data (p95 < 100 ms each).

Run alone with `python -m bench.desk_bench [--quick]`. The peer measured in the same run is /healthz on the
same server (one database query, no template): the ratio says how much of a page's time is the page's own.
Pages are timed after one warm-up request each (the first overview draws the charts, then reuses them for
five minutes; that first draw is reported separately as the digest's time).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import machine, percentile, row
from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor
from bot.dashboard.auth import Auth
from bot.services.digest import collect
from bot.services.digest.job import render
from bot.settings import Settings
from bot.store import members as member_sql
from tests.fakes.desk_seed import seed

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
PAGES = ("/dashboard/", "/dashboard/feedback", "/dashboard/feedback?status=new&votes=1", "/dashboard/webinars",
         "/dashboard/faq", "/dashboard/peers", "/dashboard/charts/feedback.png")
PEER = "/healthz"


async def timed_digest(app: Any, runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        digest = await collect(app.services, NOW, 7)
        await asyncio.to_thread(render, app.services, digest, "fr", True)
        seconds.append(time.perf_counter() - start)
    return seconds


async def timed_get(http: aiohttp.ClientSession, url: str, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        async with http.get(url) as response:
            await response.read()
            assert response.status == 200, (url, response.status)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def measure(members: int, items: int, requests: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db_path=str(Path(folder) / "desk.db"), dashboard_secret="bench-" + "z" * 30)
        async with lifespan(settings=settings, clock=SimClock(NOW)) as app:
            start = time.perf_counter()
            await seed(app.services.store, NOW, members=members, items=items)
            seeded_s = time.perf_counter() - start
            digest_s = await timed_digest(app, 3)
            await app.web.listen("127.0.0.1", 0)
            async with app.services.store.transaction() as db:
                admin = await member_sql.upsert(db, Actor("slack", "UADMIN", "Admin"), NOW)
            token = await Auth(app.services).new_link(admin.id)
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                await http.post(app.web.url("/dashboard/login"), data={"token": token}, allow_redirects=False)
                first = await timed_get(http, app.web.url(PAGES[0]), 1)
                pages = {}
                for path in (*PAGES, PEER):
                    await timed_get(http, app.web.url(path), 1)  # warm-up
                    samples = await timed_get(http, app.web.url(path), requests)
                    pages[path] = {"p50_ms": round(percentile(samples, 50), 1),
                                   "p95_ms": round(percentile(samples, 95), 1)}
    return {"members": members, "items": items, "seed_s": round(seeded_s, 1),
            "digest_s": [round(s, 2) for s in digest_s], "digest_max_s": round(max(digest_s), 2),
            "first_overview_ms": round(first[0], 1), "requests_per_page": requests, "pages": pages, **machine()}


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    pages = result["pages"]
    peer = pages[PEER]["p95_ms"]
    worst = max((p for p in pages if p != PEER), key=lambda p: pages[p]["p95_ms"])
    worst_p95 = pages[worst]["p95_ms"]
    return [
        row(f"Digest: {result['members']:,} members, {result['items']:,} items (collect + 6 charts, max of 3)",
            result["digest_max_s"], "s", "< 5", result["digest_max_s"] < 5),
        row(f"Dashboard: slowest page p95 ({worst})", worst_p95, "ms", "< 100", worst_p95 < 100),
        row("Dashboard: slowest page p95 / /healthz p95 (same server)", round(worst_p95 / max(peer, 0.01), 1),
            "x", "", None),
        row("Dashboard: first overview (draws the charts)", result["first_overview_ms"], "ms", "", None),
    ]


def run(quick: bool = False) -> dict[str, Any]:
    result = asyncio.run(measure(10_000, 5_000, 30 if quick else 100))
    return {**result, "rows": rows(result)}


if __name__ == "__main__":
    outcome = run("--quick" in sys.argv)
    print(json.dumps({k: v for k, v in outcome.items() if k != "rows"}, indent=2))
    for line in outcome["rows"]:
        print(line)
