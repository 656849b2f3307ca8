"""Checks a form field declares (`Field.check`), run as each answer is typed where a door asks one field at a
time (the console): the same parsers the form's handler uses, so an answer accepted here is accepted there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core import values
from bot.core.context import UserError
from bot.core.i18n import Catalogs
from bot.services.webinars import parse_duration, parse_link, parse_start

WIDEST_OFFSET = timedelta(hours=14)  # a start read in UTC this much before now is past in every timezone

CHECKS: dict[str, Callable[[str, str, datetime], object]] = {
    "country": lambda text, locale, now: values.parse("country", text, locale),
    "timezone": lambda text, locale, now: values.parse_zone(text, locale, now),  # a city, country, UTC+1...
    "webinar_timezone": lambda text, locale, now: values.parse_zone(text, locale, now),
    "link": lambda text, locale, now: parse_link(text),
    # the form's timezone comes after its start: here only what no timezone can save (unreadable, no time, past)
    "start": lambda text, locale, now: parse_start(text, "UTC", now - WIDEST_OFFSET, locale),
    "duration": lambda text, locale, now: parse_duration(text),
}


def problem(check: str, text: str, locale: str, now: datetime, catalogs: Catalogs) -> str | None:
    """What is wrong with `text` for the field's check, in `locale` (None: fine, or nothing to check)."""
    run = CHECKS.get(check)
    if run is None or not text.strip():
        return None
    try:
        run(text.strip(), locale, now)
    except UserError as exc:
        return catalogs.t(locale, exc.key, **exc.values)
    return None
