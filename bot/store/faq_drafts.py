"""SQL for the FAQ learning loop: drafts of new topics and questions posted to the help channel."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.clock import from_iso, to_iso
from bot.store.db import Connection, Row

OPEN, PUBLISHED, DROPPED = "open", "published", "dropped"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed without confusion

# content: {"en": {"questions": [...], "answer": "...", "tags": [...], "links": [...]}, "fr": {...}}
Content = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Draft:
    """A FAQ draft: its content per language, origin and status."""

    id: int
    topic_id: str
    status: str
    origin: str  # "admin" | "message" | "gaps"
    content: Content
    asker: str | None  # "platform:user_id" of the member who first asked (told when it is published)
    asker_lang: str | None
    people: tuple[str, ...]  # "platform:user_id" of everyone whose words it holds
    created_by: int | None
    created_at: datetime
    stored: str | None  # "file" | "database" once published
    toml: str | None  # the published topic, when stored in the database

    @property
    def ref(self) -> str:
        """The draft's reference, e.g. D-7."""
        return format_ref(self.id)


@dataclass(frozen=True)
class HelpPost:
    """A question posted to the help channel for people to answer."""

    id: int
    code: str
    member_id: int
    question: str
    lang: str
    mention: bool


def format_ref(draft_id: int) -> str:
    """A draft's reference, e.g. D-7."""
    return f"D-{draft_id}"


def person(platform: str, user_id: str) -> str:
    """A member's platform:user id, as drafts name people."""
    return f"{platform}:{user_id}"


def _draft(row: Row) -> Draft:
    return Draft(row["id"], row["topic_id"], row["status"], row["origin"], json.loads(row["content"]),
                 row["asker"], row["asker_lang"], tuple(json.loads(row["people"])), row["created_by"],
                 from_iso(row["created_at"]), row["stored"], row["toml"])


async def create(db: Connection, *, origin: str, content: Content, now: datetime, topic_id: str = "",
                 asker: str | None = None, asker_lang: str | None = None, people: tuple[str, ...] = (),
                 created_by: int | None = None, group_key: str | None = None) -> int:
    """A new open draft; its id."""
    sql = """INSERT INTO faq_drafts (topic_id, origin, content, group_key, asker, asker_lang, people, created_by,
                                     created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
    cursor = await db.execute(sql, (topic_id, origin, json.dumps(content, ensure_ascii=False), group_key, asker,
                                    asker_lang, json.dumps(sorted(set(people))), created_by, to_iso(now), to_iso(now)))
    row = await cursor.fetchone()
    return int(row["id"])


async def get(db: Connection, draft_id: int) -> Draft | None:
    """Draft `draft_id`, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM faq_drafts WHERE id = ?", (draft_id,)))
    return _draft(rows[0]) if rows else None


async def open_drafts(db: Connection, limit: int = 25) -> list[Draft]:
    """The oldest open drafts."""
    rows = await db.execute_fetchall("SELECT * FROM faq_drafts WHERE status = ? ORDER BY id LIMIT ?", (OPEN, limit))
    return [_draft(r) for r in rows]


async def group_keys(db: Connection) -> set[str]:
    """The group keys of every draft made from a gap."""
    rows = await db.execute_fetchall("SELECT group_key FROM faq_drafts WHERE group_key IS NOT NULL")
    return {str(r[0]) for r in rows}


async def save_content(db: Connection, draft_id: int, content: Content, topic_id: str, now: datetime) -> None:
    """Replace an open draft's content and topic id."""
    sql = "UPDATE faq_drafts SET content = ?, topic_id = ?, updated_at = ? WHERE id = ? AND status = ?"
    await db.execute(sql, (json.dumps(content, ensure_ascii=False), topic_id, to_iso(now), draft_id, OPEN))


async def mark_published(db: Connection, draft_id: int, topic_id: str, stored: str, toml: str | None,
                         now: datetime) -> None:
    """Mark a draft published as `topic_id`, with where it was stored and its TOML."""
    sql = """UPDATE faq_drafts SET status = ?, topic_id = ?, stored = ?, toml = ?, published_at = ?, updated_at = ?
             WHERE id = ?"""
    await db.execute(sql, (PUBLISHED, topic_id, stored, toml, to_iso(now), to_iso(now), draft_id))


async def drop(db: Connection, draft_id: int, now: datetime) -> None:
    """Discard a draft: its words and people go; its group key stays, so the same questions are not drafted again."""
    sql = """UPDATE faq_drafts SET status = ?, content = '{}', people = '[]', asker = NULL, asker_lang = NULL,
             updated_at = ? WHERE id = ? AND status = ?"""
    await db.execute(sql, (DROPPED, to_iso(now), draft_id, OPEN))


async def published_in_database(db: Connection) -> list[tuple[str, str]]:
    """(topic id, TOML) of every topic published into the database, oldest first."""
    rows = await db.execute_fetchall(
        "SELECT topic_id, toml FROM faq_drafts WHERE status = ? AND stored = 'database' ORDER BY id", (PUBLISHED,))
    return [(str(r[0]), str(r[1])) for r in rows]


async def unanswered_asks(db: Connection) -> list[Row]:
    """Every question the FAQ had no answer for, oldest first, with its asker's platform id."""
    sql = """SELECT a.id, a.question, a.lang, m.platform, m.user_id FROM faq_asks a
             LEFT JOIN members m ON m.id = a.member_id WHERE a.decision = 'none' ORDER BY a.id"""
    return list(await db.execute_fetchall(sql))


# ---- the help channel -------------------------------------------------------------------------


async def add_help_post(db: Connection, *, member_id: int, ask_id: int | None, question: str, lang: str,
                        mention: bool, now: datetime) -> HelpPost:
    """Record a question posted to the help channel, under a new Q- code."""
    code = "Q-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))
    sql = """INSERT INTO faq_help_posts (code, member_id, ask_id, question, lang, mention, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"""
    cursor = await db.execute(sql, (code, member_id, ask_id, question[:1000], lang, int(mention), to_iso(now)))
    row = await cursor.fetchone()
    return HelpPost(int(row["id"]), code, member_id, question[:1000], lang, mention)


async def help_post(db: Connection, code: str) -> HelpPost | None:
    """The help-channel post with code `code`, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM faq_help_posts WHERE code = ?", (code,)))
    if not rows:
        return None
    r = rows[0]
    return HelpPost(r["id"], r["code"], r["member_id"], r["question"], r["lang"], bool(r["mention"]))


async def help_post_for_ask(db: Connection, ask_id: int) -> HelpPost | None:
    """The help-channel post made for question `ask_id`, or None."""
    rows = list(await db.execute_fetchall("SELECT code FROM faq_help_posts WHERE ask_id = ?", (ask_id,)))
    return await help_post(db, str(rows[0][0])) if rows else None


# ---- privacy ----------------------------------------------------------------------------------


async def member_data(db: Connection, member_id: int, who: str) -> dict[str, list[dict[str, object]]]:
    """The member's help-channel questions and the drafts that hold their words or name them."""
    posts = await db.execute_fetchall(
        "SELECT code, question, lang, mention, created_at FROM faq_help_posts WHERE member_id = ? ORDER BY id",
        (member_id,))
    drafts = [d for d in await _all(db) if who in d.people or d.asker == who or d.created_by == member_id]
    return {"help_channel_questions": [dict(r) for r in posts],
            "faq_drafts": [{"ref": d.ref, "status": d.status, "origin": d.origin, "content": d.content,
                            "asked_by_you": d.asker == who, "holds_your_words": who in d.people,
                            "made_by_you": d.created_by == member_id, "created_at": to_iso(d.created_at)}
                           for d in drafts]}


async def _all(db: Connection) -> list[Draft]:
    return [_draft(r) for r in await db.execute_fetchall("SELECT * FROM faq_drafts ORDER BY id")]


async def erase_member(db: Connection, member_id: int, who: str) -> int:
    """Delete the member's help-channel questions and the open drafts made of their words; published topics
    (community content now) lose every link to them. Returns how many published topics were unlinked."""
    await db.execute("DELETE FROM faq_help_posts WHERE member_id = ?", (member_id,))
    unlinked = 0
    for draft in await _all(db):
        if draft.status == OPEN and (who in draft.people or draft.asker == who):
            await db.execute("DELETE FROM faq_drafts WHERE id = ?", (draft.id,))
        elif who in draft.people or draft.asker == who:
            people = json.dumps([p for p in draft.people if p != who])
            await db.execute("""UPDATE faq_drafts SET people = ?, asker = CASE WHEN asker = ? THEN NULL ELSE asker END,
                                asker_lang = CASE WHEN asker = ? THEN NULL ELSE asker_lang END WHERE id = ?""",
                             (people, who, who, draft.id))
            unlinked += 1
    await db.execute("UPDATE faq_drafts SET created_by = NULL WHERE created_by = ?", (member_id,))
    return unlinked
