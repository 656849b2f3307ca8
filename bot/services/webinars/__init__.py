"""Webinar schedules: validated specs, natural dates (EN/FR), timezones, recurrence and due events.

Plain and testable: no database, no network. A webinar starts at `local_start` (an aware ISO string in
its own `timezone`); a recurring one repeats by an RFC 5545 RRULE applied to the wall-clock start in that
timezone, so a weekly call at 14:00 Europe/Paris stays at 14:00 Paris time across DST changes.
Occurrences are expanded lazily from the rule, never stored.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

from bot.core import values
from bot.core.context import UserError
from bot.core.i18n import spell_day
from bot.core.values import dates, durations
from bot.store.webinar_model import Spec as Spec
from bot.store.webinar_model import Webinar as Webinar

MAX_TITLE = 120
MAX_DESCRIPTION = 1500
MAX_LINK = 500
LANGUAGES = ("en", "fr", "bilingual")
DEFAULT_DURATION = 60
LATE_GRACE = timedelta(minutes=5)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FR_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Inline key (folded: "Début", "debut" and "DÉBUT" are one) -> field; the catalogs' error_unknown_key lists them.
KEYS = {
    "title": "title", "titre": "title", "desc": "description", "description": "description",
    "start": "start", "date": "start", "debut": "start", "tz": "timezone", "timezone": "timezone",
    "fuseau": "timezone", "duration": "duration", "duree": "duration", "lang": "language", "language": "language",
    "langue": "language", "link": "link", "lien": "link", "url": "link", "repeat": "repeat", "recurrence": "repeat",
    "repeter": "repeat", "role": "mention", "group": "mention", "groupe": "mention",
}
EXPLICIT_ZONE = re.compile(r"(\b(utc|gmt)\b|[+-]\d{2}:?\d{2}\s*$|\dz\s*$)", re.IGNORECASE)


class SpecErrors(Exception):
    """Validation failed: one translated-message error per field name."""

    def __init__(self, errors: dict[str, UserError]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True, order=True)
class Due:
    """Something a webinar needs done at `at`: a reminder (offset in minutes), the start post, a recording DM."""

    at: datetime
    occurrence: datetime
    kind: str
    offset: int = 0


@dataclass
class Raw:
    """Unvalidated input from a form or inline arguments; None means 'not given'."""

    values: dict[str, str | None] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        """The value typed for `name`, stripped, None when empty."""
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None


# ---- inline arguments -----------------------------------------------------------------------


def parse_inline(text: str) -> tuple[list[str], Raw]:
    """`3 title="Dev call" start="next tuesday 14:00"` -> (["3"], Raw(title=..., start=...))."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        raise UserError("webinars.error_quotes") from None
    positional: list[str] = []
    raw = Raw()
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            positional.append(token)
            continue
        name = KEYS.get(values.fold(key))
        if name is None:
            raise UserError("webinars.error_unknown_key", name=key[:30])
        raw.values[name] = value
    return positional, raw


# ---- single fields --------------------------------------------------------------------------


def parse_start(text: str, tz: str, now: datetime, locale: str = "en") -> datetime:
    """A date and time in English or French, read in `tz` relative to `now`; aware, in `tz`.

    bot.core.values.dates reads it in the reader's `locale` (French: day first); what it does not
    understand goes to dateparser (explicit UTC offsets, "in 3 days"). Raises UserError when it cannot be
    read, is in the past, or names a wall-clock time that the DST change skips or repeats (an explicit
    offset such as +01:00 settles a repeated one).
    """
    zone = ZoneInfo(tz)
    base = now.astimezone(zone).replace(tzinfo=None)
    explicit = bool(EXPLICIT_ZONE.search(text))
    reading = None if explicit else _read(text, locale, base)
    if reading is not None and reading.wall is None:
        raise UserError("values.date.no_time", date=spell_day(reading.day, locale))
    if reading is not None and reading.wall is not None:
        start = localise(reading.wall, tz)
    else:
        start = _lenient(text, tz, base, explicit, locale)
    if start <= now:
        raise UserError("webinars.error_past", text=text[:80])
    return start


def _read(text: str, locale: str, base: datetime) -> dates.Reading | None:
    try:
        return dates.read(text, locale, base)
    except ValueError:
        raise UserError("values.date.invalid", text=text[:80]) from None


def _lenient(text: str, tz: str, base: datetime, explicit: bool, locale: str) -> datetime:
    parsed = dates.lenient(text, locale, base, tz, aware=explicit)
    if parsed is None:
        raise UserError("webinars.error_date", text=text[:80])
    return parsed.astimezone(ZoneInfo(tz)) if explicit else localise(parsed.replace(second=0, microsecond=0), tz)


def localise(wall: datetime, tz: str) -> datetime:
    """A wall-clock time in `tz`, refused when a DST change skips it or makes it happen twice."""
    zone = ZoneInfo(tz)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != wall:
        raise UserError("webinars.error_nonexistent", time=wall.strftime("%Y-%m-%d %H:%M"), tz=tz)
    if first.utcoffset() != second.utcoffset():
        raise UserError("webinars.error_ambiguous", time=wall.strftime("%Y-%m-%d %H:%M"), tz=tz)
    return first


def weekday_mismatch(text: str, start: datetime) -> int | None:
    """The weekday (0 = Monday) named in `text` when the date read is another day, else None.

    "mardi 3 décembre" is read as 3 December whatever day that is; the confirmation then says so.
    """
    words = re.findall(r"[a-zéû]+", text.lower())
    named = [i for i in range(7) if EN_WEEKDAYS[i] in words or FR_WEEKDAYS[i] in words]
    if len(named) == 1 and named[0] != start.weekday():
        return named[0]
    return None


def parse_duration(text: str) -> int:
    """'60', '90m', '1h30', '1 h 30', '1:30', '2 heures' -> minutes (5 to 720)."""
    minutes = durations.minutes(text)
    if minutes is None or not 5 <= minutes <= 720:
        raise UserError("webinars.error_duration", text=text[:20])
    return minutes


def parse_language(text: str, locale: str = "en") -> str:
    """en, fr or bilingual (English and French names accepted); BadValue listing the labels otherwise."""
    return values.parse("session_language", text, locale)


def parse_link(text: str | None) -> str:
    """An http(s) join link; a UserError when missing or not a web address."""
    value = (text or "").strip()
    if not value:
        raise UserError("webinars.error_link_missing")
    if not re.fullmatch(r"https?://[^\s<>\"]+\.[^\s<>\"]+", value) or len(value) > MAX_LINK:
        raise UserError("webinars.error_link", text=value[:80])
    return value


def parse_offsets(text: str) -> list[int]:
    """'24h 1h', '2d,30m', '1j 2h', '2 jours, 1 heure' -> minutes before the start, largest first (at most 5,
    each up to 14 days)."""
    found = durations.minutes_list(text)
    if not found or len(set(found)) > 5 or not all(1 <= m <= 14 * 1440 for m in found):
        raise UserError("webinars.error_offsets", text=text[:40])
    return sorted(set(found), reverse=True)


# ---- recurrence -----------------------------------------------------------------------------


def parse_repeat(text: str | None, start: datetime) -> str | None:
    """weekly | every N weeks | monthly (same Nth weekday as the start) | an RRULE; None for no repeat."""
    value = (text or "").strip()
    low = value.lower()
    if low in ("", "none", "no", "once", "non", "aucune", "jamais", "une fois"):
        return None
    if low in ("weekly", "every week", "hebdo", "hebdomadaire", "chaque semaine", "toutes les semaines"):
        return "FREQ=WEEKLY"
    if low in ("biweekly", "fortnightly", "every other week", "toutes les deux semaines"):
        return "FREQ=WEEKLY;INTERVAL=2"
    if match := re.fullmatch(r"(?:every|toutes les)\s+(\d{1,2})\s+(?:weeks?|semaines?)", low):
        interval = int(match.group(1))
        if not 1 <= interval <= 12:
            raise UserError("webinars.error_repeat", text=value[:60])
        return f"FREQ=WEEKLY;INTERVAL={interval}"
    if low in ("monthly", "every month", "mensuel", "mensuelle", "chaque mois", "tous les mois"):
        nth = (start.day - 1) // 7 + 1
        return f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{WEEKDAYS[start.weekday()]}"
    return parse_rrule(value, start)


def parse_rrule(value: str, start: datetime) -> str:
    """An RFC 5545 RRULE body (no DTSTART, at most daily) whose first occurrence is `start`."""
    body = value.removeprefix("RRULE:").removeprefix("rrule:").strip().upper()
    if not body.startswith("FREQ=") and ";FREQ=" not in body:
        raise UserError("webinars.error_repeat", text=value[:60])
    if "DTSTART" in body or re.search(r"FREQ=(HOURLY|MINUTELY|SECONDLY)", body):
        raise UserError("webinars.error_repeat", text=value[:60])
    try:
        first = next(iter(_rule(body, start)), None)
    except (ValueError, TypeError):
        raise UserError("webinars.error_repeat", text=value[:60]) from None
    if first != start.replace(tzinfo=None):
        raise UserError("webinars.error_repeat_start", text=value[:60])
    return body


SKIP = "EXDATE:"  # a cancelled session of a series: a line after the rule, its wall-clock start


def rule_of(rrule: str | None) -> str | None:
    """The RRULE body of a stored recurrence, without the cancelled sessions."""
    return rrule.split("\n", 1)[0] if rrule else rrule


def skips_of(rrule: str | None) -> list[datetime]:
    """The wall-clock starts of the series' cancelled sessions."""
    lines = (rrule or "").split("\n")[1:]
    return [datetime.strptime(line.removeprefix(SKIP), "%Y%m%dT%H%M%S") for line in lines if line.startswith(SKIP)]


def skipping(rrule: str, start: datetime, tz: str) -> str:
    """The recurrence with the session starting at `start` (aware) cancelled."""
    wall = start.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    walls = sorted({*skips_of(rrule), wall})
    return "\n".join([rule_of(rrule) or "", *(SKIP + w.strftime("%Y%m%dT%H%M%S") for w in walls)])


def _rule(body: str, start: datetime) -> rrule | rruleset:
    wall = start.replace(tzinfo=None)
    rule = rrulestr(f"RRULE:{rule_of(body)}", dtstart=wall)
    assert isinstance(rule, rrule)
    skips = skips_of(body)
    if not skips:
        return rule
    rules = rruleset()
    rules.rrule(rule)
    for skip in skips:
        rules.exdate(skip)
    return rules


def describe_repeat(rule: str | None) -> str:
    """A message id describing the recurrence."""
    rule = rule_of(rule)
    if rule is None:
        return "webinars.repeat_none"
    if rule == "FREQ=WEEKLY":
        return "webinars.repeat_weekly"
    if re.fullmatch(r"FREQ=WEEKLY;INTERVAL=\d+", rule):
        return "webinars.repeat_every_weeks"
    if re.fullmatch(r"FREQ=MONTHLY;BYDAY=-?\d[A-Z]{2}", rule):
        return "webinars.repeat_monthly"
    return "webinars.repeat_rule"


def interval_of(rule: str | None) -> int:
    """The INTERVAL of a recurrence rule (1 when absent)."""
    match = re.search(r"INTERVAL=(\d+)", rule_of(rule) or "")
    return int(match.group(1)) if match else 1


def occurrences(spec: Spec, after: datetime) -> Iterator[datetime]:
    """Starts (aware UTC) strictly after `after`, lazily, in order."""
    first = datetime.fromisoformat(spec.local_start)
    if spec.rrule is None:
        if first.astimezone(UTC) > after:
            yield first.astimezone(UTC)
        return
    zone = ZoneInfo(spec.timezone)
    wall_after = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    for wall in _rule(spec.rrule, first).xafter(wall_after, inc=True):
        local = first if wall == first.replace(tzinfo=None) else wall.replace(tzinfo=zone)
        start = local.astimezone(UTC)
        if start > after:
            yield start


def next_start(spec: Spec, now: datetime) -> datetime | None:
    """The occurrence running now or the next one (by its start, aware UTC)."""
    return next(occurrences(spec, now - timedelta(minutes=spec.duration_min)), None)


def last_started(spec: Spec, now: datetime) -> datetime | None:
    """The latest occurrence that has started by `now` (searching the past year)."""
    latest = None
    for start in occurrences(spec, now - timedelta(days=366)):
        if start > now:
            break
        latest = start
    return latest


def due_events(spec: Spec, offsets: set[int], recorded: set[datetime], after: datetime,
               until: datetime | None = None) -> Iterator[Due]:
    """What falls due in (after, until], in order; with `until` None, only the first thing due."""
    lead = timedelta(minutes=max(offsets, default=0))
    length = timedelta(minutes=spec.duration_min)
    found: list[Due] = []
    for start in occurrences(spec, after - length - timedelta(seconds=1)):
        horizon = until if until is not None else (min(found).at if found else None)
        if horizon is not None and start - lead > horizon:
            break
        events = [Due(start - timedelta(minutes=o), start, "reminder", o) for o in offsets]
        events.append(Due(start, start, "start"))
        if start in recorded:
            events.append(Due(start + length, start, "recording"))
        found.extend(e for e in events if e.at > after and (until is None or e.at <= until))
    found.sort()
    yield from (found if until is not None else found[:1])


def next_due(spec: Spec, offsets: set[int], recorded: set[datetime], after: datetime) -> datetime | None:
    """The exact time of the first thing due after `after` (None when the series has ended)."""
    return next((d.at for d in due_events(spec, offsets, recorded, after)), None)


def with_changes(spec: Spec, **changes: object) -> Spec:
    """A copy of `spec` with the fields given changed."""
    return replace(spec, **changes)  # type: ignore[arg-type]
