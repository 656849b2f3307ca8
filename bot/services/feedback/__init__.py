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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.clock import to_iso
from bot.core.context import UserError
from bot.core.i18n import SUPPORTED, Catalogs
from bot.core.model import Button, Destination
from bot.core.values import fold
from bot.core.values.vocab import FEEDBACK_CATEGORIES, FEEDBACK_STATUSES
from bot.services.channel_posts import channel_label
from bot.store.feedback import RANDOM_BASE, random_ref_id
from bot.store.feedback import Change as Change
from bot.store.feedback import Item as Item
from bot.store.feedback import NewItem as NewItem
from bot.store.feedback import format_ref as format_ref

log = logging.getLogger(__name__)
CONTENT = Path(__file__).resolve().parents[3] / "content" / "feedback" / "modules.toml"
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
    """An openIMIS module feedback can be about, with its labels."""

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
    """A status's label in `locale` (an unknown one as it is)."""
    return catalogs.t(locale, f"feedback.status.{status}") if status in STATUSES else status


def category_label(catalogs: Catalogs, locale: str, category: str) -> str:
    """A category's label in `locale` (an unknown one as it is)."""
    return catalogs.t(locale, f"feedback.category.{category}") if category in CATEGORIES else category


def excerpt(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def webhook_destination() -> Destination:
    """Where items are sent for the product team's webhook."""
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
