"""A PostgreSQL outage reads like a SQLite one to a member: "the database is unavailable, try again", not the
generic internal error; nothing half-done, and the next command works once the server is back."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, CommandInvoked, Reply
from bot.settings import Settings
from bot.store.db import StoreError

ANA = Actor("console", "ana", "Ana", platform_locale="fr")


async def cut(admin_url: str, name: str, allowed: bool) -> None:
    """Refuse (and drop) or allow again every connection to database `name`: the server is gone for it."""
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
    finally:
        await conn.close()


@pytest.fixture
def database(postgres_server: str, postgres_url: str) -> Iterator[tuple[str, str]]:
    yield postgres_server, postgres_url.rpartition("/")[2]


@pytest.mark.postgres
async def test_a_postgres_outage_answers_with_the_storage_message(postgres_url: str,
                                                                  database: tuple[str, str]) -> None:
    admin, name = database
    async with lifespan(settings=Settings(db_path=postgres_url), clock=SimClock()) as app:
        reply = await app.dispatcher.handle(CommandInvoked(ANA, "language", "fr"))
        assert isinstance(reply, Reply) and "français" in reply.text
        await cut(admin, name, allowed=False)
        try:
            reply = await app.dispatcher.handle(CommandInvoked(ANA, "language", "en"))
            assert isinstance(reply, Reply) and "base de données est indisponible" in reply.text
            with pytest.raises(StoreError) as raised:
                await app.services.store.fetch_all("SELECT 1")
            assert isinstance(raised.value.__cause__, (OSError, asyncpg.PostgresError, asyncpg.InterfaceError))
        finally:
            await cut(admin, name, allowed=True)
        reply = await app.dispatcher.handle(CommandInvoked(ANA, "language", "en"))
        assert "I will speak English" in reply.text
