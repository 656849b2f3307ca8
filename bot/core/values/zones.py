"""Timezones as people type them, in English or French, read into an IANA zone.

    read(text, locale, now, country) -> Reading(zone, by_offset)   or BadValue (translated, with choices)
    label(zone, locale, now)         -> "Africa/Douala (UTC+01:00)"
    stated(reading, locale, now)     -> "UTC+01:00, for example Africa/Lagos" (what an offset was read as)

Accepted: zone names ("Africa/Douala"), cities with or without accents, in English or French ("Yaoundé",
"N'Djaména", "Ndjamena", "Katmandou", "Dar es Salam"), a country (its zone; one with several zones is
asked back), "heure de Paris" / "Paris time", offsets ("UTC+1", "GMT+1", "+01:00", "UTC+5:45") and the
usual abbreviations and names ("WAT", "CET", "heure d'Afrique de l'Ouest"). An offset or an abbreviation
gives a real zone with that offset at `now`: one of the member's country if there is one, else a usual one.
An `Etc/GMT±N` zone is never offered: its sign is the opposite of what people mean.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale

from bot.core.i18n import SUPPORTED
from bot.core.values import places
from bot.core.values.vocab import fold

MAX_INPUT = 80
HIDDEN = ("Etc/", "SystemV/", "posix/", "right/")
# Cities people name that are not the city of a zone (capitals, big towns), and other spellings.
CITIES = {
    "yaounde": "Africa/Douala", "garoua": "Africa/Douala", "bafoussam": "Africa/Douala",
    "moundou": "Africa/Ndjamena", "abeche": "Africa/Ndjamena", "zinder": "Africa/Niamey",
    "maradi": "Africa/Niamey", "gitega": "Africa/Bujumbura", "goma": "Africa/Lubumbashi",
    "bukavu": "Africa/Lubumbashi", "kisangani": "Africa/Lubumbashi", "mbuji mayi": "Africa/Lubumbashi",
    "dar es salam": "Africa/Dar_es_Salaam", "dodoma": "Africa/Dar_es_Salaam", "arusha": "Africa/Dar_es_Salaam",
    "mwanza": "Africa/Dar_es_Salaam", "zanzibar": "Africa/Dar_es_Salaam", "pokhara": "Asia/Kathmandu",
    "chittagong": "Asia/Dhaka", "dacca": "Asia/Dhaka", "abuja": "Africa/Lagos", "cotonou": "Africa/Porto-Novo",
    "yamoussoukro": "Africa/Abidjan", "thies": "Africa/Dakar", "saint louis": "Africa/Dakar",
    "bobo dioulasso": "Africa/Ouagadougou", "pretoria": "Africa/Johannesburg", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "geneve": "Europe/Zurich",
    "geneva": "Europe/Zurich", "washington": "America/New_York", "rabat": "Africa/Casablanca",
}
# Abbreviations and zone names people write, and the zone whose offset they mean.
NAMED_OFFSETS = {"wat": "Africa/Lagos", "cat": "Africa/Maputo", "eat": "Africa/Nairobi", "cet": "Europe/Paris",
                 "cest": "Europe/Paris", "npt": "Asia/Kathmandu", "ist": "Asia/Kolkata", "pkt": "Asia/Karachi",
                 "gmt": "UTC", "utc": "UTC", "tu": "UTC", "z": "UTC", "temps universel": "UTC"}
METAZONES = {"Africa_Western": "Africa/Lagos", "Africa_Central": "Africa/Maputo",
             "Africa_Eastern": "Africa/Nairobi", "Europe_Central": "Europe/Paris", "Europe_Western": "Europe/Lisbon",
             "GMT": "UTC", "Nepal": "Asia/Kathmandu", "India": "Asia/Kolkata", "Bangladesh": "Asia/Dhaka",
             "Pakistan": "Asia/Karachi"}
# A usual zone for an offset when the member's country has none with it (minutes east of UTC).
USUAL = {-60: "Atlantic/Cape_Verde", 0: "UTC", 60: "Africa/Lagos", 120: "Africa/Maputo", 180: "Africa/Nairobi",
         240: "Asia/Dubai", 270: "Asia/Kabul", 300: "Asia/Karachi", 330: "Asia/Kolkata", 345: "Asia/Kathmandu",
         360: "Asia/Dhaka"}
OFFSET = re.compile(r"^(?:utc|gmt|tu|temps universel)?\s*([+\-−–])\s*(\d{1,2})(?:\s*[:h.]?\s*(\d{2}))?\s*(?:h)?$")
AROUND = re.compile(r"^(?:(?:l )?heure|fuseau(?: horaire)?|time(?: ?zone)?|timezone)\s+(?:de la |de l |du |des |de |d |"
                    r"of |in |at )?(.+)$|^(.+?)\s+(?:time|time ?zone)$")


class ZoneError(ValueError):
    """What was typed names no zone; `key` and `values` make the translated message."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Reading:
    """A time zone read from what a member typed."""

    zone: str
    by_offset: bool  # read from an offset or an abbreviation: say which zone it became


def read(text: str, now: datetime, country: str | None = None) -> Reading:
    """The zone `text` names (see the module's docstring); ZoneError when none or several."""
    raw = text.strip()[:MAX_INPUT]
    wanted = fold(raw)
    if not wanted:
        raise ZoneError("values.zone.unknown", value=raw)
    offset = _offset(raw)
    if offset is not None:
        return Reading(_zone_at(offset, now, country, raw), True)
    for name in _candidates(wanted):
        found = _by_name(name, now, country, raw)
        if found is not None:
            return found
    suggestions = close(wanted)
    if suggestions:
        raise ZoneError("values.zone.suggest", value=raw, suggestions=" · ".join(suggestions))
    raise ZoneError("values.zone.unknown", value=raw)


def _candidates(wanted: str) -> list[str]:
    """The folded text, then its zone part when it says "heure de Paris" or "Paris time"."""
    match = AROUND.match(wanted)
    inner = next((g for g in match.groups() if g), "") if match else ""
    return [wanted, inner] if inner else [wanted]


def _by_name(name: str, now: datetime, country: str | None, raw: str) -> Reading | None:
    index = name_index()
    for key in (name, name.replace(" ", "")):
        if key in index:
            return Reading(index[key], False)
    if name in named_offsets():
        named = named_offsets()[name]
        return Reading(_zone_at(offset_minutes(named, now), now, country, raw, named), True)
    code = places.country_code(name)
    if code is None:
        return None
    zones = country_zones(code)
    if len(zones) == 1:
        return Reading(zones[0], False)
    if not zones:
        raise ZoneError("values.zone.unknown", value=raw)
    raise ZoneError("values.zone.several", value=raw, options=" · ".join(label(z, now) for z in zones[:8]))


def _offset(raw: str) -> int | None:
    match = OFFSET.match(raw.strip().lower())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    total = int(hours) * 60 + int(minutes or 0)
    return -total if sign != "+" else total


def _zone_at(offset: int, now: datetime, country: str | None, raw: str, usual: str | None = None) -> str:
    """A real zone that is `offset` minutes east of UTC at `now`: the country's, the usual one, a steady one."""
    same = [z for z in country_zones(country or "") if offset_minutes(z, now) == offset]
    if offset == 0 and not same:
        return "UTC"
    usual = usual or USUAL.get(offset)
    if not same and usual and offset_minutes(usual, now) == offset:
        same = [usual]
    if not same:
        hour = now.replace(minute=0, second=0, microsecond=0)
        anywhere = [z for z, minutes in _offsets_at(hour).items() if minutes == offset]
        same = [z for z in anywhere if z in _steady(now.year)] or anywhere
    if not same:
        raise ZoneError("values.zone.no_offset", value=raw, offset=offset_text(offset))
    return same[0]


def offset_minutes(zone: str, at: datetime) -> int:
    """The zone's UTC offset at `at`, in minutes."""
    delta = at.astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    return int(delta.total_seconds() // 60)


def offset_text(minutes: int) -> str:
    """An offset as `UTC+05:45` (a real minus sign west of Greenwich)."""
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=4)
def _offsets_at(hour: datetime) -> dict[str, int]:
    return {zone: offset_minutes(zone, hour) for zone in all_country_zones()}


@lru_cache(maxsize=2)
def _steady(year: int) -> frozenset[str]:
    """The zones without daylight saving time in `year`."""
    january, july = datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC)
    return frozenset(z for z in all_country_zones() if offset_minutes(z, january) == offset_minutes(z, july))


def label(zone: str, now: datetime) -> str:
    """The zone and its offset at `now`: "Africa/Douala (UTC+01:00)" (the same in both languages)."""
    return zone if zone == "UTC" else f"{zone} ({offset_text(offset_minutes(zone, now))})"


def close(wanted: str, among: int = 3) -> list[str]:
    """Zone names close to a misspelt city or zone (never an Etc/ zone)."""
    index = name_index()
    found = difflib.get_close_matches(wanted, [n for n in index if len(n) > 2], n=8, cutoff=0.7)
    return list(dict.fromkeys(index[n] for n in found))[:among]


@cache
def country_zones_table() -> dict[str, tuple[str, ...]]:
    """Country code -> its time zones, from tzdata's zone.tab."""
    text = files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.split("\t")[:3]
            zones.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in zones.items()}


def country_zones(code: str) -> tuple[str, ...]:
    """The time zones of the country `code`."""
    return country_zones_table().get(code, ())


@cache
def all_country_zones() -> tuple[str, ...]:
    """Every time zone some country uses, sorted."""
    return tuple(sorted({z for zones in country_zones_table().values() for z in zones}))


@cache
def name_index() -> dict[str, str]:
    """Folded zone name, city (English, French, its other spellings) -> zone; never an Etc/ zone."""
    index: dict[str, str] = {"utc": "UTC"}
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(HIDDEN))
    for zone in (*all_country_zones(), *zones):
        index.setdefault(fold(zone), zone)
        index.setdefault(fold(zone.rsplit("/", 1)[1]), zone)
    for lang in SUPPORTED:
        for zone, names in Locale.parse(lang).time_zones.items():
            if names.get("city") and zone in index.values():
                index.setdefault(fold(names["city"]), zone)
    index.update({fold(city): zone for city, zone in CITIES.items()})
    index.update({key.replace(" ", ""): zone for key, zone in list(index.items()) if " " in key})
    return index


@cache
def named_offsets() -> dict[str, str]:
    """Folded abbreviations and zone names ("wat", "heure d afrique de l ouest") -> a zone with that offset."""
    names = dict(NAMED_OFFSETS)
    for lang in SUPPORTED:
        metazones = Locale.parse(lang).meta_zones
        for metazone, zone in METAZONES.items():
            for name in dict(metazones.get(metazone, {}).get("long", {})).values():
                names[fold(name)] = zone
    return names
