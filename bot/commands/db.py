"""`community-bot db migrate`: apply the database migrations."""

from __future__ import annotations

import argparse
import asyncio

from bot.commands.options import with_db
from bot.settings import Settings
from bot.store.db import Store, StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="action", required=True)
    migrate = actions.add_parser("migrate", help="apply pending migrations")
    migrate.add_argument("--db", help="database file")
    migrate.set_defaults(run=run_migrate)


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    settings = with_db(args, settings)
    try:
        versions = asyncio.run(_migrate(settings.db_path))
    except StoreError as exc:
        print(f"error: {exc}")
        return 2
    print(f"database {settings.db_path}: schema up to date ({len(versions)} migration(s) applied now)")
    return 0


async def _migrate(path: str) -> list[int]:
    store = Store(path)
    await store.open()  # opening applies pending migrations
    try:
        rows = await store.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
        return [int(r[0]) for r in rows]
    finally:
        await store.close()
