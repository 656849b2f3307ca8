"""What the bot stores about a member: export it all (/mydata) or erase it all (/forget-me).

Each feature registers a `PrivacyPart` in its ROUTES (`privacy=(...)`) for its own tables; this module
runs them, then a generic step over every other table with a foreign key to `members` (found from the
schema) which does what the foreign key declares for a deleted member: rows whose key is ON DELETE SET NULL
(or nullable without CASCADE, e.g. webinars.created_by) are kept and unlinked, the others are deleted;
then rows of tables keyed by a platform `user_id` column (a door's per-user state) are deleted; then the
core tables: outbox, processed events, and finally the member row itself, which is
anonymised (kept as an empty shell so counts elsewhere stay consistent).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.clock import to_iso
from bot.core.model import Member
from bot.core.routes import PrivacyPart
from bot.services.privacy.posts import Redact, queue_edits
from bot.store import privacy as sql
from bot.store.db import Connection

if TYPE_CHECKING:
    from bot.services.outbox import Outbox

log = logging.getLogger(__name__)


class ProfilePart:
    """The onboarding profile: exported as stored, deleted on erase."""

    name: str = "profile"
    tables: tuple[str, ...] = ("profiles",)

    async def export(self, db: Connection, member: Member) -> Any:
        """The member's profile row."""
        return await sql.rows_where(db, "profiles", "member_id", member.id)

    async def erase(self, db: Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        """Delete the member's profile."""
        await sql.delete_where(db, "profiles", "member_id", member.id)
        return []


async def export(db: Connection, member: Member, parts: tuple[PrivacyPart[Connection], ...],
                 now: datetime) -> dict[str, Any]:
    """Everything stored about `member`, keyed by part or table name."""
    data: dict[str, Any] = {"exported_at": to_iso(now), "member": await sql.member_row(db, member.id)}
    for part in parts:
        data[part.name] = await part.export(db, member)
    for ref in await _unclaimed(db, parts):
        data.setdefault(ref.table, []).extend(await sql.rows_where(db, ref.table, ref.column, member.id))
    for table, has_platform in await sql.user_id_tables(db):
        if table not in claimed(parts):
            data.setdefault(table, []).extend(await sql.user_rows(db, table, has_platform, member))
    data["messages"] = await sql.outbox_rows(db, member, await outbox_keys(db, member, parts))
    return data


async def outbox_keys(db: Connection, member: Member, parts: tuple[PrivacyPart[Connection], ...]) -> tuple[str, ...]:
    """Idempotency-key patterns of outbox rows that name the member, from the parts that have some
    (an optional `outbox_keys(db, member)` method): e.g. a named feedback item's product-channel post."""
    keys: list[str] = []
    for part in parts:
        method = getattr(part, "outbox_keys", None)
        if method is not None:
            keys.extend(await method(db, member))
    return tuple(keys)


def forget_cached(outbox: Outbox, member: Member) -> None:
    """Ask the member's door to drop what it remembers of them in memory (DM channels, profile facts)."""
    forget = getattr(outbox.messengers.get(member.platform), "forget", None)
    if forget is not None:
        forget(member.user_id)


def export_json(data: dict[str, Any]) -> bytes:
    """The export as UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def erase(db: Connection, member: Member, parts: tuple[PrivacyPart[Connection], ...], now: datetime,
                edits: tuple[Outbox, Redact] | None = None) -> list[tuple[str, int]]:
    """Delete or anonymise every trace of `member`; returns what was kept anonymously. With `edits` (the
    outbox and a redactor, see bot/services/privacy/posts.py), the posts naming them are edited on the platforms."""
    kept: list[tuple[str, int]] = []
    keys = await outbox_keys(db, member, parts)  # before the parts unlink the rows these are found from
    if edits is not None:
        edited = await queue_edits(db, edits[0], member, keys, edits[1])
        if edited:
            kept.append(("privacy.kept.edited", edited))
    for part in parts:
        kept.extend(await part.erase(db, member, now))
    unlinked = 0
    for ref in await _unclaimed(db, parts):
        if ref.unlinks:
            unlinked += await sql.unlink_where(db, ref.table, ref.column, member.id)
        else:
            deleted = await sql.delete_where(db, ref.table, ref.column, member.id)
            log.info("forget-me: deleted %d row(s) of %s for member %s", deleted, ref.table, member.id)
    if unlinked:
        kept.append(("privacy.kept.unlinked", unlinked))
    for table, has_platform in await sql.user_id_tables(db):
        if table not in claimed(parts):
            await sql.delete_user_rows(db, table, has_platform, member)
    _, anonymised = await sql.erase_outbox(db, member, keys)
    if anonymised:
        kept.append(("privacy.kept.messages", anonymised))
    await sql.erase_processed_events(db, member)
    await sql.anonymise_member(db, member.id)
    kept.append(("privacy.kept.member", 1))
    return kept


def claimed(parts: tuple[PrivacyPart[Connection], ...]) -> set[str]:
    """Tables a registered part takes care of."""
    return {table for part in parts for table in part.tables}


async def _unclaimed(db: Connection, parts: tuple[PrivacyPart[Connection], ...]) -> list[sql.Reference]:
    return [ref for ref in await sql.member_references(db) if ref.table not in claimed(parts)]

