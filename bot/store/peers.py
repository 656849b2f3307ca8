"""SQL for peer matching: participants, exclusions, rounds, groups, check-in answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import from_iso, to_iso
from bot.core.model import Member
from bot.core.taxonomy import STAGES
from bot.store.db import Connection, Row
from bot.store.members import row_to_member

ANSWERS = ("yes", "not_yet", "no")


@dataclass(frozen=True)
class Participant:
    """A member in peer matching."""

    member_id: int
    status: str  # active | left | paused
    wants_mentor: bool
    snoozed_until: datetime | None
    ignored_checkins: int


@dataclass(frozen=True)
class Round:
    """A peer round."""

    id: int
    kind: str
    slot: datetime
    started_at: datetime
    checkin_at: datetime
    ends_at: datetime
    checkin_sent: bool
    closed: bool


@dataclass(frozen=True)
class GroupSeat:
    """A member's seat in a round's group, with their check-in answer."""

    group_id: int
    round_id: int
    platform: str
    language: str
    member_id: int
    answer: str | None


def _participant(row: Row) -> Participant:
    until = row["snoozed_until"]
    return Participant(row["member_id"], row["status"], bool(row["wants_mentor"]),
                       from_iso(until) if until else None, row["ignored_checkins"])


def _round(row: Row) -> Round:
    return Round(row["id"], row["kind"], from_iso(row["slot"]), from_iso(row["started_at"]),
                 from_iso(row["checkin_at"]), from_iso(row["ends_at"]), bool(row["checkin_sent"]),
                 bool(row["closed"]))


async def participant(db: Connection, member_id: int) -> Participant | None:
    """The member's peer-matching row, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM peer_participants WHERE member_id = ?", (member_id,)))
    return _participant(rows[0]) if rows else None


async def join(db: Connection, member_id: int, wants_mentor: bool, now: datetime) -> None:
    """Take part (again): active, not snoozed, ignored check-ins forgotten."""
    sql = """INSERT INTO peer_participants (member_id, status, wants_mentor, joined_at, updated_at)
             VALUES (?, 'active', ?, ?, ?)
             ON CONFLICT (member_id) DO UPDATE SET status = 'active', wants_mentor = excluded.wants_mentor,
                 snoozed_until = NULL, ignored_checkins = 0, updated_at = excluded.updated_at"""
    await db.execute(sql, (member_id, int(wants_mentor), to_iso(now), to_iso(now)))


async def set_status(db: Connection, member_id: int, status: str, now: datetime) -> bool:
    """Set a participant's status (active, paused, left); False when not a participant."""
    sql = "UPDATE peer_participants SET status = ?, ignored_checkins = 0, updated_at = ? WHERE member_id = ?"
    cursor = await db.execute(sql, (status, to_iso(now), member_id))
    return cursor.rowcount == 1


async def snooze(db: Connection, member_id: int, until: datetime | None, now: datetime) -> bool:
    """Pause a participant until `until` (None: resume); False when not a participant."""
    sql = "UPDATE peer_participants SET snoozed_until = ?, updated_at = ? WHERE member_id = ?"
    cursor = await db.execute(sql, (to_iso(until) if until else None, to_iso(now), member_id))
    return cursor.rowcount == 1


async def available(db: Connection, at: datetime) -> list[Participant]:
    """Active participants who are not snoozed at `at`."""
    sql = """SELECT * FROM peer_participants WHERE status = 'active'
             AND (snoozed_until IS NULL OR snoozed_until <= ?) ORDER BY member_id"""
    return [_participant(r) for r in await db.execute_fetchall(sql, (to_iso(at),))]


async def exclude(db: Connection, member_id: int, excluded_id: int, now: datetime) -> bool:
    """Never match the member with `excluded_id`; False when already so."""
    sql = "INSERT INTO peer_exclusions VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    cursor = await db.execute(sql, (member_id, excluded_id, to_iso(now)))
    return cursor.rowcount == 1


async def exclusions(db: Connection) -> dict[int, set[int]]:
    """member -> everyone they excluded."""
    found: dict[int, set[int]] = {}
    for row in await db.execute_fetchall("SELECT member_id, excluded_id FROM peer_exclusions"):
        found.setdefault(row[0], set()).add(row[1])
    return found


async def create_round(db: Connection, kind: str, slot: datetime, started: datetime,
                       checkin: datetime, ends: datetime) -> int | None:
    """A new round; None if this slot already has one (a replay)."""
    sql = """INSERT INTO peer_rounds (kind, slot, started_at, checkin_at, ends_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (kind, slot) DO NOTHING RETURNING id"""
    rows = list(await db.execute_fetchall(sql, (kind, to_iso(slot), to_iso(started), to_iso(checkin),
                                                to_iso(ends))))
    return int(rows[0][0]) if rows else None


async def set_score(db: Connection, round_id: int, score: int) -> None:
    """Add a platform's plan score to the round's."""
    await db.execute("UPDATE peer_rounds SET score = score + ? WHERE id = ?", (score, round_id))


async def latest_start(db: Connection) -> datetime | None:
    """The slot of the latest round, scheduled or manual (the cadence runs on from it)."""
    rows = list(await db.execute_fetchall("SELECT MAX(slot) FROM peer_rounds"))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None


async def busy(db: Connection, at: datetime) -> dict[int, tuple[int, datetime]]:
    """member -> (round id, end) for everyone in a group of a round still open at `at`."""
    sql = """SELECT m.member_id, r.id, r.ends_at FROM peer_group_members m
             JOIN peer_groups g ON g.id = m.group_id JOIN peer_rounds r ON r.id = g.round_id
             WHERE r.closed = 0 AND r.ends_at > ? ORDER BY r.id"""
    return {row[0]: (row[1], from_iso(row[2])) for row in await db.execute_fetchall(sql, (to_iso(at),))}


async def rounds_due(db: Connection, now: datetime) -> tuple[list[Round], list[Round]]:
    """Rounds whose check-in is due but unsent, and rounds that ended but are not closed."""
    checkins = await db.execute_fetchall(
        "SELECT * FROM peer_rounds WHERE checkin_sent = 0 AND checkin_at <= ? ORDER BY id", (to_iso(now),))
    ends = await db.execute_fetchall(
        "SELECT * FROM peer_rounds WHERE closed = 0 AND ends_at <= ? ORDER BY id", (to_iso(now),))
    return [_round(r) for r in checkins], [_round(r) for r in ends]


async def next_round_event(db: Connection) -> datetime | None:
    """The earliest unsent check-in or unclosed round end."""
    sql = """SELECT MIN(t) FROM (SELECT checkin_at AS t FROM peer_rounds WHERE checkin_sent = 0
             UNION ALL SELECT ends_at AS t FROM peer_rounds WHERE closed = 0) AS due"""
    rows = list(await db.execute_fetchall(sql))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None


async def mark_round(db: Connection, round_id: int, *, checkin_sent: bool = False,
                     closed: bool = False) -> None:
    """Note that a round's check-in went out, or that it is closed."""
    if checkin_sent:
        await db.execute("UPDATE peer_rounds SET checkin_sent = 1 WHERE id = ?", (round_id,))
    if closed:
        await db.execute("UPDATE peer_rounds SET closed = 1 WHERE id = ?", (round_id,))


async def add_group(db: Connection, round_id: int, platform: str, language: str,
                    member_ids: list[int]) -> int:
    """A new group of the round with its members; its id."""
    sql = "INSERT INTO peer_groups (round_id, platform, language) VALUES (?, ?, ?) RETURNING id"
    cursor = await db.execute(sql, (round_id, platform, language))
    row = await cursor.fetchone()
    group_id = int(row["id"])
    await db.executemany("INSERT INTO peer_group_members (group_id, member_id) VALUES (?, ?)",
                         [(group_id, m) for m in member_ids])
    return group_id


async def add_unmatched(db: Connection, round_id: int, member_id: int, reason: str) -> None:
    """Note that the member found no partner this round, and why."""
    sql = "INSERT INTO peer_unmatched VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    await db.execute(sql, (round_id, member_id, reason))


SEATS = """SELECT g.id AS group_id, g.round_id, g.platform, g.language, m.member_id, m.answer
           FROM peer_groups g JOIN peer_group_members m ON m.group_id = g.id"""


def _seat(row: Row) -> GroupSeat:
    return GroupSeat(row["group_id"], row["round_id"], row["platform"], row["language"], row["member_id"],
                     row["answer"])


async def seats(db: Connection, round_id: int) -> list[GroupSeat]:
    """Every seat of the round's groups."""
    rows = await db.execute_fetchall(SEATS + " WHERE g.round_id = ? ORDER BY g.id, m.member_id", (round_id,))
    return [_seat(r) for r in rows]


async def group(db: Connection, group_id: int) -> list[GroupSeat]:
    """The seats of one group."""
    rows = await db.execute_fetchall(SEATS + " WHERE g.id = ? ORDER BY m.member_id", (group_id,))
    return [_seat(r) for r in rows]


async def latest_group_of(db: Connection, member_id: int) -> list[GroupSeat]:
    """Everyone in this member's most recent group (empty if never matched)."""
    rows = list(await db.execute_fetchall(
        "SELECT MAX(group_id) FROM peer_group_members WHERE member_id = ?", (member_id,)))
    return await group(db, int(rows[0][0])) if rows and rows[0][0] else []


async def history(db: Connection, platform: str, rounds: int) -> list[list[list[int]]]:
    """Groups of the last `rounds` rounds on this platform, oldest round first."""
    if rounds <= 0:
        return []
    ids = [r[0] for r in await db.execute_fetchall(
        "SELECT DISTINCT round_id FROM peer_groups WHERE platform = ? ORDER BY round_id DESC LIMIT ?",
        (platform, rounds))]
    found: list[list[list[int]]] = []
    for round_id in reversed(ids):
        by_group: dict[int, list[int]] = {}
        for seat in await seats(db, round_id):
            by_group.setdefault(seat.group_id, []).append(seat.member_id)
        found.append(list(by_group.values()))
    return found


async def answer(db: Connection, group_id: int, member_id: int, value: str, now: datetime) -> bool:
    """Record a check-in answer; False if the member is not in that group. Answering resets ignores."""
    cursor = await db.execute(
        "UPDATE peer_group_members SET answer = ?, answered_at = ? WHERE group_id = ? AND member_id = ?",
        (value, to_iso(now), group_id, member_id))
    if cursor.rowcount != 1:
        return False
    await db.execute("UPDATE peer_participants SET ignored_checkins = 0 WHERE member_id = ?", (member_id,))
    return True


async def count_ignored(db: Connection, round_id: int, pause_after: int,
                        now: datetime) -> list[int]:
    """Close a round: who did not answer gets one more ignored check-in; returns those now paused."""
    silent = [r[0] for r in await db.execute_fetchall(
        """SELECT m.member_id FROM peer_group_members m JOIN peer_groups g ON g.id = m.group_id
           WHERE g.round_id = ? AND m.answer IS NULL""", (round_id,))]
    paused = []
    for member_id in silent:
        rows = list(await db.execute_fetchall(
            """UPDATE peer_participants SET ignored_checkins = ignored_checkins + 1, updated_at = ?
               WHERE member_id = ? RETURNING ignored_checkins, status""", (to_iso(now), member_id)))
        if rows and rows[0][0] >= pause_after and rows[0][1] == "active":
            await db.execute("UPDATE peer_participants SET status = 'paused' WHERE member_id = ?", (member_id,))
            paused.append(member_id)
    return paused


async def all_participants(db: Connection) -> list[Participant]:
    """Every peer-matching participant."""
    return [_participant(r) for r in await db.execute_fetchall("SELECT * FROM peer_participants")]


async def all_seats(db: Connection) -> list[GroupSeat]:
    """Every seat of every group."""
    return [_seat(r) for r in await db.execute_fetchall(SEATS + " ORDER BY g.id")]


async def round_count(db: Connection) -> int:
    """How many rounds there were."""
    rows = list(await db.execute_fetchall("SELECT COUNT(*) FROM peer_rounds"))
    return int(rows[0][0])


async def members(db: Connection, member_ids: list[int]) -> dict[int, Member]:
    """Members by id (SQLite allows many parameters; rounds load their participants at once)."""
    found: dict[int, Member] = {}
    for start in range(0, len(member_ids), 500):
        chunk = member_ids[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        rows = await db.execute_fetchall(f"SELECT * FROM members WHERE id IN ({marks})", tuple(chunk))
        found.update({r["id"]: row_to_member(r) for r in rows})
    return found


async def first_join(db: Connection) -> datetime | None:
    """When the first member took part (joined, or said yes to peer introductions during onboarding)."""
    sql = """SELECT MIN(t) FROM (SELECT joined_at AS t FROM peer_participants
             UNION ALL SELECT updated_at AS t FROM profiles WHERE peer_consent = 1) AS due"""
    rows = list(await db.execute_fetchall(sql))
    return from_iso(rows[0][0]) if rows and rows[0][0] else None


async def enrol_consenting(db: Connection, now: datetime) -> int:
    """Members who said yes to peer introductions in their profile (onboarding) and gave everything matching
    needs take part without /peers join; their row lets them leave, snooze or be paused like everyone else.
    Someone who left keeps their row, so they stay out until /peers join."""
    marks = ",".join("?" for _ in STAGES)
    sql = f"""INSERT INTO peer_participants (member_id, status, wants_mentor, joined_at, updated_at)
              SELECT member_id, 'active', 0, updated_at, ? FROM profiles
              WHERE peer_consent = 1 AND stage IN ({marks}) AND languages != '[]' AND interests != '[]'
                  AND country IS NOT NULL AND country != ''
              ON CONFLICT (member_id) DO NOTHING"""
    cursor = await db.execute(sql, (to_iso(now), *STAGES))
    return cursor.rowcount
