"""SQL for members."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import from_iso, to_iso
from bot.core.model import Actor, Member
from bot.store.db import Connection, Row

UPSERT = """
INSERT INTO members (platform, user_id, display_name, platform_locale, timezone, created_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, user_id) DO UPDATE SET
    display_name = excluded.display_name,
    platform_locale = COALESCE(excluded.platform_locale, members.platform_locale),
    timezone = COALESCE(members.timezone, excluded.timezone)
RETURNING *
"""


def upsert_params(actor: Actor, now: datetime) -> tuple[str | None, ...]:
    """The parameters of the member upsert for `actor`."""
    return (actor.platform, actor.user_id, actor.display_name[:200], actor.platform_locale, actor.timezone,
            to_iso(now))


def row_to_member(row: Row) -> Member:
    """A `members` row as a Member."""
    return Member(
        id=row["id"],
        platform=row["platform"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        locale=row["locale"],
        platform_locale=row["platform_locale"],
        timezone=row["timezone"],
        is_admin=bool(row["is_admin"]),
        joined_at=from_iso(row["joined_at"]) if row["joined_at"] else None,
        created_at=from_iso(row["created_at"]),
    )


async def upsert(db: Connection, actor: Actor, now: datetime) -> Member:
    """Create the member or refresh what the platform says about them; returns the stored row."""
    cursor = await db.execute(UPSERT, upsert_params(actor, now))
    row = await cursor.fetchone()
    assert row is not None
    return row_to_member(row)


async def by_id(db: Connection, member_id: int) -> Member | None:
    """Member `member_id`, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM members WHERE id = ?", (member_id,)))
    return row_to_member(rows[0]) if rows else None


async def by_platform_id(db: Connection, platform: str, user_id: str) -> Member | None:
    """The member with this platform user id, or None."""
    sql = "SELECT * FROM members WHERE platform = ? AND user_id = ?"
    rows = list(await db.execute_fetchall(sql, (platform, user_id)))
    return row_to_member(rows[0]) if rows else None


async def by_name(db: Connection, platform: str, display_name: str) -> Member | None:
    """The first member of the platform with this display name (any case), or None."""
    sql = "SELECT * FROM members WHERE platform = ? AND lower(display_name) = lower(?) ORDER BY id LIMIT 1"
    rows = list(await db.execute_fetchall(sql, (platform, display_name)))
    return row_to_member(rows[0]) if rows else None


async def set_locale(db: Connection, member_id: int, locale: str | None) -> None:
    """Set the member's chosen language (None: the platform's)."""
    await db.execute("UPDATE members SET locale = ? WHERE id = ?", (locale, member_id))


async def set_timezone(db: Connection, member_id: int, timezone: str | None) -> None:
    """Set the member's time zone."""
    await db.execute("UPDATE members SET timezone = ? WHERE id = ?", (timezone, member_id))


async def set_admin(db: Connection, member_id: int, is_admin: bool) -> None:
    """Make the member an admin, or not."""
    await db.execute("UPDATE members SET is_admin = ? WHERE id = ?", (int(is_admin), member_id))


async def mark_joined(db: Connection, member_id: int, now: datetime) -> bool:
    """Record the join time once; True if this is the first join seen."""
    sql = "UPDATE members SET joined_at = ? WHERE id = ? AND joined_at IS NULL"
    cursor = await db.execute(sql, (to_iso(now), member_id))
    return cursor.rowcount == 1


async def first_time_seen(db: Connection, platform: str, event_id: str, now: datetime) -> bool:
    """Remember an incoming event id; False if it was processed before (a retry or duplicate)."""
    sql = "INSERT INTO processed_events VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    cursor = await db.execute(sql, (platform, event_id, to_iso(now)))
    return cursor.rowcount == 1


async def kv_get(db: Connection, key: str) -> str | None:
    """The value stored under `key`, or None."""
    rows = list(await db.execute_fetchall("SELECT value FROM kv WHERE key = ?", (key,)))
    return str(rows[0][0]) if rows else None


async def kv_set(db: Connection, key: str, value: str) -> None:
    """Store `value` under `key`."""
    sql = "INSERT INTO kv VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    await db.execute(sql, (key, value))


async def prune_processed_events(db: Connection, before: datetime) -> int:
    """Forget incoming event ids seen before `before` (platform retries come within minutes)."""
    cursor = await db.execute("DELETE FROM processed_events WHERE seen_at < ?", (to_iso(before),))
    return cursor.rowcount
