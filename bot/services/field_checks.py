"""Checks a form field declares (`Field.check`), run as each answer is typed where a door asks one field at a
time (the console): the same parsers the form's handler uses, so an answer accepted here is accepted there."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import values
from bot.core.context import UserError
from bot.core.i18n import Catalogs
from bot.services.onboarding import timezone_name
from bot.services.webinars import parse_link, parse_timezone

CHECKS: dict[str, Callable[[str, str], object]] = {
    "country": lambda text, locale: values.parse("country", text, locale),
    "timezone": lambda text, locale: timezone_name(text),  # a member's zone (/profile, onboarding)
    "webinar_timezone": lambda text, locale: parse_timezone(text),
    "link": lambda text, locale: parse_link(text),
}


def problem(check: str, text: str, locale: str, catalogs: Catalogs) -> str | None:
    """What is wrong with `text` for the field's check, in `locale` (None: fine, or nothing to check)."""
    run = CHECKS.get(check)
    if run is None or not text.strip():
        return None
    try:
        run(text.strip(), locale)
    except UserError as exc:
        return catalogs.t(locale, exc.key, **exc.values)
    return None
