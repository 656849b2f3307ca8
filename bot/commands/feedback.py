"""`community-bot feedback export`: feedback items as CSV or JSON for the product team's tracker."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.commands.options import with_db
from bot.services.feedback.report import to_csv, to_json
from bot.settings import Settings
from bot.store import feedback as feedback_sql
from bot.store.backends import make_store
from bot.store.db import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot feedback export`."""
    parser = subparsers.add_parser("feedback", help="usability feedback tools")
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="export feedback items (no member identity is exported)")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default: csv)")
    export.add_argument("--since", type=parse_day, help="only items filed on or after this day (YYYY-MM-DD, UTC)")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.add_argument("--db", help="database file")
    export.set_defaults(run=run_export)


def parse_day(text: str) -> datetime:
    """"2026-12-01" -> 2026-12-01 00:00 UTC; argparse reports a bad value."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-12-01: {text!r}") from None


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export feedback items as CSV or JSON, without who filed them."""
    settings = with_db(args, settings)
    if not Path(settings.db_path).is_file():
        print(f"error: no database at {settings.db_path} (use --db PATH or BOT_DB)", file=sys.stderr)
        return 2
    try:
        text, count = asyncio.run(export(settings.db_path, args.format, args.since))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.out}: {exc}", file=sys.stderr)
            return 2
        print(f"{count} feedback item(s) written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


async def export(db_path: str, fmt: str, since: datetime | None) -> tuple[str, int]:
    """The export text and the number of items in it, oldest first."""
    store = make_store(db_path)
    await store.open()
    try:
        async with store.transaction() as db:
            items = await feedback_sql.search(db, since=since, newest_first=False)
    finally:
        await store.close()
    return (to_csv(items) if fmt == "csv" else to_json(items)), len(items)
