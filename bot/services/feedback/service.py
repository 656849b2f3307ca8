"""The feedback feature's service (/feedback, its buttons and forms, the dashboard): filing, triage, votes,
scopes and the lists and figures admins read; each public method one transaction, together with the messages
it queues (see bot/services/feedback/__init__.py for the outbox keys)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.context import UserError
from bot.core.i18n import Catalogs, locale_of
from bot.core.model import Destination, Member, Reply
from bot.core.text import inert
from bot.services.channel_posts import channel_locales, channel_text
from bot.services.feedback import (
    OTHER,
    WEBHOOK,
    Change,
    Item,
    Module,
    NewItem,
    category_label,
    change_text,
    check_change,
    excerpt,
    format_ref,
    load_modules,
    status_label,
    triage_buttons,
    votes,
    webhook_body,
    webhook_destination,
)
from bot.services.feedback.report import week_starts, weekly_trend
from bot.services.feedback.votes import Ranked as Ranked
from bot.services.shared import Feature
from bot.store import feedback as sql
from bot.store import members as member_sql
from bot.store.db import Connection
from bot.store.feedback import day_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figures:
    """`/feedback stats`: counts by category, module and status, the ratings, items per week, the webhook."""

    by: dict[str, dict[str, int]]
    average: float | None
    rated: int
    weeks: list[tuple[datetime, int]]
    backlog: dict[str, int]


@dataclass(frozen=True)
class FeedbackService(Feature):
    """The module list and the feedback lifecycle."""

    modules: tuple[Module, ...] = field(default_factory=load_modules)

    @property
    def module_keys(self) -> tuple[str, ...]:
        """Every module an item can name, "other" last."""
        return (*(m.key for m in self.modules), OTHER)

    def module_label(self, catalogs: Catalogs, locale: str, key: str) -> str:
        """A module's label in `locale` (English, else its key, when not translated)."""
        for module in self.modules:
            if module.key == key:
                return module.labels.get(locale) or module.labels.get("en") or key
        return catalogs.t(locale, "feedback.module.other") if key == OTHER else key

    def describe(self, catalogs: Catalogs, locale: str, item: Item) -> str:
        """One line: "FB-0042 · Planned · Usability · Claims · 3/5 · description…"."""
        rating = catalogs.t(locale, "feedback.rating_value", rating=item.rating) if item.rating else ""
        parts = [item.ref, status_label(catalogs, locale, item.status), category_label(catalogs, locale, item.category),
                 self.module_label(catalogs, locale, item.module), rating, excerpt(item.description)]
        return " · ".join(p for p in parts if p)

    # ---- reading ----------------------------------------------------------------------------

    async def item(self, item_id: int) -> Item | None:
        """Item `item_id`, or None."""
        async with self.store.transaction() as db:
            return await sql.get(db, item_id)

    async def search(self, *, status: str | None = None, category: str | None = None, member_id: int | None = None,
                     since: datetime | None = None, limit: int | None = None) -> list[Item]:
        """Items matching every filter given, newest first."""
        async with self.store.transaction() as db:
            return await sql.search(db, status=status, category=category, member_id=member_id, since=since,
                                    limit=limit)

    async def figures(self, now: datetime, weeks: int) -> Figures:
        """Counts by category, module and status, the average rating and the weekly trend."""
        starts = week_starts(now, weeks)
        async with self.store.transaction() as db:
            by = {c: await sql.counts(db, c) for c in ("category", "module", "status")}
            average, rated = await sql.rating_summary(db)
            trend = weekly_trend(await sql.created_since(db, starts[0]), starts)
            backlog = await sql.webhook_backlog(db)
        return Figures(by, average, rated, trend, backlog)

    async def references(self, member_id: int, admin: bool) -> list[Item]:
        """What to offer while a reference is typed: the member's own items (admins: the latest), then the
        most-voted open ones."""
        async with self.store.transaction() as db:
            items = await sql.search(db, limit=25) if admin else await sql.search(db, member_id=member_id, limit=15)
            ranked = await votes.top_in(db, 10)
        return items + [item for item, _ in ranked if item not in items]

    # ---- filing -----------------------------------------------------------------------------

    async def submit(self, new: NewItem, member: Member) -> Item:
        """Store the item and queue its product-channel posts and webhook delivery, in one transaction."""
        now = self.clock.now()
        new = replace(new, description=inert(new.description), steps=inert(new.steps) if new.steps else new.steps)
        async with self.store.transaction() as db:
            item = await sql.insert(db, new, day_of(now) if new.anonymous else now)
            await self._announce(db, item, None if new.anonymous else member)
        if not new.anonymous:  # an anonymous filing is not logged: its time would sit next to the author's lines
            log.info("feedback %s filed by member %s", item.ref, member.id)
        return item

    async def _announce(self, db: Connection, item: Item, author: Member | None) -> None:
        locales = channel_locales(self.settings)
        buttons = (*triage_buttons(self.catalogs, locales, item.id), votes.vote_button(self.catalogs, locales, item.id))
        post = Reply(channel_text(locales, lambda lc: self._post_text(lc, item, author)), buttons=buttons)
        private = item.anonymous  # its rows keep only the day, and go once delivered
        for platform in self.channel_platforms():
            await self.outbox.enqueue(db, f"feedback:{item.id}:new:{platform}",
                                      Destination.channel(platform, self.settings.feedback_channel), post,
                                      private=private)
        if self.settings.feedback_webhook_url:
            body = webhook_body("feedback.created", f"feedback:{item.id}:webhook:new", item, None)
            await self.outbox.enqueue(db, f"feedback:{item.id}:webhook:new", webhook_destination(), Reply(body),
                                      private=private)

    def _post_text(self, locale: str, item: Item, author: Member | None) -> str:
        t = self.catalogs.t
        who = t(locale, "feedback.post.anonymous") if author is None else t(
            locale, "feedback.post.from", name=author.display_name, platform=author.platform)
        rating = t(locale, "feedback.rating_value", rating=item.rating) if item.rating else "–"
        lines = [t(locale, "feedback.post.title", ref=item.ref, who=who, rating=rating,
                   category=category_label(self.catalogs, locale, item.category),
                   module=self.module_label(self.catalogs, locale, item.module)),
                 t(locale, "feedback.post.description", text=item.description)]
        if item.steps:
            lines.append(t(locale, "feedback.post.steps", text=item.steps))
        return "\n".join(lines)

    def channel_platforms(self) -> list[str]:
        """The chat platforms that have a feedback channel."""
        platforms = self.outbox.channel_platforms(self.settings.configured_platforms)
        return [p for p in platforms if p != WEBHOOK]

    # ---- triage -----------------------------------------------------------------------------

    async def change_status(self, admin: Member, item_id: int, status: str, note: str | None = None,
                            duplicate_of: int | None = None) -> tuple[Item, Change | None]:
        """Set an item's status; returns the item and the change (None when nothing changed)."""
        check_change(status, note, duplicate_of, item_id)
        now = self.clock.now()
        async with self.store.transaction() as db:
            item = await self._item_or_error(db, item_id)
            if duplicate_of is not None:
                await self._item_or_error(db, duplicate_of)
            if (item.status, item.duplicate_of) == (status, duplicate_of) and (note or None) in (None, item.note):
                return item, None
            change = await sql.record_change(db, item, status, note or None, duplicate_of, admin.id, now)
            updated = await sql.get(db, item_id)
            assert updated is not None
            await self._tell(db, updated, change)
        log.info("feedback %s: %s -> %s by admin member %s", item.ref, change.previous, status, admin.id)
        return updated, change

    @staticmethod
    async def _item_or_error(db: Connection, item_id: int) -> Item:
        item = await sql.get(db, item_id)
        if item is None:
            raise UserError("feedback.errors.unknown_ref", ref=format_ref(item_id))
        return item

    async def _tell(self, db: Connection, item: Item, change: Change) -> None:
        """Queue the member's DM (unless anonymous), the product channel line and the webhook."""
        settings, catalogs = self.settings, self.catalogs
        key = f"feedback:{item.id}:change:{change.seq}"
        member = await member_sql.by_id(db, item.member_id) if item.member_id is not None else None
        if member is not None and not item.anonymous:
            locale = locale_of(member, settings.default_locale)
            text = change_text(catalogs, locale, item, change, "feedback.dm.status")
            await self.outbox.enqueue(db, f"{key}:dm", Destination.dm(member), Reply(text))
        await votes.on_change(self, db, item, change, key)
        line = Reply(channel_text(channel_locales(settings),
                                  lambda lc: change_text(catalogs, lc, item, change, "feedback.post.status")))
        for platform in self.channel_platforms():
            await self.outbox.enqueue(db, f"{key}:{platform}", Destination.channel(platform, settings.feedback_channel),
                                      line, private=item.anonymous)
        if settings.feedback_webhook_url:
            body = webhook_body("feedback.status_changed", f"{key}:webhook", item, change)
            await self.outbox.enqueue(db, f"{key}:webhook", webhook_destination(), Reply(body),
                                      private=item.anonymous)

    # ---- votes and scopes (bot/services/feedback/votes.py) ------------------------------------

    async def vote(self, member: Member, item_id: int) -> tuple[Item, bool, int]:
        """Vote for an item; returns (the item voted for, whether the vote is new, its votes)."""
        return await votes.vote(self, member, item_id)

    async def set_scope(self, item_id: int, scope: str) -> Item:
        """Set an item's scope (core, country, undecided)."""
        return await votes.set_scope(self, item_id, scope)

    async def top(self, limit: int) -> list[tuple[Item, Ranked]]:
        """The most-voted open items."""
        async with self.store.transaction() as db:
            return await votes.top_in(db, limit)
