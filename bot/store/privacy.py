"""SQL for /mydata and /forget-me: find, export and erase what the database holds about one member.

Tables that reference `members` through a foreign key are found from the schema itself, so a table added
by a later feature is exported and erased even if that feature registers no privacy step of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.core.model import Member
from bot.store.db import Connection

MIN_NAME = 3  # a display name shorter than this is not looked for as a word in posts (too many false hits)
ERASED_PAYLOAD = json.dumps({"text": "", "buttons": [], "ephemeral": False, "file": None})
# Rows addressed to the member, by platform id: a DM, or a group DM they are in.
_OUTBOX_TO = """((platform = ? AND kind = 'dm' AND target = ?)
    OR (platform = ? AND kind = 'group' AND instr(',' || target || ',', ',' || ? || ',') > 0))"""
# On erase only, also any row whose text mentions them (erasing too much is safe; exporting is not).
_OUTBOX_MATCH = f"""({_OUTBOX_TO} OR instr(payload, ?) > 0 OR instr(COALESCE(fallback, ''), ?) > 0)"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _mention_marker(member: Member) -> str:
    """What every mention token of this member contains (see bot.core.text.mention)."""
    return f"@:{member.user_id}|"


def _outbox_params(member: Member) -> tuple[str, ...]:
    marker = _mention_marker(member)
    return (member.platform, member.user_id, member.platform, member.user_id, marker, marker)


async def tables(db: Connection) -> list[str]:
    """Every table of the database (sqlite_master), internal ones excluded."""
    rows = await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [str(r[0]) for r in rows]


@dataclass(frozen=True)
class Reference:
    """A column holding a member id, with what its foreign key says should happen when the member goes."""

    table: str
    column: str
    on_delete: str  # CASCADE, SET NULL, NO ACTION, RESTRICT, SET DEFAULT
    nullable: bool

    @property
    def unlinks(self) -> bool:
        """True when the row should outlive the member (the link is cleared), False when it goes with them."""
        return self.on_delete == "SET NULL" or (self.on_delete != "CASCADE" and self.nullable)


async def member_references(db: Connection) -> list[Reference]:
    """Every column whose foreign key points at members.id."""
    found: list[Reference] = []
    for table in await tables(db):
        notnull = {r["name"]: bool(r["notnull"]) for r in await db.execute_fetchall(
            f"PRAGMA table_info({_quote(table)})")}
        for fk in await db.execute_fetchall(f"PRAGMA foreign_key_list({_quote(table)})"):
            if fk["table"] == "members" and fk["to"] in (None, "id"):
                column = str(fk["from"])
                found.append(Reference(table, column, str(fk["on_delete"]).upper(), not notnull.get(column, False)))
    return found


async def user_id_tables(db: Connection) -> list[tuple[str, bool]]:
    """Tables other than members that key rows by a platform `user_id` column (no foreign key to follow),
    e.g. a door's per-user state; with whether they also have a `platform` column."""
    found: list[tuple[str, bool]] = []
    for table in await tables(db):
        columns = {r["name"] for r in await db.execute_fetchall(f"PRAGMA table_info({_quote(table)})")}
        if table != "members" and "user_id" in columns:
            found.append((table, "platform" in columns))
    return found


def _user_filter(has_platform: bool) -> str:
    return "user_id = ? AND platform = ?" if has_platform else "user_id = ?"


async def user_rows(db: Connection, table: str, has_platform: bool, member: Member) -> list[dict[str, Any]]:
    """The table's rows naming the member's platform user id."""
    params = (member.user_id, member.platform) if has_platform else (member.user_id,)
    sql = f"SELECT * FROM {_quote(table)} WHERE {_user_filter(has_platform)}"
    return [dict(r) for r in await db.execute_fetchall(sql, params)]


async def delete_user_rows(db: Connection, table: str, has_platform: bool, member: Member) -> int:
    """Delete the table's rows naming the member's platform user id; how many."""
    params = (member.user_id, member.platform) if has_platform else (member.user_id,)
    cursor = await db.execute(f"DELETE FROM {_quote(table)} WHERE {_user_filter(has_platform)}", params)
    return cursor.rowcount


async def unlink_where(db: Connection, table: str, column: str, value: Any) -> int:
    """Set `column` to NULL where it is `value`; how many rows."""
    sql = f"UPDATE {_quote(table)} SET {_quote(column)} = NULL WHERE {_quote(column)} = ?"
    cursor = await db.execute(sql, (value,))
    return cursor.rowcount


async def rows_where(db: Connection, table: str, column: str, value: Any) -> list[dict[str, Any]]:
    """The table's rows where `column` is `value`."""
    sql = f"SELECT * FROM {_quote(table)} WHERE {_quote(column)} = ?"
    return [dict(r) for r in await db.execute_fetchall(sql, (value,))]


async def delete_where(db: Connection, table: str, column: str, value: Any) -> int:
    """Delete the table's rows where `column` is `value`; how many."""
    cursor = await db.execute(f"DELETE FROM {_quote(table)} WHERE {_quote(column)} = ?", (value,))
    return cursor.rowcount


async def member_row(db: Connection, member_id: int) -> dict[str, Any] | None:
    """The member's `members` row, or None."""
    rows = await rows_where(db, "members", "id", member_id)
    return rows[0] if rows else None


def _keys_filter(keys: tuple[str, ...]) -> str:
    """`keys` are LIKE patterns of idempotency keys built from ids (e.g. 'feedback:12:new:%')."""
    return "".join(" OR idempotency_key LIKE ?" for _ in keys)


async def outbox_rows(db: Connection, member: Member, keys: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Messages to this member (by platform id) and the rows a feature names as theirs (by key, built from
    ids): never selected by matching text, which another member could have written."""
    sql = f"""SELECT idempotency_key, platform, kind, target, payload, status, created_at, sent_at, last_error
              FROM outbox WHERE {_OUTBOX_TO}{_keys_filter(keys)} ORDER BY id"""
    params = (member.platform, member.user_id, member.platform, member.user_id, *keys)
    return [dict(r) for r in await db.execute_fetchall(sql, params)]


async def posts_to_edit(db: Connection, member: Member, keys: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Posts already on the platform that may name the member, with what it takes to edit them: channel posts
    sent with the platform's reference (named by a part's key, or mentioning the member, or holding their
    display name), and earlier edits (a post naming two members, edited when the first was forgotten)."""
    names = " OR instr(payload, ?) > 0" if len(member.display_name) >= MIN_NAME else ""
    sql = f"""SELECT id, platform, kind, target, payload, platform_ref FROM outbox
              WHERE ((kind = 'channel' AND status = 'sent' AND COALESCE(platform_ref, '') != '')
                     OR (kind = 'edit' AND status IN ('pending', 'sent')))
              AND (instr(payload, ?) > 0{names}{_keys_filter(keys)}) ORDER BY id"""
    params = (_mention_marker(member), *((member.display_name,) if names else ()), *keys)
    return [dict(r) for r in await db.execute_fetchall(sql, params)]


async def erase_outbox(db: Connection, member: Member, keys: tuple[str, ...] = ()) -> tuple[int, int]:
    """Delete messages not yet sent; strip recipient and content from the others (their keys stay, so
    a replayed event still queues nothing). Returns (deleted, anonymised)."""
    where = f"({_OUTBOX_MATCH}{_keys_filter(keys)})"
    params = (*_outbox_params(member), *keys)
    cursor = await db.execute(f"DELETE FROM outbox WHERE status IN ('pending', 'sending') AND {where}", params)
    deleted = cursor.rowcount
    sql = f"""UPDATE outbox SET target = 'erased', payload = ?, fallback = NULL, last_error = NULL,
              platform_ref = NULL WHERE {where}"""
    cursor = await db.execute(sql, (ERASED_PAYLOAD, *params))
    return deleted, cursor.rowcount


async def erase_processed_events(db: Connection, member: Member) -> int:
    """Event ids with the member's user id as one of their ':'-separated parts (the console's join:<name>,
    Discord's join:<guild>:<user>:<time>); opaque ids such as Slack's stay."""
    sql = """DELETE FROM processed_events WHERE platform = ?
             AND instr(':' || event_id || ':', ':' || ? || ':') > 0"""
    cursor = await db.execute(sql, (member.platform, member.user_id))
    return cursor.rowcount


async def anonymise_member(db: Connection, member_id: int) -> None:
    """Keep the row (other tables may count on it) but nothing that identifies the person."""
    sql = """UPDATE members SET user_id = 'erased-' || id, display_name = '', locale = NULL,
             platform_locale = NULL, timezone = NULL, is_admin = 0, joined_at = NULL WHERE id = ?"""
    await db.execute(sql, (member_id,))
