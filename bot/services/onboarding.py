"""Onboarding profile vocabulary and input resolution: countries, timezones, languages, free text.

Countries are ISO 3166 alpha-2 codes (the list shipped with tzdata) named through Babel in the reader's
language; timezones are IANA names. Unknown input raises a UserError carrying close suggestions (difflib).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

from babel import Locale

from bot.core.context import UserError
from bot.core.text import inert

STEPS = ("role", "country", "organisation", "stage", "languages", "interests", "timezone", "consent")
INTERESTS = ("enrolment", "claims", "contributions", "products", "social-protection", "interoperability",
             "mobile", "reporting", "deployment", "development")
SPOKEN = ("en", "fr", "pt", "es", "sw", "ar")
COMMUNITY_COUNTRIES = ("CM", "TD", "NE", "NP", "TZ", "BD", "BI", "CD")
MAX_ORGANISATION = 120
MAX_LANGUAGES = 8
MAX_INPUT = 200


def fold(text: str) -> str:
    """Lower case, accents removed, spaces squeezed: for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-'’.]+", " ", plain).strip()


def clean_text(text: str, limit: int) -> str:
    """Trimmed, single-spaced, inert user text cut to `limit` characters."""
    return re.sub(r"\s+", " ", inert(text)).strip()[:limit].strip()


def next_step(step: str) -> str | None:
    """The step after `step` (None after the last one)."""
    index = STEPS.index(step) + 1 if step in STEPS else 0
    return STEPS[index] if index < len(STEPS) else None


# ---- countries ---------------------------------------------------------------------------------


@cache
def iso_countries() -> tuple[str, ...]:
    text = files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text(encoding="utf-8")
    return tuple(line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for lang in ("en", "fr"):
        names = Locale.parse(lang).territories
        for code in iso_countries():
            if code in names:
                index[fold(names[code])] = code
    index.update({code.lower(): code for code in iso_countries()})
    return index


def country_name(code: str, locale: str) -> str:
    return str(Locale.parse(locale).territories.get(code, code))


def country_code(text: str, locale: str) -> str:
    """ISO code for a code or a country name in English or French; UserError with suggestions if unknown."""
    wanted = fold(text[:MAX_INPUT])
    index = _country_index()
    if wanted in index:
        return index[wanted]
    close = difflib.get_close_matches(wanted, list(index), n=6, cutoff=0.6)
    names = list(dict.fromkeys(country_name(index[c], locale) for c in close))[:3]
    if names:
        raise UserError("profile.country_suggest", value=text[:40], suggestions=", ".join(names))
    raise UserError("profile.country_unknown", value=text[:40])


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


# ---- languages ---------------------------------------------------------------------------------


@cache
def _language_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for lang in ("en", "fr"):
        for code, name in Locale.parse(lang).languages.items():
            if re.fullmatch(r"[a-z]{2,3}", code):
                index.setdefault(fold(name), code)
    for code in list(index.values()):
        index[code] = code
    return index


def language_name(code: str, locale: str) -> str:
    return str(Locale.parse(locale).languages.get(code, code))


def language_codes(text: str, locale: str) -> tuple[str, ...]:
    """Codes for "en, fr, swahili, Haoussa"; UserError naming the first unknown one with suggestions."""
    index = _language_index()
    codes: list[str] = []
    for part in (p for p in re.split(r"[,;/]+", text[:MAX_INPUT]) if p.strip()):
        wanted = fold(part)
        if wanted not in index:
            close = difflib.get_close_matches(wanted, list(index), n=3, cutoff=0.7)
            names = ", ".join(dict.fromkeys(language_name(index[c], locale) for c in close)) or "—"
            raise UserError("profile.language_unknown", value=part.strip()[:40], suggestions=names)
        codes.append(index[wanted])
    return tuple(dict.fromkeys(codes))[:MAX_LANGUAGES]


def pick(text: str, options: dict[str, list[str]]) -> str | None:
    """The option whose code or any label matches `text` (accent- and case-insensitive)."""
    wanted = fold(text)
    for code, labels in options.items():
        if wanted == fold(code) or wanted in (fold(label) for label in labels):
            return code
    return None
