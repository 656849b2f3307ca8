"""Translations from the gettext catalogs in locales/<lang>/LC_MESSAGES/*.po, and Babel formatting.

Message ids are stable keys (e.g. "help.title"); the English catalog holds the English text. Every
.po file of a language is merged, so each feature keeps its own catalog file. The .po files are read as
they are (no .mo step). A message with plural forms (msgid_plural, msgstr[0], msgstr[1]) is ngettext: `t()`
picks the form for its `count` value by the catalog's Plural-Forms rule (French: 0 and 1 are singular).
"""

from __future__ import annotations

import gettext
import logging
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.core.model import Member
from bot.core.text import Safe, inert

log = logging.getLogger(__name__)
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
SUPPORTED = ("en", "fr")


class Catalogs:
    """All messages of all languages, loaded once."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self.messages: dict[str, dict[str, str]] = {}
        self.plurals: dict[str, dict[str, tuple[str, ...]]] = {}
        self.plural_rule: dict[str, Callable[[int], int]] = {}
        for lang_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
            folder = lang_dir / "LC_MESSAGES"
            self.messages[lang_dir.name] = load_language(folder)
            self.plurals[lang_dir.name], self.plural_rule[lang_dir.name] = load_plural_forms(folder)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages that have a catalog."""
        return tuple(self.messages)

    def t(self, locale: str, key: str, /, **values: Any) -> str:
        """The message `key` in `locale` (English if missing there), with `values` filled in."""
        if locale not in self.messages or key not in self.messages[locale]:
            locale = "en"
        template = self.messages.get(locale, {}).get(key)
        if template is None:
            log.error("missing message id %r", key)
            return key
        forms = self.plurals[locale].get(key)
        if forms:
            if not isinstance(values.get("count"), int):
                log.error("message %r has plural forms but no integer count", key)
            else:
                template = forms[min(self.plural_rule[locale](abs(values["count"])), len(forms) - 1)]
        return template.format_map({k: _as_text(v) for k, v in values.items()})


def _as_text(value: Any) -> Any:
    if isinstance(value, Safe):
        return str(value)
    if isinstance(value, str):
        return inert(value)
    return value


def load_language(folder: Path) -> dict[str, str]:
    """Every message of a language; a message with plural forms gives its first (singular) form."""
    messages: dict[str, str] = {}
    for catalog in _read_catalogs(folder):
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            string = message.string[0] if isinstance(message.string, tuple) else message.string
            if key and string:
                messages[key] = str(string)
    return messages


def load_plural_forms(folder: Path) -> tuple[dict[str, tuple[str, ...]], Callable[[int], int]]:
    """The plural messages of a language (every form, in the catalog's order) and its Plural-Forms rule,
    which every .po file of the language must state alike (checked by tests/test_i18n_plurals.py)."""
    forms: dict[str, tuple[str, ...]] = {}
    expression = ""
    for catalog in _read_catalogs(folder):
        expression = expression or catalog.plural_expr
        for message in catalog:
            if isinstance(message.id, tuple) and isinstance(message.string, tuple) and all(message.string):
                forms[message.id[0]] = tuple(str(form) for form in message.string)
    return forms, gettext.c2py(expression or "(n != 1)")


def _read_catalogs(folder: Path) -> list[Any]:
    catalogs = []
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as handle:
            catalogs.append(read_po(handle))
    return catalogs


def normalise_locale(value: str | None) -> str | None:
    """Map a platform locale such as "fr-FR" or "fr_CA" to a supported language, else None."""
    if not value:
        return None
    lang = value.replace("_", "-").split("-")[0].lower()
    return lang if lang in SUPPORTED else None


def resolve_locale(chosen: str | None, platform_locale: str | None, default: str) -> str:
    """Member's choice > platform locale > community default."""
    return normalise_locale(chosen) or normalise_locale(platform_locale) or default


def locale_of(member: Member, default: str) -> str:
    """The language to write to a member in, outside of an event (outbox messages)."""
    return resolve_locale(member.locale, member.platform_locale, default)


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """A ZoneInfo for `name`, or for `default` when the name is unknown or empty."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        return ZoneInfo(default)


def is_timezone(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        return False
    return True


def fmt_datetime(dt: datetime, locale: str, tz: str | None, fmt: str = "full_short") -> str:
    """A date and time in the reader's zone and language, e.g. 'Tuesday 3 December 2026, 15:00 (CET)'."""
    local = dt.astimezone(zone(tz))
    if fmt == "full_short":
        day = spell_day(local.date(), locale)
        hour = format_datetime(local, "HH:mm", locale=Locale.parse(locale))
        return f"{day}, {hour} ({local.tzname()})"
    if locale == "fr" and local.day == 1 and "MMM" in fmt:  # « 1er mai », « 1er déc. »
        fmt = re.sub(r"(?<![d'])d(?![d'])", "'1er'", fmt)
    return format_datetime(local, fmt, locale=Locale.parse(locale))


def spell_day(day: date, locale: str) -> str:
    """The date spelled out: 'Saturday 1 May 2027', 'samedi 1er mai 2027' (French writes the first '1er')."""
    pattern = "EEEE '1er' MMMM y" if locale == "fr" and day.day == 1 else "EEEE d MMMM y"
    return format_date(day, pattern, locale=Locale.parse(locale))


def fmt_duration(seconds: float, locale: str) -> str:
    """A duration in words in `locale` ("2 hours", « 2 heures »)."""
    return format_timedelta(timedelta(seconds=seconds), threshold=1.0, locale=Locale.parse(locale))


def fmt_number(value: float, locale: str) -> str:
    """A number written the way `locale` writes it."""
    return format_decimal(value, locale=Locale.parse(locale))
