"""Which database a path or a connection is, without loading a driver (asyncpg costs 3 MB a SQLite bot never needs)."""

from __future__ import annotations

import re
from typing import Any


def is_postgres_url(path: str) -> bool:
    """Whether `path` is a PostgreSQL URL rather than a SQLite file."""
    return path.startswith(("postgresql://", "postgres://"))


def is_postgres(db: Any) -> bool:
    """Whether a store module's connection is PostgreSQL's (for the few statements that differ)."""
    return getattr(db, "dialect", "sqlite") == "postgres"


def redact(url: str) -> str:
    """A connection URL without its password, for messages and logs."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)
