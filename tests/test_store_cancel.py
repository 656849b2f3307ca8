"""A transaction cancelled while its BEGIN waits for the file's lock leaves no transaction open behind it:
the BEGIN still runs on aiosqlite's thread after the cancellation, and must be rolled back, or the file's
write lock stays held and every other process gets "database is locked"."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store.db import Store


async def test_a_transaction_cancelled_in_its_begin_leaves_the_file_writable(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    async with Store(str(path), busy_timeout_ms=5000) as store:
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # our BEGIN IMMEDIATE now waits on the busy timeout, in the thread

        async def write() -> None:
            async with store.transaction() as db:
                await db.execute("UPDATE schema_migrations SET name = name")

        task = asyncio.create_task(write())
        await asyncio.sleep(0.3)  # the BEGIN is under way on aiosqlite's thread
        task.cancel()
        other.execute("ROLLBACK")  # the lock is free: the cancelled BEGIN goes through now
        await asyncio.gather(task, return_exceptions=True)
        async with store.transaction() as db:  # our connection is not stuck inside a transaction
            await db.execute("UPDATE schema_migrations SET name = name")
        other.execute("BEGIN IMMEDIATE")  # nor is the file's write lock held by us
        other.execute("ROLLBACK")
        other.close()
