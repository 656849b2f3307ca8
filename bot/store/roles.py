"""SQL for the roles updates queued in the outbox (bot/services/roles.py)."""

from __future__ import annotations

from bot.store.db import Connection


async def drop_waiting(db: Connection, platform: str, kind: str, target: str) -> int:
    """Delete the updates for this member not yet claimed for delivery: a newer one replaces them, so an
    older one retried later cannot undo it."""
    sql = "DELETE FROM outbox WHERE platform = ? AND kind = ? AND target = ? AND status = 'pending'"
    cursor = await db.execute(sql, (platform, kind, target))
    return cursor.rowcount
