"""The database: one aiosqlite connection, WAL, foreign keys, numbered .sql migrations."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.core.ports import StorageUnavailable

log = logging.getLogger(__name__)
# aiosqlite logs every statement with its parameters at DEBUG (names, texts): never let it, at any level.
logging.getLogger("aiosqlite").setLevel(logging.INFO)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class Row(Protocol):
    """A result row, read by column name or position (aiosqlite.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Any:
        """The column names."""


class Cursor(Protocol):
    """What `execute` gives back: the affected row count, an inserted id, the rows."""

    @property
    def rowcount(self) -> int:
        """Rows the statement changed."""

    @property
    def lastrowid(self) -> int | None:
        """The id of the row inserted last."""

    async def fetchone(self) -> Any:
        """The next row, or None."""

    async def fetchall(self) -> Any:
        """Every remaining row."""


class Connection(Protocol):
    """The part of a database connection the store modules use; both backends provide it."""

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open."""

    def execute(self, sql: str, parameters: Iterable[Any] = ..., /) -> Awaitable[Cursor]:
        """Run one statement."""

    def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ..., /) -> Awaitable[Iterable[Any]]:
        """Run one statement and return its rows."""

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]], /) -> Awaitable[Any]:
        """Run one statement once per parameter set."""


# What to do once the current transaction commits (the outbox's wake-up when it queued messages).
_on_commit: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar("on_commit",
                                                                                              default=None)


def after_commit(callback: Callable[[], None]) -> None:
    """Call `callback` once the current transaction commits (never if it rolls back; at once outside one)."""
    pending = _on_commit.get()
    if pending is None:
        callback()
    elif callback not in pending:
        pending.append(callback)


@asynccontextmanager
async def commit_hooks() -> AsyncIterator[list[Callable[[], None]]]:
    """Collect `after_commit` callbacks for one transaction; the backend calls them after its COMMIT."""
    hooks: list[Callable[[], None]] = []
    token = _on_commit.set(hooks)
    try:
        yield hooks
    finally:
        _on_commit.reset(token)


def run_hooks(callbacks: list[Callable[[], None]]) -> None:
    """Run the commit hooks; a failing one is logged, the others still run."""
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("a commit hook failed")


class StoreError(StorageUnavailable):
    """The database cannot be opened, read or written; the message says which database and why. Each
    backend raises it from its driver's errors (sqlite3's here, asyncpg's and lost connections on PostgreSQL)."""


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """(number, path) of every migration file, in order."""
    found = [(int(m.group(1)), p) for p in directory.iterdir() if (m := MIGRATION_NAME.match(p.name))]
    return sorted(found)


class Store:
    """The SQLite backend (the embedded default): one connection; `async with store.transaction() as db:`."""

    def __init__(self, path: str, busy_timeout_ms: int = 5000) -> None:
        self.path = path
        self.dialect = "sqlite"
        self.busy_timeout_ms = busy_timeout_ms
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._quick: sqlite3.Connection | None = None

    async def open(self) -> None:
        """Connect (foreign keys, secure delete, WAL), apply pending migrations and check the file is writable."""
        check_folder(self.path)  # a failed connect would leave aiosqlite's thread behind
        try:
            self._db = await aiosqlite.connect(self.path, isolation_level=None)
            self._db.row_factory = aiosqlite.Row
            await self._db.execute("PRAGMA foreign_keys = ON")
            await self._db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            # Deleted rows are overwritten with zeros, not left readable in free pages (whatever the build's default).
            await self._db.execute("PRAGMA secure_delete = ON")
            if self.path != ":memory:":
                await self._db.execute("PRAGMA journal_mode = WAL")  # synchronous stays FULL: a transaction
                # is on disk when it returns; only the loop's own connection (`_quick`) does not sync
            await self.migrate()
            await self._check_writable()
            self._quick = self._quick_connection()
        except (sqlite3.Error, OSError, StoreError) as exc:
            await self.close()
            raise StoreError(f"cannot use database {self.path!r}: {exc}") from exc

    def _quick_connection(self) -> sqlite3.Connection | None:
        """A second connection owned by the event loop's thread, for lone statements: they take microseconds,
        less than a trip to aiosqlite's thread and back. It never waits for a lock (busy_timeout 0: a busy file
        sends the statement to the thread), never checkpoints (the main connection does) and does not sync its
        commits (synchronous NORMAL): a power cut may lose the last lone statements, never a transaction, since
        the main connection's next commit syncs the whole WAL."""
        if self.path == ":memory:":
            return None  # a second connection would open another, empty, database
        quick = sqlite3.connect(self.path, isolation_level=None)
        quick.row_factory = sqlite3.Row
        for pragma in ("foreign_keys = ON", "busy_timeout = 0", "secure_delete = ON", "synchronous = NORMAL",
                       "wal_autocheckpoint = 0"):
            quick.execute("PRAGMA " + pragma)
        return quick

    async def _check_writable(self) -> None:
        """Write once (changing nothing) so a read-only file fails here, at start, not at the first event."""
        async with self.transaction() as db:
            await db.execute("UPDATE schema_migrations SET name = name"
                             " WHERE version = (SELECT min(version) FROM schema_migrations)")

    async def close(self) -> None:
        """Close the connection."""
        if self._quick is not None:
            self._quick.close()
            self._quick = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def __aenter__(self) -> Store:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection; StoreError when closed."""
        if self._db is None:
            raise StoreError("database is not open")
        return self._db

    async def migrate(self) -> list[int]:
        """Apply the migrations not yet applied; returns their numbers."""
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
        )
        done = {row[0] for row in await self.db.execute_fetchall("SELECT version FROM schema_migrations")}
        applied = []
        for version, path in migration_files():
            if version in done:
                continue
            async with self.transaction() as db:
                for statement in split_sql(path.read_text(encoding="utf-8")):
                    await db.execute(statement)
                await db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, path.name))
            log.info("applied migration %s", path.name)
            applied.append(version)
        return applied

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it, so erased data is not left readable in the WAL."""
        with sqlite_errors():
            async with self._lock:
                await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One unit of work: committed on success, rolled back on any error (a database error as StoreError)."""
        with sqlite_errors():
            async with self._lock, commit_hooks() as hooks:
                try:
                    await self.db.execute("BEGIN IMMEDIATE")
                    yield self.db
                    await self.db.execute("COMMIT")
                except BaseException:
                    # Always queued, never skipped on `in_transaction`: a BEGIN or COMMIT whose await was cancelled
                    # still runs on aiosqlite's thread, and a BEGIN left open would hold the file's write lock.
                    # After a COMMIT that finished, there is nothing to roll back (the error is ignored).
                    with contextlib.suppress(sqlite3.OperationalError):
                        await self.db.execute("ROLLBACK")
                    raise
        run_hooks(hooks)

    async def run_alone(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """One statement that is a whole unit of work by itself (e.g. an upsert ... RETURNING), committed as it
        runs on the loop's own connection (no BEGIN, no COMMIT, no trip to a thread). Not synced: for what a
        power cut may lose without harm (a member's last-seen details, a request signature)."""
        if self._quick is None:
            return await self.fetch_all(sql, params)  # autocommit: the connection has no implicit transactions
        with sqlite_errors():
            async with self._lock:  # no transaction of ours is open: only another process can hold the file
                try:
                    return self._quick.execute(sql, tuple(params)).fetchall()
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # busy, or one of its extended codes
                        raise
                return list(await self.db.execute_fetchall(sql, tuple(params)))  # waits on its thread

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Every row of one statement run alone."""
        with sqlite_errors():
            async with self._lock:
                return list(await self.db.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """The first row of one statement run alone, or None."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


@contextlib.contextmanager
def sqlite_errors() -> Iterator[None]:
    """sqlite3's errors as the store's own StoreError (the cause kept)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(f"database error: {exc}") from exc


def check_folder(path: str) -> None:
    """Refuse a database path whose folder does not exist (a quick check, once at start)."""
    folder = os.path.dirname(os.path.abspath(path))
    if path != ":memory:" and not os.path.isdir(folder):
        raise StoreError(f"cannot use database {path!r}: the folder {folder!r} does not exist")


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside string literals in our migrations)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [stmt.strip() for stmt in "\n".join(lines).split(";") if stmt.strip()]
