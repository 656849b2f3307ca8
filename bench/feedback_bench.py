"""Feedback benchmark: filing items (with their outbox rows), stats and export, and webhook delivery.

Run alone with `python -m bench.feedback_bench [ITEMS]`; `run()` returns the figures and writes
bench/results/feedback.json. Everything is local: a temporary database file and an aiohttp receiver on
127.0.0.1 (port 0) that checks each signature.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, CommandInvoked, Destination, Reply
from bot.platforms.webhook.feedback import SIGNATURE_HEADER, verify
from bot.services.feedback.report import to_csv, to_json
from bot.settings import Settings
from bot.store import feedback as feedback_sql

RESULTS = Path(__file__).resolve().parent / "results" / "feedback.json"
SECRET = "bench-secret"


class NullMessenger:
    platform = "console"

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        return None


async def receiver() -> tuple[web.AppRunner, str, list[bool]]:
    checks: list[bool] = []

    async def handle(request: web.Request) -> web.Response:
        checks.append(verify(SECRET, await request.read(), request.headers.get(SIGNATURE_HEADER, "")))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/hook", checks


async def measure(items: int) -> dict[str, Any]:
    runner, url, checks = await receiver()
    clock = SimClock(datetime(2026, 12, 1, 8, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(Settings(db_path=str(Path(folder) / "bench.db")), feedback_webhook_url=url,
                           feedback_webhook_secret=SECRET, admins=frozenset({"console:admin"}))
        async with lifespan(settings=settings, clock=clock) as app:
            app.services.outbox.register(NullMessenger())
            started = time.perf_counter()
            for n in range(items):
                actor = Actor("console", f"member{n % 50}", f"member{n % 50}")
                await app.dispatcher.handle(CommandInvoked(actor, "feedback", f"item {n}: the claim form is slow"))
                clock.advance(timedelta(minutes=7))
            filing = time.perf_counter() - started
            started = time.perf_counter()
            stats = await app.dispatcher.handle(CommandInvoked(Actor("console", "admin", "admin"), "feedback", "stats"))
            stats_s = time.perf_counter() - started
            async with app.services.store.transaction() as db:
                every = await feedback_sql.search(db, newest_first=False)
            started = time.perf_counter()
            rows = list(csv.DictReader(io.StringIO(to_csv(every))))
            csv_s = time.perf_counter() - started
            started = time.perf_counter()
            json.loads(to_json(every))
            json_s = time.perf_counter() - started
            started = time.perf_counter()
            sent = await app.services.outbox.deliver_due()
            deliver_s = time.perf_counter() - started
    await runner.cleanup()
    assert len(rows) == items and stats is not None
    return {
        "items": items,
        "file_ms_per_item": round(filing / items * 1000, 2),
        "stats_ms": round(stats_s * 1000, 1),
        "csv_export_and_read_ms": round(csv_s * 1000, 1),
        "json_export_and_read_ms": round(json_s * 1000, 1),
        "outbox_messages_delivered": sent,
        "webhook_deliveries": len(checks),
        "webhook_signatures_valid": all(checks),
        "outbox_deliveries_per_s": round(sent / deliver_s, 1),
    }


def run(items: int = 2000) -> dict[str, Any]:
    figures = asyncio.run(measure(items))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
