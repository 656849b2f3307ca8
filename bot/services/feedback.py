"""Usability feedback: filing an item, triaging it, and telling the member what became of it.

Each change happens in one transaction together with the messages it causes (product channel post,
the member's DM, the webhook delivery), all queued in the outbox under deterministic keys:
`feedback:<id>:new:<platform>`, `feedback:<id>:change:<seq>:dm`, `feedback:<id>:change:<seq>:<platform>`,
`feedback:<id>:webhook:new`, `feedback:<id>:change:<seq>:webhook`.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.clock import to_iso
from bot.core.context import UserError
from bot.core.i18n import SUPPORTED, Catalogs, locale_of
from bot.core.model import Button, Destination, Member, Reply
from bot.core.text import inert
from bot.core.values import fold
from bot.core.values.vocab import FEEDBACK_CATEGORIES, FEEDBACK_STATUSES
from bot.services import feedback_votes as votes
from bot.services.channel_posts import channel_label, channel_locales, channel_text
from bot.store import feedback as sql
from bot.store import members as member_sql
from bot.store.db import Connection
from bot.store.feedback import RANDOM_BASE, Change, Item, NewItem, day_of, format_ref, random_ref_id

if TYPE_CHECKING:
    from bot.services.container import Services

log = logging.getLogger(__name__)
CONTENT = Path(__file__).resolve().parents[2] / "content" / "feedback" / "modules.toml"
CATEGORIES = FEEDBACK_CATEGORIES
STATUSES = FEEDBACK_STATUSES
SETTABLE = STATUSES[1:]
BUTTON_STATUSES = ("triaged", "planned", "done", "declined")
QUICK_CATEGORY = "usability"
OTHER = "other"
MAX_DESCRIPTION = 2000
MAX_STEPS = 500
MAX_NOTE = 500
REF = re.compile(r"^(fb-?)?([0-9a-z]{1,9})$", re.IGNORECASE)
WEBHOOK = "webhook"


def parse_ref(text: str) -> int | None:
    """The item id of a reference: "FB-7Q3K", "fb7q3k" (random, see bot.store.feedback; the FB is needed,
    so that a four-letter word is never taken for one), or of an item filed before those: "FB-0042", "fb42",
    "42" -> 42; None if it is not a reference."""
    match = REF.match(text.strip())
    if match is None:
        return None
    prefix, code = match.groups()
    if code.isdigit():
        number = int(code)
        return number if 0 < number < RANDOM_BASE else None
    return random_ref_id(code) if prefix else None


@dataclass(frozen=True)
class Module:
    key: str
    labels: dict[str, str]


def load_modules(path: Path = CONTENT) -> tuple[Module, ...]:
    """The modules/areas from content/feedback/modules.toml ("other" is added by the service)."""
    if not path.is_file():
        log.warning("feedback: %s not found; only 'other' is offered", path)
        return ()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modules = []
    for entry in data.get("module", []):
        key = str(entry.get("key", "")).strip().lower()
        if key and key != OTHER and re.fullmatch(r"[a-z0-9_-]{1,40}", key):
            modules.append(Module(key, {k: str(v) for k, v in entry.items() if k != "key"}))
        else:
            log.warning("feedback: ignoring module entry %r in %s", entry, path)
    return tuple(modules)


class FeedbackService:
    """The module list and the feedback lifecycle."""

    def __init__(self, modules: tuple[Module, ...] | None = None) -> None:
        self.modules = load_modules() if modules is None else modules

    @property
    def module_keys(self) -> tuple[str, ...]:
        return (*(m.key for m in self.modules), OTHER)

    def module_label(self, catalogs: Catalogs, locale: str, key: str) -> str:
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

    # ---- filing ---------------------------------------------------------------------------

    async def submit(self, services: Services, new: NewItem, member: Member) -> Item:
        """Store the item and queue its product-channel posts and webhook delivery, in one transaction."""
        now = services.clock.now()
        new = replace(new, description=inert(new.description), steps=inert(new.steps) if new.steps else new.steps)
        async with services.store.transaction() as db:
            item = await sql.insert(db, new, day_of(now) if new.anonymous else now)
            await self._announce(services, db, item, None if new.anonymous else member)
        if not new.anonymous:  # an anonymous filing is not logged: its time would sit next to the author's lines
            log.info("feedback %s filed by member %s", item.ref, member.id)
        return item

    async def _announce(self, services: Services, db: Connection, item: Item, author: Member | None) -> None:
        settings = services.settings
        locales = channel_locales(settings)
        buttons = (*triage_buttons(services.catalogs, locales, item.id), votes.vote_button(services.catalogs, locales,
                                                                                           item.id))
        post = Reply(channel_text(locales, lambda lc: self._post_text(services.catalogs, lc, item, author)),
                     buttons=buttons)
        private = item.anonymous  # its rows keep only the day, and go once delivered
        for platform in self.channel_platforms(services):
            await services.outbox.enqueue(db, f"feedback:{item.id}:new:{platform}",
                                          Destination.channel(platform, settings.feedback_channel), post,
                                          private=private)
        if settings.feedback_webhook_url:
            body = webhook_body("feedback.created", f"feedback:{item.id}:webhook:new", item, None)
            await services.outbox.enqueue(db, f"feedback:{item.id}:webhook:new", webhook_destination(), Reply(body),
                                          private=private)

    def _post_text(self, catalogs: Catalogs, locale: str, item: Item, author: Member | None) -> str:
        who = catalogs.t(locale, "feedback.post.anonymous") if author is None else catalogs.t(
            locale, "feedback.post.from", name=author.display_name, platform=author.platform)
        rating = catalogs.t(locale, "feedback.rating_value", rating=item.rating) if item.rating else "–"
        lines = [catalogs.t(locale, "feedback.post.title", ref=item.ref, who=who, rating=rating,
                            category=category_label(catalogs, locale, item.category),
                            module=self.module_label(catalogs, locale, item.module)),
                 catalogs.t(locale, "feedback.post.description", text=item.description)]
        if item.steps:
            lines.append(catalogs.t(locale, "feedback.post.steps", text=item.steps))
        return "\n".join(lines)

    @staticmethod
    def channel_platforms(services: Services) -> list[str]:
        platforms = services.outbox.channel_platforms(services.settings.configured_platforms)
        return [p for p in platforms if p != WEBHOOK]

    # ---- triage ---------------------------------------------------------------------------

    async def change_status(self, services: Services, admin: Member, item_id: int, status: str,
                            note: str | None = None, duplicate_of: int | None = None) -> tuple[Item, Change | None]:
        """Set an item's status; returns the item and the change (None when nothing changed)."""
        check_change(status, note, duplicate_of, item_id)
        now = services.clock.now()
        async with services.store.transaction() as db:
            item = await self._item_or_error(db, item_id)
            if duplicate_of is not None:
                await self._item_or_error(db, duplicate_of)
            if (item.status, item.duplicate_of) == (status, duplicate_of) and (note or None) in (None, item.note):
                return item, None
            change = await sql.record_change(db, item, status, note or None, duplicate_of, admin.id, now)
            updated = await sql.get(db, item_id)
            assert updated is not None
            await self._tell(services, db, updated, change)
        log.info("feedback %s: %s -> %s by admin member %s", item.ref, change.previous, status, admin.id)
        return updated, change

    @staticmethod
    async def _item_or_error(db: Connection, item_id: int) -> Item:
        item = await sql.get(db, item_id)
        if item is None:
            raise UserError("feedback.errors.unknown_ref", ref=format_ref(item_id))
        return item

    async def _tell(self, services: Services, db: Connection, item: Item, change: Change) -> None:
        """Queue the member's DM (unless anonymous), the product channel line and the webhook."""
        settings, catalogs = services.settings, services.catalogs
        key = f"feedback:{item.id}:change:{change.seq}"
        member = await member_sql.by_id(db, item.member_id) if item.member_id is not None else None
        if member is not None and not item.anonymous:
            locale = locale_of(member, settings.default_locale)
            text = change_text(catalogs, locale, item, change, "feedback.dm.status")
            await services.outbox.enqueue(db, f"{key}:dm", Destination.dm(member), Reply(text))
        await votes.on_change(services, db, item, change, key)
        line = Reply(channel_text(channel_locales(settings),
                                  lambda lc: change_text(catalogs, lc, item, change, "feedback.post.status")))
        for platform in self.channel_platforms(services):
            await services.outbox.enqueue(db, f"{key}:{platform}",
                                          Destination.channel(platform, settings.feedback_channel), line,
                                          private=item.anonymous)
        if settings.feedback_webhook_url:
            body = webhook_body("feedback.status_changed", f"{key}:webhook", item, change)
            await services.outbox.enqueue(db, f"{key}:webhook", webhook_destination(), Reply(body),
                                          private=item.anonymous)


def check_change(status: str, note: str | None, duplicate_of: int | None, item_id: int) -> None:
    """Raise a translated UserError for a status change that cannot be made."""
    if status not in SETTABLE:
        raise UserError("feedback.errors.unknown_status", status=status[:20], options=", ".join(SETTABLE))
    if note is not None and len(note) > MAX_NOTE:
        raise UserError("feedback.errors.note_too_long", length=len(note), limit=MAX_NOTE)
    if status == "duplicate" and duplicate_of is None:
        raise UserError("feedback.errors.duplicate_needs_target")
    if duplicate_of is not None and status != "duplicate":
        raise UserError("feedback.errors.target_without_duplicate")
    if duplicate_of == item_id:
        raise UserError("feedback.errors.duplicate_of_itself")


def change_text(catalogs: Catalogs, locale: str, item: Item, change: Change, key: str) -> str:
    """The text telling a reader that `item` moved to `change.status` (with the note and duplicate target)."""
    lines = [catalogs.t(locale, key, ref=item.ref, status=status_label(catalogs, locale, change.status),
                        summary=excerpt(item.description))]
    if change.duplicate_of is not None:
        lines.append(catalogs.t(locale, "feedback.dm.duplicate", target=format_ref(change.duplicate_of)))
    if change.note:
        lines.append(catalogs.t(locale, "feedback.dm.note", note=change.note))
    return "\n".join(lines)


def triage_buttons(catalogs: Catalogs, locales: Sequence[str], item_id: int) -> tuple[Button, ...]:
    """Admin-only status buttons for a product-channel post (state in the value: "<id>:<status>"), labelled in
    the channel's languages."""
    buttons = [Button(channel_label(catalogs, locales, f"feedback.status.{s}"), "feedback.status", f"{item_id}:{s}")
               for s in BUTTON_STATUSES]
    buttons.append(Button(channel_label(catalogs, locales, "feedback.button.more"), "feedback.change", str(item_id)))
    return tuple(buttons)


def value_named(catalogs: Catalogs, codes: tuple[str, ...], label: Callable[[Catalogs, str, str], str],
                text: str) -> str | None:
    """The status or category `text` names: its code or its label in English or French, in any case, with or
    without accents ("doublon", "REALISE", "Facilité d'utilisation")."""
    wanted = fold(text)
    return next((code for code in codes
                 if wanted in {fold(code), *(fold(label(catalogs, lang, code)) for lang in SUPPORTED)}), None)


def status_label(catalogs: Catalogs, locale: str, status: str) -> str:
    return catalogs.t(locale, f"feedback.status.{status}") if status in STATUSES else status


def category_label(catalogs: Catalogs, locale: str, category: str) -> str:
    return catalogs.t(locale, f"feedback.category.{category}") if category in CATEGORIES else category


def excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def webhook_destination() -> Destination:
    return Destination(WEBHOOK, WEBHOOK, "feedback")


def item_record(item: Item) -> dict[str, Any]:
    """An item as the export and the webhook show it: no member identity, only whether it is anonymous."""
    return {
        "reference": item.ref, "created_at": to_iso(item.created_at), "updated_at": to_iso(item.updated_at),
        "category": item.category, "module": item.module, "rating": item.rating, "status": item.status,
        "anonymous": item.anonymous, "source": item.source, "description": item.description,
        "steps": item.steps, "duplicate_of": format_ref(item.duplicate_of) if item.duplicate_of else None,
        "note": item.note,
    }


def webhook_body(event: str, delivery_id: str, item: Item, change: Change | None) -> str:
    """The JSON body the webhook receives; `id` is stable across retries, for the receiver to de-duplicate."""
    data: dict[str, Any] = {"id": delivery_id, "event": event, "item": item_record(item)}
    if change is not None:
        data["change"] = {"seq": change.seq, "from": change.previous, "to": change.status, "note": change.note,
                          "duplicate_of": format_ref(change.duplicate_of) if change.duplicate_of else None,
                          "at": to_iso(change.changed_at)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
