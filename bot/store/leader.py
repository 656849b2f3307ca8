"""The due-jobs lock on PostgreSQL: a session-level advisory lock held on a connection of its own.

PostgreSQL releases a session's advisory locks when the session ends, so a replica that dies (process
killed, machine gone) gives the lock up without doing anything: its connection closes at once, or the
server's TCP keepalives below end it within about 15 seconds when the machine vanished silently.
"""

from __future__ import annotations

import asyncpg

LEADER_LOCK_KEY = 727002  # 727001 serialises migrations (bot/store/pg.py)
CHECK_TIMEOUT = 5.0  # seconds; a session that does not answer within it is treated as lost
# the server probes an idle silent client after 5 s, every 3 s, and drops it after 3 unanswered probes
KEEPALIVES = {"tcp_keepalives_idle": "5", "tcp_keepalives_interval": "3", "tcp_keepalives_count": "3",
              "application_name": "community-bot leader lock"}
# what a lost session raises (InternalClientError: a query on a session the server has just ended)
LOST = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)


class PgLeaderLock:
    """`pg_try_advisory_lock` on a dedicated session; held until that session ends or `release()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: asyncpg.Connection | None = None
        self.held = False

    async def try_hold(self) -> bool:
        """True while this process holds the lock: the holder checks its session still answers, the others
        try to take the lock (on a session kept open for the next try). Raises one of LOST on failure."""
        if self._conn is not None and self._conn.is_closed():
            await self.release()  # the server ended the session, and the lock with it
        if self._conn is not None:
            try:
                await self._conn.fetchval("SELECT 1", timeout=CHECK_TIMEOUT)
            except LOST:
                await self.release()  # the session, and the lock with it, are gone
                raise
        if self._conn is None:
            self._conn = await asyncpg.connect(self.url, timeout=CHECK_TIMEOUT, server_settings=KEEPALIVES)
        if not self.held:
            self.held = bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK_KEY,
                                                       timeout=CHECK_TIMEOUT))
        return self.held

    async def release(self) -> None:
        """End the session (PostgreSQL frees the lock with it)."""
        conn, self._conn, self.held = self._conn, None, False
        if conn is not None:
            try:
                await conn.close(timeout=CHECK_TIMEOUT)
            except LOST:
                conn.terminate()
