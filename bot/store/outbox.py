"""SQL for the outbox: durable outgoing messages keyed by an idempotency key."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.clock import from_iso, utc
from bot.core.model import Destination, Reply
from bot.store.db import Connection, Row
from bot.store.dialect import is_postgres

# What a private row keeps when it fails for good: its key and reason, for the admins, not what it said.
STRIPPED = '{"text": "", "buttons": [], "ephemeral": false, "file": null}'


@dataclass(frozen=True)
class OutboxRow:
    """An outbox message claimed for delivery."""

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
                                  stamp(not_before), stamp(now))
    if private:
        columns, params = f"id, private, {columns}", (-1 - secrets.randbelow(2**62), 1, *params)
    marks = ", ".join("?" for _ in params)
    sql = f"INSERT INTO outbox ({columns}) VALUES ({marks}) ON CONFLICT (idempotency_key) DO NOTHING"
    cursor = await db.execute(sql, params)
    return cursor.rowcount == 1


CLAIMED = "id, idempotency_key, platform, kind, target, payload, fallback, attempts, in_doubt"


def stamp(dt: datetime) -> str:
    """An outbox time to the millisecond (Retry-After is often a fraction of a second), whole seconds as
    before. Both sort together: '08:00:00+00:00' < '08:00:00.500+00:00' < '08:00:01+00:00'."""
    dt = utc(dt)
    return dt.isoformat(timespec="milliseconds" if dt.microsecond >= 1000 else "seconds")


async def claim_due(db: Connection, platforms: list[str], now: datetime, limit: int,
                    owner: str, lease_until: datetime) -> list[OutboxRow]:
    """Lease up to `limit` due rows of these platforms to `owner` ('sending') and return them, oldest first.

    The one claim query. The outer `status = 'pending'` is checked again on the row itself, so a row is
    leased once. On PostgreSQL the subquery takes `FOR UPDATE SKIP LOCKED`: replicas claiming at the same
    time each lock different rows instead of queueing behind the first one's and then finding it taken
    (SQLite has one writer at a time: nothing to skip).
    """
    if not platforms:
        return []
    marks = ",".join("?" for _ in platforms)
    due = f"""SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
              AND platform IN ({marks}) ORDER BY id LIMIT ?"""
    lease = "UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, lease_beats = lease_beats + 1"
    params: tuple[object, ...] = (owner, stamp(lease_until), stamp(now), *platforms, limit)
    if is_postgres(db):  # picked once (a subquery under IN may be re-run per row, each run locking another)
        sql = f"""WITH picked AS MATERIALIZED ({due} FOR UPDATE SKIP LOCKED)
                  {lease} WHERE status = 'pending' AND id IN (SELECT id FROM picked) RETURNING {CLAIMED}"""
        params = (*params[2:], *params[:2])
    else:
        sql = f"{lease} WHERE status = 'pending' AND id IN ({due}) RETURNING {CLAIMED}"
    rows = await db.execute_fetchall(sql, params)
    return sorted((_claimed(r) for r in rows), key=lambda row: row.id)


def _claimed(r: Row) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        key=r["idempotency_key"],
        destination=Destination(r["platform"], r["kind"], r["target"]),
        reply=Reply.from_json(json.loads(r["payload"])),
        fallback=_decode_fallback(r["fallback"]),
        attempts=r["attempts"],
        in_doubt=bool(r["in_doubt"]),
    )


async def renew_leases(db: Connection, owner: str, lease_until: datetime) -> int:
    """Push back the lease of every row `owner` holds; returns how many it still holds."""
    sql = """UPDATE outbox SET lease_until = ?, lease_beats = lease_beats + 1
             WHERE status = 'sending' AND lease_owner = ?"""
    cursor = await db.execute(sql, (stamp(lease_until), owner))
    return cursor.rowcount


async def leased_by_others(db: Connection, owner: str) -> list[tuple[int, str, int]]:
    """(id, holder, beats) of the rows other processes hold (a row left 'sending' before leases: holder '')."""
    sql = """SELECT id, lease_owner, lease_beats FROM outbox
             WHERE status = 'sending' AND (lease_owner IS NULL OR lease_owner <> ?)"""
    rows = await db.execute_fetchall(sql, (owner,))
    return [(int(r[0]), str(r[1] or ""), int(r[2])) for r in rows]


async def take_back(db: Connection, row_id: int, holder: str, beats: int) -> bool:
    """Queue again, in doubt, a row whose lease expired, unless it changed hands or was renewed meanwhile."""
    sql = """UPDATE outbox SET status = 'pending', in_doubt = 1, lease_owner = NULL, lease_until = NULL
             WHERE id = ? AND status = 'sending' AND COALESCE(lease_owner, '') = ? AND lease_beats = ?"""
    cursor = await db.execute(sql, (row_id, holder, beats))
    return cursor.rowcount == 1


async def release_in_doubt(db: Connection, row_id: int, owner: str, next_at: datetime) -> bool:
    """Our own row whose outcome we could not record: back to the queue, to be looked up before a resend."""
    sql = """UPDATE outbox SET status = 'pending', in_doubt = 1, lease_owner = NULL, lease_until = NULL,
             next_attempt_at = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?"""
    cursor = await db.execute(sql, (stamp(next_at), row_id, owner))
    return cursor.rowcount == 1


async def mark_sent(db: Connection, row_id: int, now: datetime, ref: str | None) -> None:
    """Mark a message sent (a private one is deleted at once)."""
    sql = """UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, platform_ref = ?,
             in_doubt = 0, lease_owner = NULL, lease_until = NULL WHERE id = ?"""
    await db.execute(sql, (stamp(now), ref, row_id))
    await db.execute("DELETE FROM outbox WHERE id = ? AND private = 1", (row_id,))


async def mark_retry(db: Connection, row_id: int, owner: str, next_at: datetime, error: str,
                     in_doubt: bool = False) -> None:
    """Back to the queue, if `owner` still holds it; `in_doubt` when the failed attempt may have reached
    the platform."""
    sql = """UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
             in_doubt = CASE WHEN ? = 1 THEN 1 ELSE in_doubt END, lease_owner = NULL, lease_until = NULL
             WHERE id = ? AND status = 'sending' AND lease_owner = ?"""
    await db.execute(sql, (stamp(next_at), error[:500], int(in_doubt), row_id, owner))


async def mark_failed(db: Connection, row_id: int, error: str) -> None:
    """Mark a message failed for good (a private one's content is stripped)."""
    sql = """UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, lease_owner = NULL,
             lease_until = NULL WHERE id = ?"""
    await db.execute(sql, (error[:500], row_id))
    await db.execute(f"UPDATE outbox SET target = 'private', payload = '{STRIPPED}', fallback = NULL "
                     "WHERE id = ? AND private = 1", (row_id,))


async def next_due(db: Connection, platforms: list[str]) -> datetime | None:
    """When the next pending message for these platforms is due, or None."""
    if not platforms:
        return None
    marks = ",".join("?" for _ in platforms)
    sql = f"SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending' AND platform IN ({marks})"
    rows = list(await db.execute_fetchall(sql, tuple(platforms)))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None


async def next_due_by_platform(db: Connection, platforms: list[str]) -> dict[str, datetime]:
    """The earliest due time of each platform's queued rows."""
    if not platforms:
        return {}
    marks = ",".join("?" for _ in platforms)
    sql = f"""SELECT platform, MIN(next_attempt_at) FROM outbox WHERE status = 'pending' AND platform IN ({marks})
              GROUP BY platform"""
    return {str(r[0]): from_iso(r[1]) for r in await db.execute_fetchall(sql, tuple(platforms))}


async def failures(db: Connection, limit: int = 20) -> list[Row]:
    """The latest messages that failed for good."""
    sql = """SELECT idempotency_key, platform, kind, target, attempts, last_error FROM outbox
             WHERE status = 'failed' ORDER BY id DESC LIMIT ?"""
    return list(await db.execute_fetchall(sql, (limit,)))


async def counts(db: Connection) -> dict[str, int]:
    """Messages by status."""
    rows = await db.execute_fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {str(r[0]): int(r[1]) for r in rows}
