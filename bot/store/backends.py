"""Choose the store backend from the database setting: a file path (SQLite) or a postgresql:// URL."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from bot.store.db import Store
from bot.store.dialect import is_postgres_url

if TYPE_CHECKING:
    from bot.store.pg import PgStore

AnyStore: TypeAlias = "Store | PgStore"


def make_store(path: str) -> Store | PgStore:
    """SQLite for a path (the embedded default), PostgreSQL for a postgresql:// URL (asyncpg loaded only then)."""
    if is_postgres_url(path):
        from bot.store.pg import PgStore

        return PgStore(path)
    return Store(path)
