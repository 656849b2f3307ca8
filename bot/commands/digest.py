"""`community-bot digest --out DIR`: write the digest (digest.md and its PNG charts) from the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import build_services
from bot.commands.options import with_db
from bot.core.clock import RealClock
from bot.services.container import Services
from bot.services.digest import collect
from bot.services.digest.charts import Chart
from bot.services.digest.job import render
from bot.services.digest.text import DigestWriter
from bot.settings import Settings
from bot.store.backends import make_store
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot digest`."""
    parser = subparsers.add_parser("digest", help="write the community digest (digest.md and PNG charts)")
    parser.add_argument("--db", help="database file or URL (default: BOT_DB)")
    parser.add_argument("--lang", choices=("en", "fr"), help="language (default: BOT_DEFAULT_LOCALE)")
    parser.add_argument("--days", type=int, default=7, help="the window, in days before now (default: 7)")
    parser.add_argument("--no-names", action="store_true", help="leave out the names of stalled newcomers")
    parser.add_argument("--out", required=True, help="folder to write digest.md and the charts into")
    parser.set_defaults(run=run)


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """The services over the database, without doors, heartbeat or outbox recovery (a read-only visitor)."""
    store = make_store(settings.db_path)
    await store.open()
    try:
        yield build_services(settings=settings, store=store, clock=RealClock(), load_faq=False)
    finally:
        await store.close()


async def make_digest(settings: Settings, locale: str, days: int, names: bool) -> tuple[DigestWriter, list[Chart]]:
    """Collect the last `days` days and render the digest text and its charts."""
    async with open_services(settings) as services:
        digest = await collect(services, services.clock.now(), days)
        return await asyncio.to_thread(render, services, digest, locale, names)


def write_digest(writer: DigestWriter, charts: list[Chart], out: Path) -> list[Path]:
    """digest.md and one PNG per chart in `out` (created if missing); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    for chart in charts:
        (out / chart.name).write_bytes(chart.png)
    (out / "digest.md").write_text(writer.markdown([(c.name, c.caption) for c in charts]), encoding="utf-8")
    return [out / "digest.md", *(out / c.name for c in charts)]


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write digest.md and the PNG charts into --out."""
    settings = with_db(args, settings)
    if not 1 <= args.days <= 366:
        print("error: --days must be between 1 and 366", file=sys.stderr)
        return 2
    try:
        writer, charts = asyncio.run(make_digest(settings, args.lang or settings.default_locale, args.days,
                                                 names=not args.no_names))
        paths = write_digest(writer, charts, Path(args.out))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0
