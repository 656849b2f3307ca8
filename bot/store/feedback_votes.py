"""SQL for feedback votes and scopes (issue 21)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import to_iso
from bot.store.db import Connection
from bot.store.feedback import day_of

OPEN = ("new", "triaged", "planned")


@dataclass(frozen=True)
class Ranked:
    """An open item with its votes and the number of distinct countries asking (voters and named author)."""

    item_id: int
    votes: int
    countries: int


async def add(db: Connection, item_id: int, member_id: int, now: datetime) -> bool:
    """Record a vote; False when this member had already voted for this item."""
    cursor = await db.execute(
        "INSERT INTO feedback_votes (item_id, member_id, voted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (item_id, member_id, to_iso(now)))
    return cursor.rowcount > 0


async def count(db: Connection, item_id: int) -> int:
    """How many members voted for the item."""
    rows = list(await db.execute_fetchall("SELECT COUNT(*) FROM feedback_votes WHERE item_id = ?", (item_id,)))
    return int(rows[0][0])


async def voters(db: Connection, item_id: int) -> list[int]:
    """Who voted for the item, in voting order."""
    sql = "SELECT member_id FROM feedback_votes WHERE item_id = ? ORDER BY voted_at, member_id"
    return [int(r[0]) for r in await db.execute_fetchall(sql, (item_id,))]


async def merge(db: Connection, duplicate_id: int, target_id: int) -> int:
    """Copy a duplicate's votes, and its named author as a voter, onto the target; returns votes added.

    The target's own author is not added as a voter of their own item.
    """
    before = await count(db, target_id)
    await db.execute(
        """INSERT INTO feedback_votes (item_id, member_id, voted_at)
           SELECT CAST(? AS INTEGER), v.member_id, v.voted_at FROM feedback_votes v WHERE v.item_id = ?
           UNION ALL
           SELECT CAST(? AS INTEGER), i.member_id, i.created_at FROM feedback_items i
            WHERE i.id = ? AND i.member_id IS NOT NULL AND i.anonymous = 0
           ON CONFLICT DO NOTHING""",
        (target_id, duplicate_id, target_id, duplicate_id))
    await db.execute(
        """DELETE FROM feedback_votes WHERE item_id = ?
           AND member_id = (SELECT member_id FROM feedback_items WHERE id = ?)""", (target_id, target_id))
    return await count(db, target_id) - before


async def top(db: Connection, limit: int, statuses: tuple[str, ...] = OPEN) -> list[Ranked]:
    """The most-voted items among `statuses`, most votes first (ties: oldest first)."""
    marks = ", ".join("?" for _ in statuses)
    sql = f"""
        WITH askers (item_id, member_id) AS (
            SELECT item_id, member_id FROM feedback_votes
            UNION SELECT id, member_id FROM feedback_items WHERE member_id IS NOT NULL AND anonymous = 0)
        SELECT i.id, (SELECT COUNT(*) FROM feedback_votes v WHERE v.item_id = i.id) AS votes,
               (SELECT COUNT(DISTINCT p.country) FROM askers a JOIN profiles p ON p.member_id = a.member_id
                 WHERE a.item_id = i.id AND p.country IS NOT NULL AND p.country != '') AS countries
          FROM feedback_items i
         WHERE i.status IN ({marks}) AND EXISTS (SELECT 1 FROM feedback_votes v WHERE v.item_id = i.id)
         ORDER BY votes DESC, i.created_at, i.id LIMIT ?"""
    rows = await db.execute_fetchall(sql, (*statuses, limit))
    return [Ranked(int(r[0]), int(r[1]), int(r[2])) for r in rows]


async def set_scope(db: Connection, item_id: int, scope: str, now: datetime) -> None:
    """Set an item's scope (an anonymous item's time kept to the day)."""
    sql = """UPDATE feedback_items SET scope = ?,
             updated_at = CASE WHEN anonymous = 1 THEN ? ELSE ? END WHERE id = ?"""  # anonymous: the day only
    await db.execute(sql, (scope, to_iso(day_of(now)), to_iso(now), item_id))
