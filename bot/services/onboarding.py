"""Onboarding profile input: the steps, free text, timezones; countries and languages come from bot.core.values.

Timezones are IANA names. Unknown input raises a UserError carrying close suggestions (difflib).
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

from bot.core import values
from bot.core.context import UserError
from bot.core.text import inert
from bot.core.values.places import COMMUNITY_COUNTRIES, SPOKEN, country_name, iso_countries, language_name
from bot.core.values.vocab import INTERESTS, fold

__all__ = ["COMMUNITY_COUNTRIES", "INTERESTS", "SPOKEN", "country_name", "fold", "iso_countries", "language_name"]

STEPS = ("role", "country", "organisation", "stage", "languages", "interests", "timezone", "consent")
MAX_ORGANISATION = 120
MAX_LANGUAGES = 8
MAX_INPUT = 200


def clean_text(text: str, limit: int) -> str:
    """Trimmed, single-spaced, inert user text cut to `limit` characters."""
    return re.sub(r"\s+", " ", inert(text)).strip()[:limit].strip()


def next_step(step: str) -> str | None:
    """The step after `step` (None after the last one)."""
    index = STEPS.index(step) + 1 if step in STEPS else 0
    return STEPS[index] if index < len(STEPS) else None


# ---- countries and languages (bot.core.values) ---------------------------------------------


def country_code(text: str, locale: str) -> str:
    """ISO code for a code or a country name in English or French; BadValue with suggestions if unknown."""
    return values.parse("country", text, locale)


def language_codes(text: str, locale: str) -> tuple[str, ...]:
    """Codes for "en, fr, swahili, Haoussa"; BadValue naming the first unknown one with suggestions."""
    return values.parse_list("language", text, locale, MAX_LANGUAGES)


# ---- timezones ---------------------------------------------------------------------------------


@cache
def _zone_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            index.setdefault(fold(name.rsplit("/", 1)[1]), name)
        index[fold(name)] = name
    return index


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    text = files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.split("\t")[:3]
            zones.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in zones.items()}


def country_zones(code: str | None) -> tuple[str, ...]:
    return _zones_by_country().get(code or "", ())


def timezone_name(text: str) -> str:
    """IANA name for a zone or city name ("Africa/Douala", "douala"); UserError with suggestions otherwise."""
    wanted = fold(text[:MAX_INPUT])
    index = _zone_index()
    if wanted in index:
        return index[wanted]
    close = difflib.get_close_matches(wanted, list(index), n=6, cutoff=0.6)
    names = list(dict.fromkeys(index[c] for c in close))[:3]
    if names:
        raise UserError("profile.timezone_suggest", value=text[:40], suggestions=", ".join(names))
    raise UserError("profile.timezone_unknown", value=text[:40])


def guess_timezone(platform_zone: str | None, country: str | None, default: str) -> str:
    """The platform's zone, else the country's first zone, else the community's."""
    if platform_zone and fold(platform_zone) in _zone_index():
        return _zone_index()[fold(platform_zone)]
    zones = country_zones(country)
    return zones[0] if zones else default
