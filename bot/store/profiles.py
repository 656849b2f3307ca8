"""SQL for member profiles (filled during onboarding, used by peer matching)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.clock import from_iso, to_iso
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class Profile:
    """A member's profile."""

    member_id: int
    role: str | None = None
    country: str | None = None  # ISO 3166 alpha-2
    organisation: str | None = None
    stage: str | None = None  # bot.core.taxonomy.STAGES or NOT_IMPLEMENTING
    languages: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    peer_consent: bool = False
    onboarding_done: bool = False

    def with_changes(self, **changes: object) -> Profile:
        """A copy with the fields given changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _row_to_profile(row: Row) -> Profile:
    return Profile(
        member_id=row["member_id"],
        role=row["role"],
        country=row["country"],
        organisation=row["organisation"],
        stage=row["stage"],
        languages=tuple(json.loads(row["languages"])),
        interests=tuple(json.loads(row["interests"])),
        peer_consent=bool(row["peer_consent"]),
        onboarding_done=bool(row["onboarding_done"]),
    )


async def get(db: Connection, member_id: int) -> Profile:
    """The member's profile (an empty one if they have none yet)."""
    rows = list(await db.execute_fetchall("SELECT * FROM profiles WHERE member_id = ?", (member_id,)))
    return _row_to_profile(rows[0]) if rows else Profile(member_id)


async def get_many(db: Connection, member_ids: list[int]) -> dict[int, Profile]:
    """The profiles of these members, by member id (none for a member without one)."""
    if not member_ids:
        return {}
    marks = ",".join("?" for _ in member_ids)
    rows = await db.execute_fetchall(f"SELECT * FROM profiles WHERE member_id IN ({marks})", tuple(member_ids))
    return {row["member_id"]: _row_to_profile(row) for row in rows}


async def save(db: Connection, profile: Profile, now: datetime) -> None:
    """Insert or replace the member's profile."""
    sql = """INSERT INTO profiles (member_id, role, country, organisation, stage, languages, interests,
                                   peer_consent, onboarding_done, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (member_id) DO UPDATE SET role = excluded.role, country = excluded.country,
                 organisation = excluded.organisation, stage = excluded.stage, languages = excluded.languages,
                 interests = excluded.interests, peer_consent = excluded.peer_consent,
                 onboarding_done = excluded.onboarding_done, updated_at = excluded.updated_at"""
    await db.execute(sql, (
        profile.member_id, profile.role, profile.country, profile.organisation, profile.stage,
        json.dumps(list(profile.languages)), json.dumps(list(profile.interests)),
        int(profile.peer_consent), int(profile.onboarding_done), to_iso(now),
    ))


async def set_asking(db: Connection, member_id: int, step: str | None, now: datetime) -> None:
    """Remember the onboarding question just shown (None: none is pending any more)."""
    await db.execute("""INSERT INTO profiles (member_id, updated_at, asking, asking_since) VALUES (?, ?, ?, ?)
                        ON CONFLICT (member_id) DO UPDATE SET asking = excluded.asking,
                            asking_since = excluded.asking_since""",
                     (member_id, to_iso(now), step, to_iso(now) if step else None))


async def asking(db: Connection, member_id: int) -> tuple[str, datetime] | None:
    """The onboarding question pending for the member and since when, if any."""
    rows = list(await db.execute_fetchall("SELECT asking, asking_since FROM profiles WHERE member_id = ?",
                                          (member_id,)))
    if not rows or not rows[0]["asking"] or not rows[0]["asking_since"]:
        return None
    return str(rows[0]["asking"]), from_iso(rows[0]["asking_since"])
