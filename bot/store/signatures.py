"""SQL for the Slack replay guard's signatures (migration 0017): remembered once, forgotten when stale."""

from __future__ import annotations

from bot.store.db import Connection


async def first_use(db: Connection, signature: str, expires_at: int) -> bool:
    """Remember a signature until `expires_at` (epoch seconds); False if it is remembered already."""
    sql = "INSERT INTO seen_signatures VALUES (?, ?) ON CONFLICT (signature) DO NOTHING"
    cursor = await db.execute(sql, (signature, expires_at))
    return cursor.rowcount == 1


async def forget_expired(db: Connection, now: int) -> int:
    cursor = await db.execute("DELETE FROM seen_signatures WHERE expires_at < ?", (now,))
    return cursor.rowcount
