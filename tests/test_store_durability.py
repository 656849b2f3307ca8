"""SQLite: a transaction is synced to disk when it commits; a lone statement, run on the event loop's own
connection, is not (it only carries what a power cut may lose without harm) and never blocks the loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store.db import Store


async def test_transactions_are_synced_and_lone_statements_are_not(tmp_path: Path) -> None:
    """The main connection commits with synchronous=FULL (a transaction is on disk when it returns); the
    loop's own connection, which runs the lone statements, with NORMAL."""
    async with Store(str(tmp_path / "bot.db")) as store:
        assert (await store.fetch_one("PRAGMA synchronous"))[0] == 2  # FULL, on aiosqlite's connection
        assert (await store.run_alone("PRAGMA synchronous"))[0][0] == 1  # NORMAL, on the loop's connection
        await store.run_alone("INSERT INTO seen_signatures VALUES ('v0=a', 1)")
        async with store.transaction() as db:
            await db.execute("INSERT INTO seen_signatures VALUES ('v0=b', 1)")
        rows = await store.fetch_all("SELECT signature FROM seen_signatures ORDER BY signature")
        assert [r[0] for r in rows] == ["v0=a", "v0=b"]  # each connection sees what the other committed


async def test_a_lone_statement_never_blocks_the_loop_on_a_busy_file(tmp_path: Path) -> None:
    """Another process holds the write lock: the lone statement waits on aiosqlite's thread, not on the loop."""
    path = str(tmp_path / "bot.db")
    async with Store(path) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO seen_signatures VALUES ('v0=other', 1)")
        insert = asyncio.ensure_future(store.run_alone("INSERT INTO seen_signatures VALUES ('v0=mine', 1)"))
        done, _ = await asyncio.wait({insert}, timeout=0.2)
        assert not done  # waiting for the lock, while this coroutine (the loop) runs
        other.execute("COMMIT")
        other.close()
        await insert
        rows = await store.fetch_all("SELECT signature FROM seen_signatures ORDER BY signature")
        assert [r[0] for r in rows] == ["v0=mine", "v0=other"]
