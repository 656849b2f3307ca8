"""SQL for the FAQ: questions asked, helpful votes, and the gaps they reveal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import to_iso
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class Ask:
    """A question asked to the FAQ and the decision made."""

    id: int
    member_id: int | None
    question: str
    lang: str
    decision: str
    answer_id: str | None
    suggestions: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class Gap:
    """A question (grouped by its normalised form) that went unanswered or was voted unhelpful."""

    example: str
    times: int
    unanswered: int
    unhelpful: int
    langs: str
    last_at: str


def _row_to_ask(row: Row) -> Ask:
    return Ask(row["id"], row["member_id"], row["question"], row["lang"], row["decision"], row["answer_id"],
               tuple(json.loads(row["suggestions"])), float(row["confidence"]))


async def record_ask(db: Connection, *, member_id: int | None, question: str, norm: str, lang: str,
                     decision: str, answer_id: str | None, suggestions: tuple[str, ...], confidence: float,
                     now: datetime) -> int:
    """Store one question and what the bot decided; returns its id (used in button values)."""
    sql = """INSERT INTO faq_asks (member_id, question, norm, lang, decision, answer_id, suggestions, confidence,
                                   created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
    cursor = await db.execute(sql, (member_id, question[:1000], norm[:500], lang, decision, answer_id,
                                    json.dumps(list(suggestions)), confidence, to_iso(now)))
    row = await cursor.fetchone()
    return int(row["id"])


async def get_ask(db: Connection, ask_id: int) -> Ask | None:
    """Question `ask_id`, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM faq_asks WHERE id = ?", (ask_id,)))
    return _row_to_ask(rows[0]) if rows else None


async def record_pick(db: Connection, ask_id: int, topic_id: str) -> None:
    """Remember the first suggestion picked for a "did you mean" question."""
    sql = "UPDATE faq_asks SET answer_id = ? WHERE id = ? AND answer_id IS NULL"
    await db.execute(sql, (topic_id, ask_id))


async def vote(db: Connection, ask_id: int, member_id: int, topic_id: str, helpful: bool,
               now: datetime) -> bool | None:
    """Record (or change) a member's vote on an answer; returns their previous vote, None if first."""
    rows = list(await db.execute_fetchall(
        "SELECT helpful FROM faq_votes WHERE ask_id = ? AND member_id = ?", (ask_id, member_id)))
    sql = """INSERT INTO faq_votes (ask_id, member_id, topic_id, helpful, voted_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (ask_id, member_id) DO UPDATE SET helpful = excluded.helpful, topic_id = excluded.topic_id,
                 voted_at = excluded.voted_at"""
    await db.execute(sql, (ask_id, member_id, topic_id, int(helpful), to_iso(now)))
    return bool(rows[0][0]) if rows else None


GAPS = """
SELECT norm, MIN(question) AS example, COUNT(*) AS times, SUM(decision = 'none') AS unanswered,
       SUM(unhelpful) AS unhelpful, GROUP_CONCAT(DISTINCT lang) AS langs, MAX(created_at) AS last_at
FROM (SELECT a.*, EXISTS (SELECT 1 FROM faq_votes v WHERE v.ask_id = a.id AND v.helpful = 0) AS unhelpful
      FROM faq_asks a)
WHERE decision = 'none' OR unhelpful
GROUP BY norm
ORDER BY times DESC, last_at DESC
LIMIT ?
"""


async def gaps(db: Connection, limit: int = 10) -> list[Gap]:
    """The most frequent unanswered or unhelpful questions, most frequent first."""
    rows = await db.execute_fetchall(GAPS, (limit,))
    return [Gap(r["example"], r["times"], r["unanswered"], r["unhelpful"], r["langs"] or "", r["last_at"])
            for r in rows]


async def votes_for(db: Connection, ask_id: int) -> list[tuple[int, bool]]:
    """(member, helpful) of each vote on an answer."""
    rows = await db.execute_fetchall("SELECT member_id, helpful FROM faq_votes WHERE ask_id = ?", (ask_id,))
    return [(r[0], bool(r[1])) for r in rows]


async def member_data(db: Connection, member_id: int) -> dict[str, list[dict[str, object]]]:
    """The questions a member asked and the votes they gave (for /mydata)."""
    asks = await db.execute_fetchall(
        "SELECT question, lang, decision, answer_id, created_at FROM faq_asks WHERE member_id = ? ORDER BY id",
        (member_id,))
    votes = await db.execute_fetchall(
        "SELECT topic_id, helpful, voted_at FROM faq_votes WHERE member_id = ? ORDER BY voted_at", (member_id,))
    return {"questions": [dict(r) for r in asks], "votes": [dict(r) for r in votes]}


async def erase_member(db: Connection, member_id: int) -> None:
    """Delete a member's votes and questions (their words may identify them)."""
    await db.execute("DELETE FROM faq_votes WHERE member_id = ?", (member_id,))
    await db.execute("DELETE FROM faq_asks WHERE member_id = ?", (member_id,))
