"""SQL for the outbox: durable outgoing messages keyed by an idempotency key."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.clock import from_iso, to_iso
from bot.core.model import Destination, Reply
from bot.store.db import Connection, Row

# What a private row keeps when it fails for good: its key and reason, for the admins, not what it said.
STRIPPED = '{"text": "", "buttons": [], "ephemeral": false, "file": null}'


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    destination: Destination
    reply: Reply
    fallback: tuple[Destination, Reply] | None
    attempts: int
    in_doubt: bool = False


def _encode_fallback(fallback: tuple[Destination, Reply] | None) -> str | None:
    if fallback is None:
        return None
    dest, reply = fallback
    return json.dumps({"platform": dest.platform, "kind": dest.kind, "target": dest.target,
                       "reply": reply.to_json()})


def _decode_fallback(raw: str | None) -> tuple[Destination, Reply] | None:
    if not raw:
        return None
    data: dict[str, Any] = json.loads(raw)
    return Destination(data["platform"], data["kind"], data["target"]), Reply.from_json(data["reply"])


async def insert(
    db: Connection,
    key: str,
    dest: Destination,
    reply: Reply,
    not_before: datetime,
    now: datetime,
    fallback: tuple[Destination, Reply] | None = None,
    private: bool = False,
) -> bool:
    """Queue a message; False (and nothing changed) if the key was queued before. A private row gets a random
    negative id: the numbering of the other rows shows no gap where it was (see 0015_privacy.sql)."""
    columns = "idempotency_key, platform, kind, target, payload, fallback, next_attempt_at, created_at"
    payload = json.dumps(reply.to_json(), ensure_ascii=False)
    params: tuple[object, ...] = (key, dest.platform, dest.kind, dest.target, payload, _encode_fallback(fallback),
                                  to_iso(not_before), to_iso(now))
    if private:
        columns, params = f"id, private, {columns}", (-1 - secrets.randbelow(2**62), 1, *params)
    marks = ", ".join("?" for _ in params)
    sql = f"INSERT INTO outbox ({columns}) VALUES ({marks}) ON CONFLICT (idempotency_key) DO NOTHING"
    cursor = await db.execute(sql, params)
    return cursor.rowcount == 1


async def claim_due(db: Connection, platforms: list[str], now: datetime, limit: int) -> list[OutboxRow]:
    """Mark up to `limit` due rows of these platforms as 'sending' and return them, oldest first."""
    if not platforms:
        return []
    marks = ",".join("?" for _ in platforms)
    sql = f"""UPDATE outbox SET status = 'sending' WHERE id IN (
                 SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
                 AND platform IN ({marks}) ORDER BY id LIMIT ?)
              RETURNING id, idempotency_key, platform, kind, target, payload, fallback, attempts, in_doubt"""
    rows = await db.execute_fetchall(sql, (to_iso(now), *platforms, limit))
    claimed = [
        OutboxRow(
            id=r["id"],
            key=r["idempotency_key"],
            destination=Destination(r["platform"], r["kind"], r["target"]),
            reply=Reply.from_json(json.loads(r["payload"])),
            fallback=_decode_fallback(r["fallback"]),
            attempts=r["attempts"],
            in_doubt=bool(r["in_doubt"]),
        )
        for r in rows
    ]
    return sorted(claimed, key=lambda row: row.id)


async def mark_sent(db: Connection, row_id: int, now: datetime, ref: str | None) -> None:
    sql = """UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, platform_ref = ?,
             in_doubt = 0 WHERE id = ?"""
    await db.execute(sql, (to_iso(now), ref, row_id))
    await db.execute("DELETE FROM outbox WHERE id = ? AND private = 1", (row_id,))


async def mark_retry(db: Connection, row_id: int, next_at: datetime, error: str,
                     in_doubt: bool = False) -> None:
    """Back to the queue; `in_doubt` when the failed attempt may have reached the platform."""
    sql = """UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?,
             last_error = ?, in_doubt = MAX(in_doubt, ?) WHERE id = ?"""
    await db.execute(sql, (to_iso(next_at), error[:500], int(in_doubt), row_id))


async def mark_failed(db: Connection, row_id: int, error: str) -> None:
    sql = "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?"
    await db.execute(sql, (error[:500], row_id))
    await db.execute(f"UPDATE outbox SET target = 'private', payload = '{STRIPPED}', fallback = NULL "
                     "WHERE id = ? AND private = 1", (row_id,))


async def release_in_flight(db: Connection) -> int:
    """After a crash, rows left 'sending' go back to 'pending' so they are not lost."""
    cursor = await db.execute("UPDATE outbox SET status = 'pending', in_doubt = 1 WHERE status = 'sending'")
    return cursor.rowcount


async def next_due(db: Connection, platforms: list[str]) -> datetime | None:
    if not platforms:
        return None
    marks = ",".join("?" for _ in platforms)
    sql = f"SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending' AND platform IN ({marks})"
    rows = list(await db.execute_fetchall(sql, tuple(platforms)))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None


async def failures(db: Connection, limit: int = 20) -> list[Row]:
    sql = """SELECT idempotency_key, platform, kind, target, attempts, last_error FROM outbox
             WHERE status = 'failed' ORDER BY id DESC LIMIT ?"""
    return list(await db.execute_fetchall(sql, (limit,)))


async def counts(db: Connection) -> dict[str, int]:
    rows = await db.execute_fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {str(r[0]): int(r[1]) for r in rows}
