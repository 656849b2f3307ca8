"""SQL for the calendar feeds: personal feed tokens, the webinars a member said Going or Maybe to, and when
the webinars last changed (for Last-Modified)."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import from_iso, to_iso
from bot.store.db import Connection


async def token_of(db: Connection, member_id: int) -> str | None:
    """The member's calendar feed token, or None."""
    rows = list(await db.execute_fetchall("SELECT token FROM calendar_tokens WHERE member_id = ?", (member_id,)))
    return str(rows[0][0]) if rows else None


async def add_token(db: Connection, member_id: int, token: str, now: datetime) -> None:
    """Give the member a calendar feed token."""
    await db.execute("INSERT INTO calendar_tokens (token, member_id, created_at) VALUES (?, ?, ?)",
                     (token, member_id, to_iso(now)))


async def member_of(db: Connection, token: str) -> int | None:
    """The member a calendar feed token belongs to, or None."""
    rows = list(await db.execute_fetchall("SELECT member_id FROM calendar_tokens WHERE token = ?", (token,)))
    return int(rows[0][0]) if rows else None


async def answered(db: Connection, member_id: int) -> set[int]:
    """Ids of the webinars the member said Going or Maybe to."""
    sql = "SELECT webinar_id FROM webinar_rsvps WHERE member_id = ? AND answer IN ('going', 'maybe')"
    return {int(row[0]) for row in await db.execute_fetchall(sql, (member_id,))}


async def last_change(db: Connection) -> datetime | None:
    """When any webinar was last created, edited or cancelled."""
    rows = list(await db.execute_fetchall("SELECT MAX(updated_at) FROM webinars"))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None
