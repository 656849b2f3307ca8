"""SQL for the weekly digest (issue 21): what happened in a window [since, until), as plain rows.

The queries only count and group; the digest service (bot/services/digest/__init__.py) turns rows into figures.
They run on SQLite and PostgreSQL alike (ISO timestamps compare as text; no engine-specific function).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.clock import to_iso
from bot.store.db import Connection

NEW_MEMBERS = """
SELECT m.id, m.display_name, m.locale, m.platform_locale, p.country, COALESCE(p.onboarding_done, 0),
       COALESCE(m.joined_at, m.created_at)
  FROM members m LEFT JOIN profiles p ON p.member_id = m.id
 WHERE COALESCE(m.joined_at, m.created_at) >= ? AND COALESCE(m.joined_at, m.created_at) < ?
   AND m.platform != 'console'"""

FAQ_DECISIONS = "SELECT decision, COUNT(*) FROM faq_asks WHERE created_at >= ? AND created_at < ? GROUP BY decision"

FAQ_GAPS = """
SELECT norm, MIN(question), COUNT(*) FROM faq_asks a
 WHERE a.created_at >= ? AND a.created_at < ?
   AND (a.decision = 'none' OR EXISTS (SELECT 1 FROM faq_votes v WHERE v.ask_id = a.id AND v.helpful = 0))
 GROUP BY norm ORDER BY COUNT(*) DESC, MIN(question) LIMIT ?"""

WEBINAR_RSVPS = """
SELECT w.id, w.title, r.answer, COUNT(*) FROM webinar_rsvps r JOIN webinars w ON w.id = r.webinar_id
 WHERE r.updated_at >= ? AND r.updated_at < ? GROUP BY w.id, w.title, r.answer ORDER BY w.id"""

REMINDERS_SENT = """
SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'webinar:%:reminder:%' AND status = 'sent'
   AND sent_at >= ? AND sent_at < ?"""

PEER_ROUNDS = """
SELECT r.id, r.started_at, r.ends_at, COUNT(DISTINCT g.id), COUNT(gm.member_id),
       SUM(CASE WHEN gm.answer IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN gm.answer = 'yes' THEN 1 ELSE 0 END)
  FROM peer_rounds r LEFT JOIN peer_groups g ON g.round_id = r.id
  LEFT JOIN peer_group_members gm ON gm.group_id = g.id
 WHERE r.started_at < ? AND r.ends_at >= ?
 GROUP BY r.id, r.started_at, r.ends_at ORDER BY r.started_at"""

FEEDBACK_FILED = """
SELECT module, scope, COUNT(*) FROM feedback_items WHERE created_at >= ? AND created_at < ?
 GROUP BY module, scope"""

# Items whose status moved to `status` in the window (each item counted once per status).
FEEDBACK_MOVED = """
SELECT i.module, i.scope, c.status, COUNT(DISTINCT i.id) FROM feedback_changes c
  JOIN feedback_items i ON i.id = c.item_id
 WHERE c.changed_at >= ? AND c.changed_at < ? AND c.status IN ('triaged', 'done')
 GROUP BY i.module, i.scope, c.status"""


def _window(since: datetime, until: datetime) -> tuple[str, str]:
    return to_iso(since), to_iso(until)


async def new_members(db: Connection, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """(id, name, locale, platform locale, country, onboarding done, joined) of members who arrived."""
    return [tuple(r) for r in await db.execute_fetchall(NEW_MEMBERS, _window(since, until))]


async def faq_decisions(db: Connection, since: datetime, until: datetime) -> dict[str, int]:
    """FAQ decisions in the window, counted by kind."""
    return {str(r[0]): int(r[1]) for r in await db.execute_fetchall(FAQ_DECISIONS, _window(since, until))}


async def faq_gaps(db: Connection, since: datetime, until: datetime, limit: int) -> list[tuple[str, int]]:
    """The questions asked most often that went unanswered or were voted unhelpful: (example, times)."""
    rows = await db.execute_fetchall(FAQ_GAPS, (*_window(since, until), limit))
    return [(str(r[1]), int(r[2])) for r in rows]


async def webinar_rsvps(db: Connection, since: datetime, until: datetime) -> list[tuple[int, str, str, int]]:
    """(webinar id, title, answer, count) for the RSVPs given or changed in the window."""
    rows = await db.execute_fetchall(WEBINAR_RSVPS, _window(since, until))
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def reminders_sent(db: Connection, since: datetime, until: datetime) -> int:
    """Webinar reminders sent in the window."""
    rows = list(await db.execute_fetchall(REMINDERS_SENT, _window(since, until)))
    return int(rows[0][0])


async def peer_rounds(db: Connection, since: datetime, until: datetime) -> list[tuple[int, str, int, int, int, int]]:
    """(round id, started, groups, seats, check-ins answered, answered yes) for rounds running in the window."""
    rows = await db.execute_fetchall(PEER_ROUNDS, (to_iso(until), to_iso(since)))
    return [(int(r[0]), str(r[1]), int(r[3]), int(r[4]), int(r[5] or 0), int(r[6] or 0)) for r in rows]


async def feedback_filed(db: Connection, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
    """(module, step, count) of feedback items in the window."""
    return [(str(r[0]), str(r[1]), int(r[2])) for r in await db.execute_fetchall(FEEDBACK_FILED,
                                                                                    _window(since, until))]


async def feedback_moved(db: Connection, since: datetime, until: datetime) -> list[tuple[str, str, str, int]]:
    """(module, scope, status, items) for items triaged or done in the window."""
    rows = await db.execute_fetchall(FEEDBACK_MOVED, _window(since, until))
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
