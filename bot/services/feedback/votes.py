"""Feedback the community steers (issue 21): votes ("Me too"), scopes, and telling the voters.

A vote is a row (item, member); voting twice changes nothing. A vote for a duplicate counts for the item it
duplicates. Marking an item a duplicate copies its votes and its named author onto the target, so they hear
of the target's later changes. Each voter is told of a status change once, in their language, through the
outbox under `feedback:<id>:change:<seq>:voter:<member id>` (the author keeps the `...:dm` key).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.context import UserError
from bot.core.i18n import Catalogs, locale_of
from bot.core.model import Button, Destination, Member, Reply
from bot.core.values.vocab import FEEDBACK_SCOPES
from bot.services.channel_posts import channel_label
from bot.store import feedback as sql
from bot.store import feedback_votes as votes_sql
from bot.store import members as member_sql
from bot.store.db import Connection
from bot.store.feedback import Change, Item, format_ref
from bot.store.feedback_votes import OPEN
from bot.store.feedback_votes import Ranked as Ranked

if TYPE_CHECKING:
    from bot.services.shared import Shared

log = logging.getLogger(__name__)
SCOPES = FEEDBACK_SCOPES
MAX_HOPS = 5  # duplicate chains are short; this only stops a cycle


def scope_label(catalogs: Catalogs, locale: str, scope: str) -> str:
    """A scope's label in `locale` (an unknown one as it is)."""
    return catalogs.t(locale, f"feedback.scope.{scope}") if scope in SCOPES else scope


def vote_button(catalogs: Catalogs, locales: Sequence[str], item_id: int) -> Button:
    """The "+1" button under an item posted in a channel."""
    return Button(channel_label(catalogs, locales, "feedback.button.vote"), "feedback.vote", str(item_id))


async def _resolve(db: Connection, item_id: int) -> Item:
    """The item a vote for `item_id` counts for: itself, or what it duplicates."""
    item = await sql.get(db, item_id)
    if item is None:
        raise UserError("feedback.errors.unknown_ref", ref=format_ref(item_id))
    for _ in range(MAX_HOPS):
        if item.status != "duplicate" or item.duplicate_of is None:
            break
        target = await sql.get(db, item.duplicate_of)
        if target is None:
            break
        item = target
    return item


async def vote(services: Shared, member: Member, item_id: int) -> tuple[Item, bool, int]:
    """Vote for an item; returns (the item voted for, whether the vote is new, its votes)."""
    async with services.store.transaction() as db:
        item = await _resolve(db, item_id)
        if item.status not in OPEN:
            raise UserError("feedback.vote.closed", ref=item.ref)
        if item.member_id == member.id and not item.anonymous:
            raise UserError("feedback.vote.own", ref=item.ref)
        added = await votes_sql.add(db, item.id, member.id, services.clock.now())
        total = await votes_sql.count(db, item.id)
    if added:
        log.info("feedback %s: a vote, %d in all", item.ref, total)
    return item, added, total


async def set_scope(services: Shared, item_id: int, scope: str) -> Item:
    """Set an item's scope; UserError for an unknown item."""
    async with services.store.transaction() as db:
        item = await sql.get(db, item_id)
        if item is None:
            raise UserError("feedback.errors.unknown_ref", ref=format_ref(item_id))
        await votes_sql.set_scope(db, item.id, scope, services.clock.now())
        updated = await sql.get(db, item.id)
    assert updated is not None
    log.info("feedback %s: scope %s", item.ref, scope)
    return updated


async def top_in(db: Connection, limit: int) -> list[tuple[Item, Ranked]]:
    """The most-voted open items, within the caller's transaction."""
    ranked = await votes_sql.top(db, limit)
    items = [await sql.get(db, r.item_id) for r in ranked]
    return [(i, r) for i, r in zip(items, ranked, strict=True) if i is not None]


async def on_change(services: Shared, db: Connection, item: Item, change: Change, key: str) -> None:
    """Within a status change's transaction: merge a duplicate's votes, then queue each voter's DM."""
    from bot.services.feedback import change_text  # the feedback service imports this module
    if change.status == "duplicate" and change.duplicate_of is not None:
        added = await votes_sql.merge(db, item.id, change.duplicate_of)
        log.info("feedback %s: %d vote(s) carried to %s", item.ref, added, format_ref(change.duplicate_of))
    default = services.settings.default_locale
    for member_id in await votes_sql.voters(db, item.id):
        if member_id == item.member_id:
            continue  # the author hears it once, under the author's key
        member = await member_sql.by_id(db, member_id)
        if member is not None:
            locale = locale_of(member, default)
            reply = Reply(change_text(services.catalogs, locale, item, change, "feedback.dm.voter_status"))
            await services.outbox.enqueue(db, f"{key}:voter:{member_id}", Destination.dm(member), reply)
