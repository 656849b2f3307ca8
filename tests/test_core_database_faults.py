"""The database locked, full or read-only: a clear translated message, nothing corrupted or lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, CommandInvoked, Destination, Reply
from bot.settings import Settings
from bot.store.db import Store, StoreError

ANA = Actor("console", "ana", "Ana", platform_locale="fr")


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


async def test_locked_database_answers_with_a_storage_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    async with lifespan(settings=Settings(db_path=str(path)), clock=SimClock()) as app:
        app.services.store.busy_timeout_ms = 50
        await app.services.store.db.execute("PRAGMA busy_timeout = 50")
        other = sqlite3.connect(path)
        other.execute("BEGIN EXCLUSIVE")
        try:
            reply = await app.dispatcher.handle(CommandInvoked(ANA, "language", "en"))
            assert isinstance(reply, Reply) and "base de données est indisponible" in reply.text
            assert await app.heartbeat.tick() == 0  # the heartbeat survives too
        finally:
            other.rollback()
            other.close()
        reply = await app.dispatcher.handle(CommandInvoked(ANA, "language", "en"))
        assert "I will speak English" in reply.text
    assert integrity(path) == "ok"


async def test_read_only_database_keeps_what_was_stored(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    async with lifespan(settings=Settings(db_path=str(path)), clock=SimClock()) as app:
        await app.dispatcher.handle(CommandInvoked(ANA, "language", "fr"))
        await app.services.store.db.execute("PRAGMA query_only = ON")  # what a read-only file does to writes
        reply = await app.dispatcher.handle(CommandInvoked(ANA, "language", "en"))
        assert "base de données est indisponible" in reply.text
        await app.services.store.db.execute("PRAGMA query_only = OFF")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT locale FROM members WHERE user_id = 'ana'").fetchone()[0] == "fr"
    assert integrity(path) == "ok"


async def test_full_database_rejects_the_write_and_keeps_the_queue(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    async with Store(str(path)) as store:
        pages = (await store.fetch_one("PRAGMA page_count"))[0]
        await store.db.execute(f"PRAGMA max_page_count = {pages}")
        clock = SimClock()
        from bot.services.outbox import Outbox

        outbox = Outbox(store, clock)
        big = Reply("x" * 20000)
        try:
            await outbox.send("too-big", Destination("console", "dm", "ana"), big)
        except StoreError as exc:  # the store's own error, from sqlite3's
            assert isinstance(exc.__cause__, sqlite3.OperationalError) and "full" in str(exc)
        else:
            raise AssertionError("the write should not fit")
        assert await store.fetch_all("SELECT * FROM outbox") == []
    assert integrity(path) == "ok"


async def test_console_says_so_instead_of_crashing(console, tmp_path: Path) -> None:
    async with console(user="ana") as session:
        await session.app.services.store.db.execute("PRAGMA query_only = ON")
        said = await session.send("/language fr")
        assert "database is unavailable" in said
        assert "Traceback" not in said
