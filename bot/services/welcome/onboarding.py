"""Onboarding profile input: the steps, free text, timezones; countries and languages come from bot.core.values.

Timezones are IANA names; what members type is read by bot.core.values.zones.
"""

from __future__ import annotations

import re

from bot.core import values
from bot.core.text import inert
from bot.core.values import zones
from bot.core.values.places import COMMUNITY_COUNTRIES, SPOKEN, country_name, iso_countries, language_name
from bot.core.values.vocab import INTERESTS, fold
from bot.store.profiles import Profile

__all__ = ["COMMUNITY_COUNTRIES", "INTERESTS", "SPOKEN", "Profile", "country_name", "fold", "iso_countries",
           "language_name"]

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


def country_zones(code: str | None) -> tuple[str, ...]:
    return zones.country_zones(code or "")


def guess_timezone(platform_zone: str | None, country: str | None, default: str) -> str:
    """The platform's zone, else the country's first zone, else the community's."""
    index = zones.name_index()
    if platform_zone and fold(platform_zone) in index:
        return index[fold(platform_zone)]
    found = country_zones(country)
    return found[0] if found else default
