"""Choose the store backend from the database setting: a file path (SQLite) or a postgresql:// URL."""

from __future__ import annotations

from bot.store.db import Store
from bot.store.pg import PgStore, is_postgres_url

AnyStore = Store | PgStore


def make_store(path: str) -> Store | PgStore:
    """SQLite for a path (the embedded default), PostgreSQL for a postgresql:// URL."""
    return PgStore(path) if is_postgres_url(path) else Store(path)
