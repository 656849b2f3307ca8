"""SQL for the Discord door: stored forms (modals) and the answers of forms filled over several modals."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import to_iso
from bot.store.db import Connection

KEEP_FORMS = timedelta(days=30)


async def save_form(db: Connection, digest: str, user_id: str, body: str, now: datetime) -> None:
    """Store a member's form under its hash (refreshing its date) and forget forms unused for 30 days."""
    sql = """INSERT INTO discord_forms (hash, user_id, body, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (hash) DO UPDATE SET created_at = excluded.created_at"""
    await db.execute(sql, (digest, user_id, body, to_iso(now)))
    cutoff = to_iso(now - KEEP_FORMS)
    await db.execute("DELETE FROM discord_forms WHERE created_at < ?", (cutoff,))
    await db.execute("DELETE FROM discord_form_progress WHERE updated_at < ?", (cutoff,))


async def load_form(db: Connection, digest: str, user_id: str) -> str | None:
    """The form stored for this member under `digest` (None for anybody else)."""
    sql = "SELECT body FROM discord_forms WHERE hash = ? AND user_id = ?"
    rows = list(await db.execute_fetchall(sql, (digest, user_id)))
    return str(rows[0][0]) if rows else None


async def load_answers(db: Connection, user_id: str, digest: str) -> dict[str, Any]:
    """Answers kept from a long form's earlier pages."""
    sql = "SELECT answers FROM discord_form_progress WHERE user_id = ? AND hash = ?"
    rows = list(await db.execute_fetchall(sql, (user_id, digest)))
    return dict(json.loads(rows[0][0])) if rows else {}


async def save_answers(db: Connection, user_id: str, digest: str, answers: dict[str, Any],
                       now: datetime) -> None:
    """Keep the answers given so far to a long form."""
    sql = """INSERT INTO discord_form_progress (user_id, hash, answers, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, hash) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at"""
    await db.execute(sql, (user_id, digest, json.dumps(answers), to_iso(now)))


async def clear_answers(db: Connection, user_id: str, digest: str) -> None:
    """Forget a long form's answers."""
    await db.execute("DELETE FROM discord_form_progress WHERE user_id = ? AND hash = ?", (user_id, digest))


async def forms_of(db: Connection, user_id: str) -> list[tuple[str, str]]:
    """(hash, body) of every form stored for this member."""
    rows = await db.execute_fetchall("SELECT hash, body FROM discord_forms WHERE user_id = ?", (user_id,))
    return [(str(r[0]), str(r[1])) for r in rows]


async def forget_forms(db: Connection, user_id: str, digests: list[str]) -> None:
    """Forms handed in for good: their stored copies and answers (the text typed, with its author) go."""
    for digest in digests:
        await db.execute("DELETE FROM discord_forms WHERE hash = ? AND user_id = ?", (digest, user_id))
        await clear_answers(db, user_id, digest)
