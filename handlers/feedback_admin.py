"""Admin side of /feedback: list, stats, status changes (command, buttons and a small form)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import UserError
from bot.core.i18n import Catalogs, fmt_datetime, fmt_number
from bot.core.ids import parse_id
from bot.core.model import ButtonPressed, Field, FieldKind, Form, FormErrors, FormSubmitted, Option, Reply
from bot.services.container import Ctx
from bot.services.feedback import (
    CATEGORIES,
    MAX_NOTE,
    SETTABLE,
    STATUSES,
    Change,
    Item,
    category_label,
    format_ref,
    parse_ref,
    status_label,
    value_named,
)

LIST_LIMIT = 25
TREND_WEEKS = 8
CHANGE_FORM_ID = "feedback.change"


def named(ctx: Ctx, codes: tuple[str, ...], label: Callable[[Catalogs, str, str], str], word: str) -> str | None:
    """The status or category `word` names: its code or its label in English or French ("doublon", "Réalisé")."""
    return value_named(ctx.services.catalogs, codes, label, word)


def filters(ctx: Ctx, rest: str) -> tuple[str | None, str | None, str | None]:
    """(status, category, the first words naming neither) of `/feedback list …`; labels may have several words
    ("Facilité d'utilisation"), so the longest run of words naming one is taken."""
    words, found = rest.split(), dict[str, str | None](status=None, category=None)
    kinds = (("status", STATUSES, status_label), ("category", CATEGORIES, category_label))
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):
            phrase = " ".join(words[start:end])
            hit = next(((kind, code) for kind, codes, label in kinds if found[kind] is None
                        and (code := named(ctx, codes, label, phrase))), None)
            if hit is not None:
                found[hit[0]], start = hit[1], end
                break
        else:
            return found["status"], found["category"], words[start]
    return found["status"], found["category"], None


async def list_items(ctx: Ctx, rest: str) -> Reply:
    """`/feedback list [status] [category]`, newest first."""
    status, category, word = filters(ctx, rest)
    if word is not None:
        labels = ctx.services.catalogs, ctx.locale
        return ctx.reply("feedback.errors.bad_filter", word=word[:30],
                         statuses=", ".join(status_label(*labels, s) for s in STATUSES),
                         categories=", ".join(category_label(*labels, c) for c in CATEGORIES))
    items = await ctx.services.feedback.search(status=status, category=category, limit=LIST_LIMIT + 1)
    if not items:
        return ctx.reply("feedback.list_empty")
    describe = ctx.services.feedback.describe
    lines = [ctx.t("feedback.list_title", count=min(len(items), LIST_LIMIT))]
    lines += [f"• {describe(ctx.services.catalogs, ctx.locale, item)}" for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        lines.append(ctx.t("feedback.list_more", limit=LIST_LIMIT))
    return Reply("\n".join(lines), ephemeral=True)


async def stats(ctx: Ctx, rest: str) -> Reply:
    """`/feedback stats`: counts by category, module and status, average rating, items per week."""
    figures = await ctx.services.feedback.figures(ctx.now, TREND_WEEKS)
    by, average, rated, weeks, backlog = figures.by, figures.average, figures.rated, figures.weeks, figures.backlog
    if not by["status"]:
        return ctx.reply("feedback.list_empty")
    catalogs, loc = ctx.services.catalogs, ctx.locale
    module_label = ctx.services.feedback.module_label
    lines = [ctx.t("feedback.stats.title", total=sum(by["status"].values())),
             ctx.t("feedback.stats.by_status", counts=_join({status_label(catalogs, loc, k): v
                                                             for k, v in by["status"].items()})),
             ctx.t("feedback.stats.by_category", counts=_join({category_label(catalogs, loc, k): v
                                                               for k, v in by["category"].items()})),
             ctx.t("feedback.stats.by_module", counts=_join({module_label(catalogs, loc, k): v
                                                             for k, v in by["module"].items()}))]
    lines.append(ctx.t("feedback.stats.rating", average=fmt_number(round(average, 2), loc), count=rated)
                 if average is not None else ctx.t("feedback.stats.no_rating"))
    lines.append(ctx.t("feedback.stats.trend", weeks=", ".join(
        ctx.t("text.labelled", label=fmt_datetime(start, loc, 'UTC', 'd MMM'), value=n) for start, n in weeks)))
    if ctx.services.settings.feedback_webhook_url or backlog:
        lines.append(ctx.t("feedback.stats.webhook", sent=backlog.get("sent", 0),
                           waiting=backlog.get("pending", 0) + backlog.get("sending", 0),
                           failed=backlog.get("failed", 0)))
    return Reply("\n".join(lines), ephemeral=True)


def _join(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


async def set_status(ctx: Ctx, rest: str) -> Reply:
    """`/feedback set FB-0042 planned [note]` or `/feedback set FB-0042 duplicate FB-0012 [note]`."""
    parts = rest.split(maxsplit=2)
    if len(parts) < 2:
        return ctx.reply("feedback.errors.set_usage")
    item_id, note = parse_ref(parts[0]), parts[2] if len(parts) > 2 else ""
    status = named(ctx, STATUSES, status_label, parts[1]) or parts[1].lower()
    if item_id is None:
        return ctx.reply("feedback.errors.bad_ref", text=parts[0][:30])
    if status not in SETTABLE:  # the choices as the reader reads them, never the stored codes
        return ctx.reply("feedback.errors.unknown_status", status=parts[1][:20],
                         options=", ".join(status_label(ctx.services.catalogs, ctx.locale, s) for s in SETTABLE))
    duplicate_of = None
    if status == "duplicate":
        target, _, note = note.partition(" ")
        duplicate_of = parse_ref(target)
        if duplicate_of is None:
            return ctx.reply("feedback.errors.duplicate_needs_target")
    return await _change(ctx, item_id, status, note.strip() or None, duplicate_of)


async def _change(ctx: Ctx, item_id: int, status: str, note: str | None, duplicate_of: int | None) -> Reply:
    item, change = await ctx.services.feedback.change_status(ctx.member, item_id, status, note,
                                                             duplicate_of)
    return changed_reply(ctx, item, change)


def changed_reply(ctx: Ctx, item: Item, change: Change | None) -> Reply:
    """The reply after a status change (or that nothing changed)."""
    status = status_label(ctx.services.catalogs, ctx.locale, item.status)
    if change is None:
        return ctx.reply("feedback.unchanged", ref=item.ref, status=status)
    key = "feedback.changed_anonymous" if item.member_id is None else "feedback.changed"
    return ctx.reply(key, ref=item.ref, status=status)


async def status_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    """A status button under a product-channel post; value "<id>:<status>". Pressing twice changes nothing."""
    raw_id, _, status = event.value.partition(":")
    item_id = parse_id(raw_id)
    if item_id is None:
        return ctx.reply("errors.stale_button")
    return await _change(ctx, item_id, status, None, None)


async def change_button(ctx: Ctx, event: ButtonPressed) -> Form | Reply:
    """"Duplicate / note…": a small form for a status with a note or a duplicate target."""
    item_id = parse_id(event.value)
    if item_id is None:
        return ctx.reply("errors.stale_button")
    catalogs = ctx.services.catalogs
    statuses = tuple(Option(s, status_label(catalogs, ctx.locale, s)) for s in SETTABLE)
    fields = (
        Field("status", FieldKind.CHOICE, ctx.t("feedback.change.status"), required=True, options=statuses),
        Field("duplicate_of", FieldKind.SHORT_TEXT, ctx.t("feedback.change.duplicate_of"), max_length=12,
              placeholder="FB-M4XE"),
        Field("note", FieldKind.LONG_TEXT, ctx.t("feedback.change.note"), max_length=MAX_NOTE),
    )
    title = ctx.t("feedback.change.title", ref=format_ref(item_id))
    return Form(CHANGE_FORM_ID, title, fields, ctx.t("feedback.change.submit"), state=event.value)


async def submit_change(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """The status change form: status, duplicate target and note."""
    item_id = parse_id(event.state)
    if item_id is None:
        return ctx.reply("errors.stale_button")
    raw_status, raw_target, raw_note = (event.values.get(k) for k in ("status", "duplicate_of", "note"))
    status = raw_status if isinstance(raw_status, str) else ""
    target = raw_target.strip() if isinstance(raw_target, str) else ""
    duplicate_of = parse_ref(target) if target else None
    if target and duplicate_of is None:
        return FormErrors({"duplicate_of": ctx.t("feedback.errors.bad_ref", text=target[:30])})
    note = raw_note.strip() if isinstance(raw_note, str) else ""
    try:
        return await _change(ctx, item_id, status, note or None, duplicate_of)
    except UserError as exc:
        field = "note" if "note" in exc.key else "duplicate_of" if "duplicate" in exc.key or "target" in exc.key \
            else "status"
        if exc.key == "feedback.errors.unknown_ref" and not target:
            raise
        return FormErrors({field: ctx.t(exc.key, **exc.values)})
