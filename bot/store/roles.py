"""SQL for the roles updates queued in the outbox (bot/services/roles.py)."""

from __future__ import annotations

from bot.store.db import Connection


async def drop_waiting(db: Connection, platform: str, kind: str, target: str) -> int:
    """Delete the updates for this member not yet claimed for delivery: a newer one replaces them, so an
    older one retried later cannot undo it."""
    sql = "DELETE FROM outbox WHERE platform = ? AND kind = ? AND target = ? AND status = 'pending'"
    cursor = await db.execute(sql, (platform, kind, target))
    return cursor.rowcount


async def member_ids(db: Connection, platforms: list[str]) -> list[int]:
    """The members of these platforms, erased ones (see bot/store/privacy.anonymise_member) left out."""
    marks = ",".join("?" for _ in platforms)
    sql = f"SELECT id FROM members WHERE platform IN ({marks}) AND user_id NOT LIKE 'erased-%' ORDER BY id"
    return [int(r[0]) for r in await db.execute_fetchall(sql, tuple(platforms))]
