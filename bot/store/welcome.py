"""SQL for the welcome follow-up sequence and the welcome delivery report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import from_iso, to_iso
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class FollowUp:
    """A newcomer's follow-up tips: the next step and when."""

    member_id: int
    next_step: str | None
    due_at: datetime | None
    stopped: str | None


def _row(row: Row) -> FollowUp:
    due = row["due_at"]
    return FollowUp(row["member_id"], row["next_step"], from_iso(due) if due else None, row["stopped"])


async def start(db: Connection, member_id: int, step: str | None, due: datetime | None,
                now: datetime) -> bool:
    """Plan the first follow-up once; False if the member already has a sequence."""
    sql = """INSERT INTO welcome_followups (member_id, next_step, due_at, stopped, updated_at)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id) DO NOTHING"""
    stopped = None if step else "done"
    cursor = await db.execute(sql, (member_id, step, to_iso(due) if due else None, stopped, to_iso(now)))
    return cursor.rowcount == 1


async def get(db: Connection, member_id: int) -> FollowUp | None:
    """The member's follow-ups, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM welcome_followups WHERE member_id = ?", (member_id,)))
    return _row(rows[0]) if rows else None


async def due(db: Connection, now: datetime, limit: int = 200) -> list[FollowUp]:
    """Follow-ups due at `now`, oldest first."""
    sql = """SELECT * FROM welcome_followups WHERE stopped IS NULL AND due_at IS NOT NULL AND due_at <= ?
             ORDER BY due_at, member_id LIMIT ?"""
    return [_row(r) for r in await db.execute_fetchall(sql, (to_iso(now), limit))]


async def next_due(db: Connection) -> datetime | None:
    """When the next follow-up is due, or None."""
    sql = "SELECT MIN(due_at) FROM welcome_followups WHERE stopped IS NULL AND due_at IS NOT NULL"
    rows = list(await db.execute_fetchall(sql))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None


async def advance(db: Connection, member_id: int, step: str | None, due_at: datetime | None,
                  now: datetime) -> None:
    """Move to the next step, or finish the sequence ('done') when there is none."""
    sql = "UPDATE welcome_followups SET next_step = ?, due_at = ?, stopped = ?, updated_at = ? WHERE member_id = ?"
    stopped = None if step else "done"
    await db.execute(sql, (step, to_iso(due_at) if due_at else None, stopped, to_iso(now), member_id))


async def stop(db: Connection, member_id: int, reason: str, now: datetime) -> bool:
    """Stop a running sequence; False when it was not running."""
    sql = """UPDATE welcome_followups SET next_step = NULL, due_at = NULL, stopped = ?, updated_at = ?
             WHERE member_id = ? AND stopped IS NULL"""
    cursor = await db.execute(sql, (reason, to_iso(now), member_id))
    return cursor.rowcount == 1


async def erase(db: Connection, member_id: int) -> int:
    """Delete the member's follow-ups; how many rows."""
    cursor = await db.execute("DELETE FROM welcome_followups WHERE member_id = ?", (member_id,))
    return cursor.rowcount


@dataclass(frozen=True)
class Failure:
    """A welcome message that could not be delivered."""

    key: str
    platform: str
    target: str
    attempts: int
    error: str
    fallback_status: str | None


async def failures(db: Connection, limit: int = 20) -> list[Failure]:
    """Welcome messages the outbox gave up on, with the reason and what became of their fallback."""
    sql = """SELECT o.idempotency_key, o.platform, o.target, o.attempts, o.last_error, f.status AS fb
             FROM outbox o LEFT JOIN outbox f ON f.idempotency_key = o.idempotency_key || ':fallback'
             WHERE o.idempotency_key LIKE 'welcome:%' AND o.status = 'failed'
             ORDER BY o.id DESC LIMIT ?"""
    rows = await db.execute_fetchall(sql, (limit,))
    return [Failure(r[0], r[1], r[2], int(r[3]), str(r[4] or ""), r[5]) for r in rows]
