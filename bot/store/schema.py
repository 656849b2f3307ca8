"""What tables, columns and foreign keys a database has, on either backend (for privacy and `db copy`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Connection
from bot.store.dialect import is_postgres as is_postgres

INTERNAL_TABLES = frozenset({"schema_migrations"})
_ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
PG_FOREIGN_KEYS = """
SELECT a.attname AS "from", target.relname AS "table", af.attname AS "to", c.confdeltype AS on_delete
FROM pg_constraint c
JOIN pg_class source ON source.oid = c.conrelid
JOIN pg_class target ON target.oid = c.confrelid
JOIN LATERAL unnest(c.conkey, c.confkey) AS k(src, dst) ON true
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.src
JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.dst
WHERE c.contype = 'f' AND source.relname = ? AND source.relnamespace = current_schema()::regnamespace
"""


@dataclass(frozen=True)
class Column:
    """A table column as the database describes it."""

    name: str
    nullable: bool
    type: str  # as the backend names it, upper case (TEXT, INTEGER, BIGINT, ...)


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key as the database describes it."""

    column: str
    table: str  # the table it points at
    to: str
    on_delete: str  # CASCADE, SET NULL, NO ACTION, RESTRICT, SET DEFAULT


async def tables(db: Connection) -> list[str]:
    """Every table of the database, sorted, internal ones excluded."""
    if is_postgres(db):
        sql = """SELECT table_name FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"""
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    names = {str(r[0]) for r in await db.execute_fetchall(sql)}
    return sorted(names - INTERNAL_TABLES)


async def columns(db: Connection, table: str) -> list[Column]:
    """The columns of `table`, in their declared order."""
    if is_postgres(db):
        sql = """SELECT column_name, is_nullable, data_type FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"""
        rows = await db.execute_fetchall(sql, (table,))
        return [Column(r[0], r[1] == "YES", str(r[2]).upper()) for r in rows]
    rows = await db.execute_fetchall(f"PRAGMA table_info({quote(table)})")
    return [Column(r["name"], not r["notnull"] and not r["pk"], str(r["type"]).upper()) for r in rows]


async def foreign_keys(db: Connection, table: str) -> list[ForeignKey]:
    """The foreign keys declared on `table`."""
    if is_postgres(db):
        rows = await db.execute_fetchall(PG_FOREIGN_KEYS, (table,))
        return [ForeignKey(r["from"], r["table"], r["to"], _ON_DELETE[str(r["on_delete"])]) for r in rows]
    rows = await db.execute_fetchall(f"PRAGMA foreign_key_list({quote(table)})")
    return [ForeignKey(r["from"], r["table"], r["to"], str(r["on_delete"]).upper()) for r in rows]


def quote(name: str) -> str:
    """An identifier, quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'
