"""SQL for the admin dashboard: sign-in links and sessions (hashed tokens), and the feedback board's query."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import to_iso
from bot.store.db import Connection
from bot.store.feedback import Item, _item


async def add_link(db: Connection, token_hash: str, member_id: int, expires_at: datetime) -> None:
    """Keep a sign-in link's hashed token until it expires."""
    await db.execute("INSERT INTO dashboard_links (token_hash, member_id, expires_at) VALUES (?, ?, ?)",
                     (token_hash, member_id, to_iso(expires_at)))


async def use_link(db: Connection, token_hash: str, now: datetime) -> int | None:
    """Consume a link (it works once); the member id when it was valid and not expired."""
    rows = list(await db.execute_fetchall(
        "DELETE FROM dashboard_links WHERE token_hash = ? RETURNING member_id, expires_at", (token_hash,)))
    await db.execute("DELETE FROM dashboard_links WHERE expires_at <= ?", (to_iso(now),))
    if not rows or str(rows[0][1]) <= to_iso(now):
        return None
    return int(rows[0][0])


async def add_session(db: Connection, session_hash: str, member_id: int, expires_at: datetime) -> None:
    """Keep a session's hashed id until it expires."""
    await db.execute("INSERT INTO dashboard_sessions (session_hash, member_id, expires_at) VALUES (?, ?, ?)",
                     (session_hash, member_id, to_iso(expires_at)))


async def session_member(db: Connection, session_hash: str, now: datetime) -> int | None:
    """The member a live session belongs to, or None."""
    rows = list(await db.execute_fetchall(
        "SELECT member_id FROM dashboard_sessions WHERE session_hash = ? AND expires_at > ?",
        (session_hash, to_iso(now))))
    return int(rows[0][0]) if rows else None


async def end_session(db: Connection, session_hash: str, now: datetime) -> None:
    """Sign out (and forget every expired session on the way)."""
    await db.execute("DELETE FROM dashboard_sessions WHERE session_hash = ? OR expires_at <= ?",
                     (session_hash, to_iso(now)))


async def board(db: Connection, *, status: str | None, module: str | None, scope: str | None, min_votes: int,
                limit: int) -> list[tuple[Item, int]]:
    """Feedback items matching the filters with their votes, most voted first, then newest."""
    where = ["COALESCE(v.votes, 0) >= ?"]
    params: list[object] = [min_votes]
    for column, value in (("status", status), ("module", module), ("scope", scope)):
        if value:
            where.append(f"i.{column} = ?")
            params.append(value)
    sql = f"""SELECT i.id, COALESCE(v.votes, 0) AS votes FROM feedback_items i
              LEFT JOIN (SELECT item_id, COUNT(*) AS votes FROM feedback_votes GROUP BY item_id) v ON v.item_id = i.id
              WHERE {' AND '.join(where)} ORDER BY votes DESC, i.created_at DESC, i.id LIMIT ?"""
    ranked = [(int(r[0]), int(r[1])) for r in await db.execute_fetchall(sql, (*params, limit))]
    if not ranked:
        return []
    marks = ", ".join("?" for _ in ranked)
    rows = await db.execute_fetchall(f"SELECT * FROM feedback_items WHERE id IN ({marks})", [i for i, _ in ranked])
    items = {int(row["id"]): _item(row) for row in rows}
    return [(items[item_id], votes) for item_id, votes in ranked if item_id in items]


async def webinars(db: Connection, now: datetime, limit: int) -> list[tuple[int, str, str, str, dict[str, int]]]:
    """Scheduled webinars (id, title, status, local start, RSVP counts by answer), soonest first."""
    rows = await db.execute_fetchall(
        "SELECT id, title, status, local_start, timezone FROM webinars WHERE status = 'scheduled' "
        "ORDER BY local_start LIMIT ?", (limit,))
    result = []
    for row in rows:
        counts = await db.execute_fetchall(
            "SELECT answer, COUNT(*) FROM webinar_rsvps WHERE webinar_id = ? GROUP BY answer", (row[0],))
        result.append((int(row[0]), str(row[1]), str(row[3]), str(row[4]), {str(c[0]): int(c[1]) for c in counts}))
    return result
