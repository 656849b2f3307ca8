"""`community-bot db copy`: move a community from one database to another (SQLite -> PostgreSQL, or back).

Both databases are migrated to the same schema first; the target must be empty. Tables are copied parents
first (by their foreign keys) in one transaction on the target, then each table's row count and a digest of
its content are compared on both sides.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bot.store.backends import AnyStore
from bot.store.db import Connection, StoreError
from bot.store.schema import Column, columns, foreign_keys, is_postgres, quote, tables


@dataclass(frozen=True)
class TableCopy:
    """One table's copy, checked: rows on each side and whether the content matches."""

    table: str
    source_rows: int
    target_rows: int
    same_content: bool

    @property
    def ok(self) -> bool:
        """Whether the target has the same rows as the source."""
        return self.source_rows == self.target_rows and self.same_content


async def copy_database(source: AnyStore, target: AnyStore) -> list[TableCopy]:
    """Copy every row of `source` into the empty `target`; returns the check of each table."""
    async with source.transaction() as src:
        names = await parents_first(src, await tables(src))
        data = {name: await read_table(src, name) for name in names}
    async with target.transaction() as dst:
        await refuse_unless_empty(dst)
        for name in names:
            await write_table(dst, name, *data[name])
        if is_postgres(dst):
            await reset_identities(dst, names)
    return await compare(source, target, names)


async def parents_first(db: Connection, names: list[str]) -> list[str]:
    """The tables ordered so that each comes after the tables its foreign keys point at."""
    needs = {name: {fk.table for fk in await foreign_keys(db, name)} - {name} for name in names}
    ordered: list[str] = []
    while needs:
        ready = sorted(name for name, parents in needs.items() if parents <= set(ordered))
        if not ready:
            raise StoreError(f"foreign keys form a cycle between {sorted(needs)}")
        ordered.extend(ready)
        for name in ready:
            del needs[name]
    return ordered


async def read_table(db: Connection, name: str) -> tuple[list[Column], list[tuple[Any, ...]]]:
    """The table's columns and every row."""
    cols = await columns(db, name)
    listed = ", ".join(quote(c.name) for c in cols)
    rows = await db.execute_fetchall(f"SELECT {listed} FROM {quote(name)}")
    return cols, [tuple(r[i] for i in range(len(cols))) for r in rows]


async def refuse_unless_empty(db: Connection) -> None:
    """StoreError when any table of the target has rows."""
    for name in await tables(db):
        rows = await db.execute_fetchall(f"SELECT 1 FROM {quote(name)} LIMIT 1")
        if list(rows):
            raise StoreError(f"the target database is not empty (table {name} has rows); copy into a new one")


async def write_table(db: Connection, name: str, cols: list[Column], rows: list[tuple[Any, ...]]) -> None:
    """Insert the rows into the table of the same name; StoreError for a column it lacks."""
    if not rows:
        return
    wanted = {c.name: c for c in await columns(db, name)}
    missing = [c.name for c in cols if c.name not in wanted]
    if missing:
        raise StoreError(f"table {name}: the target has no column {missing[0]} (are both on the same version?)")
    listed = ", ".join(quote(c.name) for c in cols)
    marks = ", ".join("?" for _ in cols)
    converted = [tuple(convert(value, wanted[c.name].type) for c, value in zip(cols, row, strict=True))
                 for row in rows]
    await db.executemany(f"INSERT INTO {quote(name)} ({listed}) VALUES ({marks})", converted)


def convert(value: Any, column_type: str) -> Any:
    """A value as the target column's type wants it (SQLite keeps whatever type it was given)."""
    if value is None:
        return None
    if column_type in ("BIGINT", "INTEGER", "SMALLINT"):
        return int(value)
    if column_type in ("DOUBLE PRECISION", "REAL", "NUMERIC"):
        return float(value)
    if column_type in ("TEXT", "CHARACTER VARYING"):
        return value if isinstance(value, str) else str(value)
    return value


async def reset_identities(db: Connection, names: list[str]) -> None:
    """After explicit ids were inserted, make the next generated id follow the largest one."""
    for name in names:
        if any(c.name == "id" for c in await columns(db, name)):
            await db.execute(f"SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE(MAX(id), 0) + 1, false) "
                             f"FROM {quote(name)}", (quote(name),))


async def compare(source: AnyStore, target: AnyStore, names: list[str]) -> list[TableCopy]:
    """Row counts and content digests of each table, source against target."""
    checks = []
    async with source.transaction() as src, target.transaction() as dst:
        for name in names:
            left, right = await digest(src, name), await digest(dst, name)
            checks.append(TableCopy(name, left[0], right[0], left[1] == right[1]))
    return checks


async def digest(db: Connection, name: str) -> tuple[int, str]:
    """The row count and a content digest that does not depend on row order or backend types."""
    _, rows = await read_table(db, name)
    lines = sorted(repr(tuple(normalise(v) for v in row)) for row in rows)
    return len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def normalise(value: Any) -> Any:
    """A value compared the same on SQLite and PostgreSQL (bools as ints, buffers as bytes)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value
