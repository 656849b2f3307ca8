"""Typed values from what people type or pick, in English or French: one conversion shared by every door.

    parse(kind, text, locale)   -> the stored value, or BadValue (a translated message listing the choices)
    label(kind, value, locale)  -> how the value reads in `locale`
    choices(kind, locale)       -> the Options a form or a button row shows (each label is accepted back)

Kinds: stage, role, interest, session_language, yes_no, switch (on/off/default), country, language.
Lists (interests, languages) go through `parse_list`; timezones through `parse_zone` (they need the time).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.core.context import UserError
from bot.core.model import Option
from bot.core.values import places, zones
from bot.core.values.vocab import VOCABULARIES, catalogs, fold

__all__ = ["BadValue", "KINDS", "choices", "fold", "label", "lookup", "parse", "parse_list", "parse_yes_no",
           "parse_zone", "zone_label", "zone_stated"]
KINDS = (*VOCABULARIES, "country", "language")
MAX_INPUT = 200
SEPARATOR = " · "


class BadValue(UserError, ValueError):
    """What was typed is not a value of this kind; `key`/`values` make the message, `text` is it in `locale`."""

    def __init__(self, key: str, locale: str, **values: Any) -> None:
        super().__init__(key, **values)
        self.locale = locale

    @property
    def text(self) -> str:
        """The refusal, in the member's language."""
        return catalogs().t(self.locale, self.key, **self.values)


def choices(kind: str, locale: str, among: tuple[str, ...] | None = None) -> tuple[Option, ...]:
    """The values to offer, labelled in `locale` (countries: the community's; languages: the usual ones)."""
    if kind == "country":
        return tuple(Option(c, places.country_name(c, locale)) for c in among or places.COMMUNITY_COUNTRIES)
    if kind == "language":
        return tuple(Option(c, places.language_name(c, locale)) for c in among or places.SPOKEN)
    vocabulary = VOCABULARIES[kind]
    return tuple(Option(c, vocabulary.label(c, locale)) for c in among or vocabulary.codes)


def label(kind: str, value: object, locale: str) -> str:
    """How a stored value reads in `locale` (yes/no takes a bool or its code)."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    code = str(value)
    if kind == "country":
        return places.country_name(code, locale)
    if kind == "language":
        return places.language_name(code, locale)
    return VOCABULARIES[kind].label(code, locale)


def parse(kind: str, text: str, locale: str, among: tuple[str, ...] | None = None) -> str:
    """The code `text` names (an option's code, any of its labels in English or French, or a synonym)."""
    text = text.strip()[:MAX_INPUT]
    if kind == "country":
        return _country(text, locale)
    if kind == "language":
        return _language(text, locale)
    code = VOCABULARIES[kind].lookup(text, among)
    if code is None and kind == "yes_no":
        raise BadValue("values.bad.yes_no", locale, value=text[:40], yes=label(kind, True, locale),
                       no=label(kind, False, locale))
    if code is None:
        options = SEPARATOR.join(o.label for o in choices(kind, locale, among))
        raise BadValue(f"values.bad.{kind}", locale, value=text[:40], options=options)
    return code


def lookup(kind: str, text: str) -> str | None:
    """The code `text` names in a closed vocabulary, whatever the reader's language (None when none)."""
    return VOCABULARIES[kind].lookup(text[:MAX_INPUT])


def parse_yes_no(text: str, locale: str) -> bool:
    """Typed yes or no in English or French; BadValue for anything else."""
    return parse("yes_no", text, locale) == "yes"


def parse_list(kind: str, text: str, locale: str, limit: int = 8) -> tuple[str, ...]:
    """Several values separated by commas (or "et"/"and" when the whole part is not one value)."""
    found: list[str] = []
    for part in (p.strip() for p in re.split(r"[,;/\n]+", text[:MAX_INPUT]) if p.strip()):
        try:
            found.append(parse(kind, part, locale))
        except BadValue:
            pieces = [p for p in re.split(r"\s+(?:et|and|&)\s+", part) if p.strip()]
            if len(pieces) < 2:
                raise
            found.extend(parse(kind, piece, locale) for piece in pieces)
    return tuple(dict.fromkeys(found))[:limit]


def _country(text: str, locale: str) -> str:
    code = places.country_code(text)
    if code is not None:
        return code
    names = places.close_countries(text, locale)
    if names:
        raise BadValue("values.bad.country_suggest", locale, value=text[:40], suggestions=SEPARATOR.join(names))
    raise BadValue("values.bad.country", locale, value=text[:40])


def _language(text: str, locale: str) -> str:
    code = places.language_code(text)
    if code is not None:
        return code
    names = places.close_languages(text, locale) or [o.label for o in choices("language", locale)]
    raise BadValue("values.bad.language", locale, value=text[:40], suggestions=SEPARATOR.join(names))


def parse_zone(text: str, locale: str, now: datetime, country: str | None = None) -> zones.Reading:
    """The IANA zone `text` names (a city, a country, "UTC+1", "WAT"...); BadValue saying what to type."""
    try:
        return zones.read(text, now, country)
    except zones.ZoneError as exc:
        raise BadValue(exc.key, locale, **{k: v[:40] if k == "value" else v for k, v in exc.values.items()}) from None


def zone_label(zone: str | None, now: datetime) -> str:
    """"Africa/Douala (UTC+01:00)"; an unknown or empty zone as it is."""
    try:
        return zones.label(zone, now) if zone else ""
    except (ValueError, KeyError):
        return zone or ""


def zone_stated(reading: zones.Reading, locale: str, now: datetime) -> str | None:
    """What an offset or an abbreviation was read as ("UTC+01:00, for example Africa/Lagos"), else None."""
    if not reading.by_offset or reading.zone == "UTC":
        return None
    offset = zones.offset_text(zones.offset_minutes(reading.zone, now))
    return catalogs().t(locale, "values.zone.stated", offset=offset, zone=reading.zone)
