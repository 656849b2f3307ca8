"""Turning a form or inline arguments into a validated webinar Spec, all errors at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from bot.core import values
from bot.core.context import UserError
from bot.core.i18n import is_timezone
from bot.services.webinars import (
    DEFAULT_DURATION,
    MAX_DESCRIPTION,
    MAX_TITLE,
    Raw,
    Spec,
    SpecErrors,
    localise,
    parse_duration,
    parse_language,
    parse_link,
    parse_repeat,
    parse_rrule,
    parse_start,
    rule_of,
)
from bot.services.webinars import mention as webinar_mention

T = TypeVar("T")


class _Collector:
    def __init__(self) -> None:
        self.errors: dict[str, UserError] = {}

    def attempt(self, name: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except UserError as exc:
            self.errors[name] = exc
            return None


def build_spec(raw: Raw, *, base: Spec | None, organiser_tz: str | None, default_language: str,
               now: datetime, locale: str | None = None, mention_keys: tuple[str, ...] = ()) -> Spec:
    """Validate `raw` over `base` (an edit) or from scratch; raises SpecErrors naming every bad field.

    Dates and names are read in the organiser's `locale` (default: `default_language`); the role to mention
    is one of `mention_keys` (bot/services/webinars/mention.py)."""
    c = _Collector()
    locale = locale or default_language
    title = c.attempt("title", lambda: _title(raw.get("title") or (base.title if base else None)))
    description = raw.get("description") or (base.description if base else "")
    if len(description) > MAX_DESCRIPTION:
        c.errors["description"] = UserError("webinars.error_description_long", limit=MAX_DESCRIPTION)
    tz = _timezone(c, raw, base, organiser_tz, now, locale)
    start = _start(c, raw, base, tz, now, locale) if tz else None
    duration = c.attempt("duration", lambda: parse_duration(raw.get("duration") or "")) \
        if raw.get("duration") else (base.duration_min if base else DEFAULT_DURATION)
    language = c.attempt("language", lambda: parse_language(raw.get("language") or "", locale)) \
        if raw.get("language") else (base.language if base else default_language)
    link = c.attempt("link", lambda: parse_link(raw.get("link") or (base.link if base else None)))
    rule = _repeat(c, raw, base, start) if start else None
    typed_mention = raw.get("mention")
    mention = c.attempt("mention", lambda: webinar_mention.parse(typed_mention, mention_keys, locale)) \
        if typed_mention else (base.mention if base else None)
    if c.errors:
        raise SpecErrors(c.errors)
    assert title and tz and start and duration and language and link
    return Spec(title=title, description=description, local_start=start.isoformat(), timezone=tz,
                duration_min=duration, language=language, link=link, rrule=rule, mention=mention)


def _title(value: str | None) -> str:
    if not value:
        raise UserError("webinars.error_title_missing")
    if len(value) > MAX_TITLE:
        raise UserError("webinars.error_title_long", limit=MAX_TITLE, length=len(value))
    return value


def _timezone(c: _Collector, raw: Raw, base: Spec | None, organiser_tz: str | None, now: datetime,
              locale: str) -> str | None:
    text = raw.get("timezone")
    if text:
        return c.attempt("timezone", lambda: values.parse_zone(text, locale, now).zone)
    if base:
        return base.timezone
    return organiser_tz if organiser_tz and is_timezone(organiser_tz) else "UTC"


def _start(c: _Collector, raw: Raw, base: Spec | None, tz: str, now: datetime, locale: str) -> datetime | None:
    text = raw.get("start")
    if text:
        return c.attempt("start", lambda: parse_start(text, tz, now, locale))
    if base is None:
        c.errors["start"] = UserError("webinars.error_start_missing")
        return None
    old = datetime.fromisoformat(base.local_start)
    if tz == base.timezone:
        return old
    moved = c.attempt("start", lambda: localise(old.replace(tzinfo=None), tz))
    if moved is not None and moved <= now:
        c.errors["start"] = UserError("webinars.error_past", text=moved.strftime("%Y-%m-%d %H:%M"))
        return None
    return moved


def _repeat(c: _Collector, raw: Raw, base: Spec | None, start: datetime) -> str | None:
    text = raw.get("repeat")
    if text:
        return c.attempt("repeat", lambda: parse_repeat(text, start))
    if base is None or base.rrule is None:
        return None
    if start.isoformat() == base.local_start:
        return base.rrule
    return c.attempt("repeat", lambda: parse_rrule(rule_of(base.rrule) or "", start))  # a new start: skips go
