"""Which replica runs the due jobs (reminders, rounds, follow-ups, housekeeping): one at a time.

On PostgreSQL, replicas share one database and the leader is the one holding an advisory lock; the
others ask again at each heartbeat, so when the leader dies another one takes over at its next beat
(15 s by default) after the server ends the dead session. On SQLite there is one process: it leads.
The outbox is not affected: every replica delivers (claims keep a message to one of them), and the
idempotency keys keep a job that two replicas ran around a takeover from queueing anything twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.backends import AnyStore
    from bot.store.leader import PgLeaderLock

log = logging.getLogger(__name__)


class Leadership:
    """Whether this replica runs the due jobs (a PostgreSQL advisory lock; on SQLite it always does)."""

    def __init__(self, store: AnyStore) -> None:
        self.lock: PgLeaderLock | None = None
        if store.dialect == "postgres":  # asyncpg is loaded only then
            from bot.store.leader import PgLeaderLock

            self.lock = PgLeaderLock(store.path)
        self.leading: bool | None = None  # unknown until first asked

    async def leads(self) -> bool:
        """Whether this replica should run the due jobs now (asks the database on PostgreSQL)."""
        if self.lock is None:
            return True
        from bot.store.leader import LOST

        try:
            leads = await self.lock.try_hold()
        except LOST as exc:
            log.warning("leader lock: database session lost (%s: %s); due jobs wait for the next beat",
                        type(exc).__name__, exc)
            leads = False
        if leads != self.leading:
            log.info("leader lock: %s", "this replica runs the due jobs" if leads
                     else "another replica runs the due jobs; this one delivers messages and answers events")
            self.leading = leads
        return leads

    async def close(self) -> None:
        """Give the lead up now (at a clean stop), so another replica takes it at its next beat."""
        if self.lock is not None:
            await self.lock.release()
