"""SQLite durability: a transaction is synced to disk once committed; a lone statement is not (it only carries
what a power cut may lose without harm), and nothing is synced for a rolled-back transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store import db as store_db
from bot.store.db import Store


async def test_transactions_sync_the_wal_and_lone_statements_do_not(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    monkeypatch.setattr(store_db, "fsync_file", synced.append)
    async with Store(str(tmp_path / "bot.db")) as store:
        assert (await store.fetch_one("PRAGMA synchronous"))[0] == 1  # NORMAL: SQLite itself does not sync commits
        synced.clear()  # the migrations' own transactions
        await store.run_alone("INSERT INTO seen_signatures VALUES ('v0=a', 1)")
        assert synced == []
        async with store.transaction() as db:
            await db.execute("INSERT INTO seen_signatures VALUES ('v0=b', 1)")
        assert synced == [str(tmp_path / "bot.db") + "-wal"]
        with pytest.raises(RuntimeError):
            async with store.transaction() as db:
                await db.execute("INSERT INTO seen_signatures VALUES ('v0=c', 1)")
                raise RuntimeError("rolled back")
        assert len(synced) == 1
        rows = await store.fetch_all("SELECT signature FROM seen_signatures ORDER BY signature")
        assert [r[0] for r in rows] == ["v0=a", "v0=b"]


def test_fsync_file_syncs_an_existing_file_and_ignores_a_missing_one(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x")
    store_db.fsync_file(str(tmp_path / "f"))
    store_db.fsync_file(str(tmp_path / "missing"))  # e.g. the WAL right after a truncating checkpoint


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
