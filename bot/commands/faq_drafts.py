"""`community-bot faq export-drafts --to DIR`: write the FAQ topics published into the database as files.

When content/faq was read-only, published drafts were kept in the database (and served from there); this
writes each as `<id>.toml`, the content file format, to commit into content/faq.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.commands.options import with_db
from bot.settings import Settings
from bot.store import faq_drafts as sql
from bot.store.backends import make_store
from bot.store.db import StoreError


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot faq export-drafts`."""
    export = actions.add_parser("export-drafts", help="write the topics published into the database as .toml files")
    export.add_argument("--to", required=True, help="folder to write <topic-id>.toml files into")
    export.add_argument("--db", help="database file or PostgreSQL URL (default: BOT_DB)")
    export.add_argument("--overwrite", action="store_true", help="replace files of the same name")
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the topics published from drafts as .toml files into --to."""
    settings = with_db(args, settings)
    try:
        topics = asyncio.run(published(settings))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    folder = Path(args.to)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for topic_id, text in topics:
        path = folder / f"{topic_id}.toml"
        if path.exists() and not args.overwrite:
            print(f"skipped {path}: it exists (--overwrite replaces it)", file=sys.stderr)
            continue
        path.write_text(text, encoding="utf-8")
        written += 1
    print(f"wrote {written} topic(s) to {folder}", file=sys.stderr)
    return 0


async def published(settings: Settings) -> list[tuple[str, str]]:
    """(file name, TOML text) of every topic published into the database."""
    store = make_store(settings.db_path)
    await store.open()
    try:
        async with store.transaction() as db:
            return await sql.published_in_database(db)
    finally:
        await store.close()
