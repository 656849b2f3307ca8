"""`community-bot db migrate` (apply the migrations) and `db copy` (move a community to another database)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.commands.options import with_db
from bot.settings import Settings
from bot.store.backends import make_store
from bot.store.copy import TableCopy, copy_database
from bot.store.db import StoreError
from bot.store.dialect import is_postgres_url, redact


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot db migrate` and `db copy`."""
    parser = subparsers.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="action", required=True)
    migrate = actions.add_parser("migrate", help="apply pending migrations")
    migrate.add_argument("--db", help="database file")
    migrate.set_defaults(run=run_migrate)
    copy = actions.add_parser("copy", help="copy every row into a new, empty database (e.g. SQLite -> PostgreSQL)")
    copy.add_argument("--from", dest="source", required=True, help="the database to copy (file or postgresql:// URL)")
    copy.add_argument("--to", dest="target", required=True, help="the empty database to fill")
    copy.set_defaults(run=run_copy)


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Apply the pending migrations and list them."""
    settings = with_db(args, settings)
    try:
        versions = asyncio.run(_migrate(settings.db_path))
    except StoreError as exc:
        print(f"error: {exc}")
        return 2
    print(f"database {settings.db_path}: schema up to date ({len(versions)} migration(s) applied now)")
    return 0


async def _migrate(path: str) -> list[int]:
    store = make_store(path)
    await store.open()  # opening applies pending migrations
    try:
        rows = await store.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
        return [int(r[0]) for r in rows]
    finally:
        await store.close()


def run_copy(args: argparse.Namespace, settings: Settings) -> int:
    """Copy every row into a new, empty database and print the row counts checked."""
    if not is_postgres_url(args.source) and not Path(args.source).is_file():
        print(f"error: no database at {args.source!r} to copy from")
        return 2
    try:
        checks = asyncio.run(_copy(args.source, args.target))
    except StoreError as exc:
        print(f"error: {exc}")
        return 2
    for check in checks:
        verdict = "ok" if check.ok else "DIFFERENT"
        print(f"{check.table:<28} {check.source_rows:>8} -> {check.target_rows:<8} {verdict}")
    bad = [c.table for c in checks if not c.ok]
    total = sum(c.target_rows for c in checks)
    if bad:
        print(f"error: {len(bad)} table(s) differ after the copy: {', '.join(bad)}")
        return 1
    print(f"copied {total} row(s) in {len(checks)} table(s) to {redact(args.target)}; counts and content match")
    return 0


async def _copy(source_path: str, target_path: str) -> list[TableCopy]:
    source, target = make_store(source_path), make_store(target_path)
    await source.open()
    try:
        await target.open()
        try:
            return await copy_database(source, target)
        finally:
            await target.close()
    finally:
        await source.close()
