"""Webinar drafts: the create/edit forms, inline arguments, and the Confirm / More options / Cancel buttons.

Nothing is saved until the organiser confirms the parsed time: a draft row holds the validated spec,
its id rides in the button value, and Confirm saves and announces in one transaction (pressing it twice
does nothing more).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from babel.dates import format_date

from bot.core.context import UserError
from bot.core.i18n import fmt_datetime, spell_day
from bot.core.ids import parse_id
from bot.core.model import (
    Button,
    ButtonPressed,
    Field,
    FieldKind,
    Form,
    FormErrors,
    FormSubmitted,
    FormValue,
    Option,
    Reply,
)
from bot.core.values import dates
from bot.services.container import Ctx
from bot.services.webinars import (
    MAX_DESCRIPTION,
    MAX_LINK,
    MAX_TITLE,
    Raw,
    Spec,
    SpecErrors,
    Webinar,
    notify,
    weekday_mismatch,
)
from bot.services.webinars import mention as webinar_mention
from bot.services.webinars.service import Draft
from bot.services.webinars.spec import build_spec


def organiser_tz(ctx: Ctx) -> str:
    """The organiser's time zone (the community's by default)."""
    return ctx.member.timezone or ctx.services.settings.community_timezone


def main_form(ctx: Ctx, form_id: str, state: str = "", base: Spec | None = None) -> Form:
    """Title, start, timezone, link, description (five fields, as a Discord modal allows)."""
    start = datetime.fromisoformat(base.local_start).strftime("%Y-%m-%d %H:%M") if base else None
    fields = (
        Field("title", FieldKind.SHORT_TEXT, ctx.t("webinars.field_title"), base is None,
              initial=base.title if base else None, max_length=MAX_TITLE),
        Field("start", FieldKind.DATETIME, ctx.t("webinars.field_start"), base is None, initial=start,
              placeholder=ctx.t("webinars.field_start_hint"), check="start"),
        Field("timezone", FieldKind.SHORT_TEXT, ctx.t("webinars.field_timezone", tz=organiser_tz(ctx)),
              initial=base.timezone if base else organiser_tz(ctx), max_length=64, check="webinar_timezone"),
        Field("link", FieldKind.SHORT_TEXT, ctx.t("webinars.field_link"), base is None,
              initial=base.link if base else None, max_length=MAX_LINK, check="link"),
        Field("description", FieldKind.LONG_TEXT, ctx.t("webinars.field_description"),
              initial=base.description if base else None, max_length=MAX_DESCRIPTION),
    )
    title = ctx.t("webinars.form_edit_title") if base else ctx.t("webinars.form_create_title")
    return Form(form_id, title, fields, ctx.t("webinars.form_next"), state)


def more_form(ctx: Ctx, draft_id: int, spec: Spec) -> Form:
    """Duration, session language and recurrence of a draft."""
    languages = tuple(Option(code, ctx.t(f"webinars.lang_{code}")) for code in ("en", "fr", "bilingual"))
    fields: tuple[Field, ...] = (
        Field("duration", FieldKind.SHORT_TEXT, ctx.t("webinars.field_duration"), initial=str(spec.duration_min),
              max_length=10, check="duration"),
        Field("language", FieldKind.CHOICE, ctx.t("webinars.field_language"), options=languages,
              initial=spec.language),
        Field("repeat", FieldKind.SHORT_TEXT, ctx.t("webinars.field_repeat"), max_length=200,
              placeholder=ctx.t("webinars.field_repeat_hint")),
    )
    roles = webinar_mention.options(ctx.services.settings, ctx.locale, with_none=True)
    if len(roles) > 1:  # some role or user group is configured
        fields += (Field("mention", FieldKind.CHOICE, ctx.t("webinar_mention.field"), options=roles,
                         initial=spec.mention or webinar_mention.NO_MENTION),)
    return Form("webinar.more", ctx.t("webinars.form_more_title"), fields, ctx.t("webinars.form_next"),
                str(draft_id))


def form_raw(values: Mapping[str, FormValue]) -> Raw:
    """Form values as raw text: every field of this form is text or one choice, a str on every door."""
    raw = Raw()
    for name, value in values.items():
        raw.values[name] = value if isinstance(value, str) else None
    return raw


def error_text(ctx: Ctx, errors: SpecErrors) -> str:
    """Every error of a webinar's details, one per line."""
    return "\n".join(ctx.t(e.key, **e.values) for e in errors.errors.values())


async def make_draft(ctx: Ctx, raw: Raw, base: Spec | None, webinar_id: int | None) -> Reply:
    """Validate, store a draft and ask the organiser to confirm the parsed time."""
    try:
        spec = build_spec(raw, base=base, organiser_tz=organiser_tz(ctx), default_language=ctx.locale, now=ctx.now,
                          mention_keys=webinar_mention.choices(ctx.services.settings))
    except SpecErrors as exc:
        return Reply(error_text(ctx, exc), ephemeral=True)
    draft_id = await ctx.services.webinars.add_draft(ctx.member.id, spec, webinar_id, ctx.now)
    reply = confirm_reply(ctx, spec, draft_id)
    local = datetime.fromisoformat(spec.local_start)
    notes = [note for note in (_weekday_note(ctx, raw, local), month_note(ctx, raw.get("start") or "", local)) if note]
    return replace(reply, text="\n".join((reply.text, *notes))) if notes else reply


def _weekday_note(ctx: Ctx, raw: Raw, local: datetime) -> str | None:
    written = weekday_mismatch(raw.get("start") or "", local)
    if written is None:
        return None
    return ctx.t("webinars.weekday_mismatch", written=weekday_name(written, ctx.locale),
                 date=spell_day(local.date(), ctx.locale))


def month_note(ctx: Ctx, text: str, local: datetime) -> str | None:
    """For an English reader, an all-numeric date that reads both ways is confirmed with the month in words."""
    if ctx.locale == "fr" or not dates.reads_both_ways(text):
        return None
    try:
        other = local.replace(month=local.day, day=local.month)
    except ValueError:
        return None
    return ctx.t("values.date.month_first", written=text[:40], date=spell_day(local.date(), ctx.locale),
                 other=spell_day(other.date(), ctx.locale))


def weekday_name(index: int, locale: str) -> str:
    """Monday..Sunday in `locale` (0 = Monday)."""
    return format_date(date(2024, 1, 1 + index), "EEEE", locale=locale)  # 1 January 2024 was a Monday


def confirm_reply(ctx: Ctx, spec: Spec, draft_id: int) -> Reply:
    """The webinar as it will be announced, with confirm buttons."""
    preview = Webinar(0, "draft", spec, 0, ctx.now, ctx.member.id, ctx.now)
    local = fmt_datetime(spec.start, ctx.locale, spec.timezone)
    text = ctx.t("webinars.confirm", details=notify.details(ctx.services, preview, ctx.locale,
                                                             organiser_tz(ctx), spec.start),
                 local=local, tz=spec.timezone)
    if spec.mention or webinar_mention.choices(ctx.services.settings):
        text += "\n" + webinar_mention.described(spec.mention, ctx.locale)
    buttons = (
        Button(ctx.t("webinars.button_confirm"), "webinar.confirm", str(draft_id), "primary"),
        Button(ctx.t("webinars.button_more"), "webinar.more", str(draft_id)),
        Button(ctx.t("webinars.button_discard"), "webinar.discard", str(draft_id), "danger"),
    )
    return Reply(text, buttons=buttons, ephemeral=True)


async def create_submitted(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """The create form: reject bad fields in place, else show the confirmation. Its state is the role to
    mention when one was given with the command (`/webinar create role=lang:fr`)."""
    raw = form_raw(event.values)
    if event.state:
        raw.values["mention"] = event.state
    return await _submitted(ctx, raw, None, None)


async def edit_submitted(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """The edit form submitted: confirm the changes."""
    webinar = await editable(ctx, event.state)
    return await _submitted(ctx, form_raw(event.values), webinar.spec, webinar.id)


async def _submitted(ctx: Ctx, raw: Raw, base: Spec | None, webinar_id: int | None) -> Reply | FormErrors:
    try:
        build_spec(raw, base=base, organiser_tz=organiser_tz(ctx), default_language=ctx.locale, now=ctx.now,
                   mention_keys=webinar_mention.choices(ctx.services.settings))
    except SpecErrors as exc:
        return FormErrors({name: ctx.t(e.key, **e.values) for name, e in exc.errors.items()})
    return await make_draft(ctx, raw, base, webinar_id)


async def find(ctx: Ctx, text: str) -> Webinar:
    """The webinar whose id the member typed, or a UserError saying why not."""
    webinar_id = parse_id(text)
    if webinar_id is None:
        raise UserError("webinars.error_id", text=text[:20])
    webinar = await ctx.services.webinars.get(webinar_id)
    if webinar is None:
        raise UserError("webinars.not_found", id=text[:20])
    return webinar


async def editable(ctx: Ctx, text: str) -> Webinar:
    """The scheduled webinar with this id, or a UserError saying why not."""
    webinar = await find(ctx, text)
    if webinar.status != "scheduled":
        raise UserError("webinars.already_cancelled", id=webinar.id)
    return webinar


async def _pending(ctx: Ctx, value: str) -> tuple[int, Draft]:
    draft_id = parse_id(value)
    if draft_id is None:
        raise UserError("errors.stale_button")
    draft = await ctx.services.webinars.draft(draft_id)
    if draft is None or draft.member_id != ctx.member.id or not ctx.is_admin:
        raise UserError("errors.stale_button")
    if draft.status != "pending":
        raise UserError("webinars.draft_closed")
    return draft_id, draft


async def more_pressed(ctx: Ctx, event: ButtonPressed) -> Form:
    """Open the form of a draft's further details."""
    draft_id, draft = await _pending(ctx, event.value)
    return more_form(ctx, draft_id, draft.spec)


async def more_submitted(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """The further details submitted: confirm again."""
    draft_id, draft = await _pending(ctx, event.state)
    raw = form_raw(event.values)
    try:
        updated = build_spec(raw, base=draft.spec, organiser_tz=organiser_tz(ctx), default_language=ctx.locale,
                             now=ctx.now, mention_keys=webinar_mention.choices(ctx.services.settings))
    except SpecErrors as exc:
        return FormErrors({name: ctx.t(e.key, **e.values) for name, e in exc.errors.items()})
    await ctx.services.webinars.replace_draft(draft_id, updated)
    return confirm_reply(ctx, updated, draft_id)


async def discard_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The discard button: forget the webinar draft, nothing announced."""
    draft_id, _ = await _pending(ctx, event.value)
    await ctx.services.webinars.discard_draft(draft_id)
    return ctx.reply("webinars.discarded")


async def confirm_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Save the draft (create or edit) and queue the announcement or change notices, all at once."""
    draft_id, draft = await _pending(ctx, event.value)
    webinar_id, notified = await ctx.services.webinars.save_draft(draft_id, draft, ctx.member.id, ctx.now)
    if draft.webinar_id is None:
        return ctx.reply("webinars.created", id=webinar_id, channel=ctx.services.settings.webinar_channel)
    return ctx.reply("webinars.edited", id=webinar_id, count=notified)
