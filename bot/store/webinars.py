"""SQL for webinars, RSVPs, reminder preferences, drafts and recording links."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.core.clock import from_iso, to_iso
from bot.core.model import Member
from bot.store.db import Connection, Row
from bot.store.members import row_to_member
from bot.store.webinar_model import Spec, Webinar

SPEC_COLUMNS = ("title", "description", "local_start", "timezone", "duration_min", "language", "link", "rrule",
                "mention")


def spec_from(data: Any) -> Spec:
    """A spec from a webinars row or a draft's payload (one saved before `mention` existed has none)."""
    keys = set(data.keys())
    return Spec(**{name: data[name] for name in SPEC_COLUMNS if name in keys})


def _webinar(row: Row) -> Webinar:
    return Webinar(id=row["id"], status=row["status"], spec=spec_from(row), sequence=row["sequence"],
                   processed_until=from_iso(row["processed_until"]), created_by=row["created_by"],
                   created_at=from_iso(row["created_at"]))


async def insert(db: Connection, spec: Spec, member_id: int, now: datetime) -> Webinar:
    """A new scheduled webinar."""
    sql = f"""INSERT INTO webinars ({", ".join(SPEC_COLUMNS)}, processed_until, created_by, created_at, updated_at)
              VALUES ({", ".join("?" for _ in SPEC_COLUMNS)}, ?, ?, ?, ?) RETURNING *"""
    values = tuple(spec.as_dict()[name] for name in SPEC_COLUMNS)
    cursor = await db.execute(sql, (*values, to_iso(now), member_id, to_iso(now), to_iso(now)))
    row = await cursor.fetchone()
    assert row is not None
    return _webinar(row)


async def update_spec(db: Connection, webinar_id: int, spec: Spec, now: datetime,
                      reschedule: bool) -> Webinar:
    """Save an edit; the sequence grows, and a reschedule restarts the due-time scan at `now`."""
    assignments = ", ".join(f"{name} = ?" for name in SPEC_COLUMNS)
    processed = "?" if reschedule else "processed_until"
    sql = f"""UPDATE webinars SET {assignments}, sequence = sequence + 1, updated_at = ?,
              processed_until = {processed} WHERE id = ? RETURNING *"""
    values = [spec.as_dict()[name] for name in SPEC_COLUMNS] + [to_iso(now)]
    values += [to_iso(now)] if reschedule else []
    cursor = await db.execute(sql, (*values, webinar_id))
    row = await cursor.fetchone()
    assert row is not None
    return _webinar(row)


async def cancel(db: Connection, webinar_id: int, now: datetime) -> bool:
    """Mark cancelled; False if it already was."""
    sql = """UPDATE webinars SET status = 'cancelled', sequence = sequence + 1, updated_at = ?
             WHERE id = ? AND status = 'scheduled'"""
    cursor = await db.execute(sql, (to_iso(now), webinar_id))
    return cursor.rowcount == 1


async def get(db: Connection, webinar_id: int) -> Webinar | None:
    """Webinar `webinar_id`, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM webinars WHERE id = ?", (webinar_id,)))
    return _webinar(rows[0]) if rows else None


async def scheduled(db: Connection) -> list[Webinar]:
    """Every scheduled (not cancelled) webinar."""
    rows = await db.execute_fetchall("SELECT * FROM webinars WHERE status = 'scheduled' ORDER BY id")
    return [_webinar(r) for r in rows]


async def set_processed(db: Connection, webinar_id: int, until: datetime) -> None:
    """Move the webinar's processed-until mark forward (never back)."""
    sql = "UPDATE webinars SET processed_until = ? WHERE id = ? AND processed_until < ?"
    await db.execute(sql, (to_iso(until), webinar_id, to_iso(until)))


# ---- RSVPs -------------------------------------------------------------------------------------


async def set_rsvp(db: Connection, webinar_id: int, member_id: int, answer: str, now: datetime) -> None:
    """Record the member's answer to a webinar."""
    sql = """INSERT INTO webinar_rsvps VALUES (?, ?, ?, ?) ON CONFLICT (webinar_id, member_id)
             DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at"""
    await db.execute(sql, (webinar_id, member_id, answer, to_iso(now)))


async def drop_rsvp(db: Connection, webinar_id: int, member_id: int) -> None:
    """Forget the member's answer to a webinar."""
    await db.execute("DELETE FROM webinar_rsvps WHERE webinar_id = ? AND member_id = ?", (webinar_id, member_id))


async def rsvp_of(db: Connection, webinar_id: int, member_id: int) -> str | None:
    """The member's answer to a webinar, or None."""
    sql = "SELECT answer FROM webinar_rsvps WHERE webinar_id = ? AND member_id = ?"
    rows = list(await db.execute_fetchall(sql, (webinar_id, member_id)))
    return str(rows[0][0]) if rows else None


async def attendees(db: Connection, webinar_id: int,
                    answers: tuple[str, ...] = ("going", "maybe")) -> list[tuple[Member, list[int] | None]]:
    """Members who answered one of `answers`, with their reminder offsets (None: the defaults)."""
    marks = ",".join("?" for _ in answers)
    sql = f"""SELECT m.*, p.offsets AS reminder_offsets FROM webinar_rsvps r
              JOIN members m ON m.id = r.member_id
              LEFT JOIN webinar_reminder_prefs p ON p.member_id = m.id
              WHERE r.webinar_id = ? AND r.answer IN ({marks}) ORDER BY m.id"""
    rows = await db.execute_fetchall(sql, (webinar_id, *answers))
    return [(row_to_member(r), json.loads(r["reminder_offsets"]) if r["reminder_offsets"] else None)
            for r in rows]


async def counts(db: Connection, webinar_id: int) -> dict[str, int]:
    """A webinar's answers, counted."""
    sql = "SELECT answer, COUNT(*) FROM webinar_rsvps WHERE webinar_id = ? GROUP BY answer"
    return {str(r[0]): int(r[1]) for r in await db.execute_fetchall(sql, (webinar_id,))}


# ---- reminder preferences ------------------------------------------------------------------------


async def get_offsets(db: Connection, member_id: int) -> list[int] | None:
    """The member's reminder delays in minutes (None: the default ones)."""
    sql = "SELECT offsets FROM webinar_reminder_prefs WHERE member_id = ?"
    rows = list(await db.execute_fetchall(sql, (member_id,)))
    return list(json.loads(rows[0][0])) if rows else None


async def set_offsets(db: Connection, member_id: int, offsets: list[int] | None, now: datetime) -> None:
    """Save a member's offsets ([] turns reminders off; None goes back to the defaults)."""
    if offsets is None:
        await db.execute("DELETE FROM webinar_reminder_prefs WHERE member_id = ?", (member_id,))
        return
    sql = """INSERT INTO webinar_reminder_prefs VALUES (?, ?, ?) ON CONFLICT (member_id)
             DO UPDATE SET offsets = excluded.offsets, updated_at = excluded.updated_at"""
    await db.execute(sql, (member_id, json.dumps(offsets), to_iso(now)))


# ---- drafts --------------------------------------------------------------------------------------


async def add_draft(db: Connection, member_id: int, spec: Spec, webinar_id: int | None,
                    now: datetime) -> int:
    """A pending draft of a webinar created or edited; its id."""
    sql = "INSERT INTO webinar_drafts (webinar_id, member_id, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id"
    cursor = await db.execute(sql, (webinar_id, member_id, json.dumps(spec.as_dict()), to_iso(now)))
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def get_draft(db: Connection, draft_id: int) -> tuple[int, int | None, Spec, str] | None:
    """(member id, webinar id for an edit, spec, status) of a draft."""
    rows = list(await db.execute_fetchall("SELECT * FROM webinar_drafts WHERE id = ?", (draft_id,)))
    if not rows:
        return None
    row = rows[0]
    return row["member_id"], row["webinar_id"], spec_from(json.loads(row["payload"])), row["status"]


async def replace_draft(db: Connection, draft_id: int, spec: Spec) -> None:
    """Replace a pending draft's details."""
    sql = "UPDATE webinar_drafts SET payload = ? WHERE id = ? AND status = 'pending'"
    await db.execute(sql, (json.dumps(spec.as_dict()), draft_id))


async def close_draft(db: Connection, draft_id: int, status: str) -> bool:
    """Move a pending draft to `status` ('saved' or 'discarded'); False if it was not pending."""
    sql = "UPDATE webinar_drafts SET status = ? WHERE id = ? AND status = 'pending'"
    cursor = await db.execute(sql, (status, draft_id))
    return cursor.rowcount == 1


# ---- recordings ----------------------------------------------------------------------------------


async def set_recording(db: Connection, webinar_id: int, occurrence: datetime, url: str,
                        now: datetime) -> None:
    """Set the recording link of one occurrence."""
    sql = """INSERT INTO webinar_recordings VALUES (?, ?, ?, ?) ON CONFLICT (webinar_id, occurrence)
             DO UPDATE SET url = excluded.url, set_at = excluded.set_at"""
    await db.execute(sql, (webinar_id, to_iso(occurrence), url, to_iso(now)))


async def recordings(db: Connection, webinar_id: int) -> dict[datetime, str]:
    """The recording link of each occurrence that has one."""
    sql = "SELECT occurrence, url FROM webinar_recordings WHERE webinar_id = ?"
    return {from_iso(r[0]): str(r[1]) for r in await db.execute_fetchall(sql, (webinar_id,))}


async def custom_offsets(db: Connection, webinar_id: int) -> set[int]:
    """Every reminder offset chosen by a Going/Maybe member of this webinar."""
    sql = """SELECT p.offsets FROM webinar_reminder_prefs p JOIN webinar_rsvps r ON r.member_id = p.member_id
             WHERE r.webinar_id = ? AND r.answer IN ('going', 'maybe')"""
    return {int(o) for r in await db.execute_fetchall(sql, (webinar_id,)) for o in json.loads(r[0])}

