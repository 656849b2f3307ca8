"""`community-bot webinars ics [--out FILE]`: write the calendar feed of all upcoming webinars."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.commands.options import with_db
from bot.core.clock import RealClock, from_iso
from bot.services.webinars import ics as webinar_ics
from bot.services.webinars import next_start
from bot.settings import Settings
from bot.store import webinars as sql
from bot.store.backends import make_store
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot webinars ics`."""
    parser = subparsers.add_parser("webinars", help="webinar tools (calendar feed)")
    actions = parser.add_subparsers(dest="action", required=True)
    ics = actions.add_parser("ics", help="write an .ics feed of all upcoming webinars")
    ics.add_argument("--db", help="database file")
    ics.add_argument("--out", help="file to write (default: standard output)")
    ics.add_argument("--now", help="ISO time to count 'upcoming' from (default: the real clock)")
    ics.set_defaults(run=run_ics)


def run_ics(args: argparse.Namespace, settings: Settings) -> int:
    """Write an .ics feed of every upcoming webinar."""
    settings = with_db(args, settings)
    now = from_iso(args.now) if args.now else RealClock().now()
    try:
        content, count = asyncio.run(feed(settings, now))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_bytes(content)
        print(f"wrote {count} webinar(s) to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(content.decode("utf-8"))
    return 0


async def feed(settings: Settings, now: datetime) -> tuple[bytes, int]:
    """The feed (bytes) and how many webinars it holds: every scheduled webinar with a session to come."""
    store = make_store(settings.db_path)
    await store.open()
    try:
        async with store.transaction() as db:
            webinars = [w for w in await sql.scheduled(db) if next_start(w.spec, now) is not None]
    finally:
        await store.close()
    name = settings.community_name
    return webinar_ics.calendar(webinars, settings.webinar_uid_domain, now, name), len(webinars)
