"""Dates and times as people type them, read in the reader's locale: French reads day first.

    "3/12", "03/12/2027 14h", "le 3 décembre à 14h30", "mardi prochain 15h", "demain 9h", "à 14h",
    "2 janvier 2027 à 9 heures", "1er mai", "Dec 3 2:30pm", "next tuesday 14:00", "2027-12-03 15:00"

The reading is done here, without guessing: every word must be understood, else None (the caller may
then try a more lenient reader). A missing year is the next occurrence; a time alone is the next such
time; a weekday alone is the next such day; a day of the month alone ("le 1er", "le 15") is the next month
that has it. An all-numeric date that reads both ways ("03/12") is flagged so that an English confirmation
can say which month was understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.values.vocab import fold

MONTHS = {
    1: ("janvier", "janv", "january", "jan"), 2: ("fevrier", "fevr", "fev", "february", "feb"),
    3: ("mars", "march", "mar"), 4: ("avril", "avr", "april", "apr"), 5: ("mai", "may"),
    6: ("juin", "june", "jun"), 7: ("juillet", "juil", "july", "jul"), 8: ("aout", "august", "aug"),
    9: ("septembre", "sept", "september", "sep"), 10: ("octobre", "october", "oct"),
    11: ("novembre", "november", "nov"), 12: ("decembre", "december", "dec"),
}
WEEKDAYS = {
    0: ("lundi", "monday", "mon"), 1: ("mardi", "tuesday", "tue", "tues"), 2: ("mercredi", "wednesday", "wed"),
    3: ("jeudi", "thursday", "thu", "thurs"), 4: ("vendredi", "friday", "fri"), 5: ("samedi", "saturday", "sat"),
    6: ("dimanche", "sunday", "sun"),
}
RELATIVE = {"hier": -1, "yesterday": -1, "aujourd hui": 0, "today": 0, "ce jour": 0, "demain": 1, "tomorrow": 1,
            "apres demain": 2, "day after tomorrow": 2, "the day after tomorrow": 2}
NOON = {"midi": 12, "noon": 12, "minuit": 0, "midnight": 0}
FILLERS = {"le", "la", "l", "a", "au", "at", "on", "the", "de", "du", "of", "vers", "pour", "for", "et", "and",
           "this", "ce", "cette"}
NEXT = {"prochain", "prochaine", "next", "suivant", "coming"}
_MONTH = {name: number for number, names in MONTHS.items() for name in names}
_WEEKDAY = {name: number for number, names in WEEKDAYS.items() for name in names}
_M = "|".join(sorted(_MONTH, key=len, reverse=True))
_W = "|".join(sorted(_WEEKDAY, key=len, reverse=True))
_R = "|".join(sorted(RELATIVE, key=len, reverse=True))

TWELVE_HOUR = re.compile(r"\b(\d{1,2})(?: ?h ?(\d{2}))? ?(am|pm)\b")  # 2pm, 2:30 pm (14:30 -> 14h30)
TWENTY_FOUR = re.compile(r"\b(\d{1,2}) ?(?:h|hr|heures?)(?: ?(\d{2}))?(?: ?(?:min|minutes?))?(?=\s|$)")
ISO = re.compile(r"\b(\d{4}) (\d{1,2}) (\d{1,2})\b")
NUMERIC = re.compile(r"\b(\d{1,2}) (\d{1,2})(?: (\d{4}|\d{2}))?\b")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)? ({_M})\b(?: (\d{{4}}))?")
MONTH_DAY = re.compile(rf"\b({_M}) (\d{{1,2}})(?:er|st|nd|rd|th)?\b(?: (\d{{4}}))?")
DAY_ALONE = re.compile(r"\b(?:le|the) (\d{1,2})(?:er|st|nd|rd|th)?\b")  # "le 1er", "le 15", "the 3rd"
WEEKDAY = re.compile(rf"\b(?:(next|prochain|prochaine) )?({_W})\b(?: (prochain|prochaine|suivant))?")
RELATIVE_RE = re.compile(rf"\b({_R})\b")


@dataclass(frozen=True)
class Reading:
    """What the text says: a wall-clock date and time (no zone), and whether day and month could swap."""

    wall: datetime | None  # None when the text names a date without a time
    day: date
    numeric_both_ways: bool = False


def _normalise(text: str) -> str:
    text = re.sub(r"(\d{1,2})\s*:\s*(\d{2})", r"\1h\2", text)  # 14:30 -> 14h30
    text = re.sub(r"(\d)\s*[/.-]\s*(?=\d)", r"\1 ", text)  # 03/12/2027 -> "03 12 2027"
    return fold(re.sub(r"\b1(er|ER)\b", "1", text))


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    matches = list(pattern.finditer(text))
    if len(matches) != 1:
        return (None, text) if not matches else (None, "\0")  # twice: not understood
    match = matches[0]
    return match, (text[: match.start()] + " " + text[match.end():]).strip()


def _time_of(text: str) -> tuple[time | None, str]:
    """The time named in `text` and what is left; raises ValueError for 25h, 14h75 or two times."""
    for word, hour in NOON.items():
        if re.search(rf"\b{word}\b", text):
            return time(hour, 0), re.sub(rf"\b{word}\b", " ", text).strip()
    for pattern in (TWELVE_HOUR, TWENTY_FOUR):
        match, rest = _take(pattern, text)
        if rest == "\0":
            raise ValueError("two times")
        if match is None:
            continue
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if pattern is TWELVE_HOUR:
            if not 1 <= hour <= 12:
                raise ValueError("12-hour clock")
            hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
        return time(hour, minute), rest
    return None, text


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    return int(value) + 2000 if len(value) == 2 else int(value)


def _date_of(text: str, locale: str, today: date) -> tuple[tuple[int | None, int, int] | date | None, bool, str]:
    """(year or None, month, day) or a date, whether it reads both ways, and the words left."""
    for pattern, order in ((ISO, "ymd"), (DAY_MONTH, "dmy"), (MONTH_DAY, "mdy")):
        match, rest = _take(pattern, text)
        if match is None:
            continue
        a, b, c = match.groups()
        if order == "ymd":
            return (int(a), int(b), int(c)), False, rest
        if order == "dmy":
            return (_year(c), _MONTH[b], int(a)), False, rest
        return (_year(c), _MONTH[a], int(b)), False, rest
    match, rest = _take(NUMERIC, text)
    if match is not None:
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        day, month = (first, second) if locale == "fr" else (second, first)
        return (year, month, day), first != second and first <= 12 and second <= 12, rest
    match, rest = _take(DAY_ALONE, text)
    if match is not None:
        return (None, 0, int(match.group(1))), False, rest  # month 0: the next month that has this day
    match, rest = _take(RELATIVE_RE, text)
    if match is not None:
        return today + timedelta(days=RELATIVE[match.group(1)]), False, rest
    match, rest = _take(WEEKDAY, text)
    if match is not None:
        ahead = (_WEEKDAY[match.group(2)] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead), False, rest
    return None, False, text


def read(text: str, locale: str, now: datetime) -> Reading | None:
    """What `text` says, relative to `now` (a wall-clock time in the reader's zone); None if not understood.

    Raises ValueError for a date or time that does not exist (31/02, 25h).
    """
    words = _normalise(text)
    clock, words = _time_of(words)
    named_weekday = WEEKDAY.search(words) is not None
    found, both_ways, words = _date_of(words, locale, now.date())
    if found is not None and named_weekday and not isinstance(found, date):
        words = WEEKDAY.sub(" ", words)  # "mardi 3 décembre": the date wins, the caller checks the weekday
    if {w for w in words.split() if w not in FILLERS | NEXT}:
        return None
    if found is None and clock is None:
        return None
    day = _resolve_day(found, clock or time(0, 0), now)
    wall = datetime.combine(day, clock) if clock is not None else None
    return Reading(wall, day, both_ways)


def _resolve_day(found: tuple[int | None, int, int] | date | None, clock: time, now: datetime) -> date:
    if isinstance(found, date):
        return found
    if found is None:  # a time alone: today if still ahead, else tomorrow
        today = now.date()
        return today if datetime.combine(today, clock) > now else today + timedelta(days=1)
    year, month, day = found
    if month == 0:
        return _next_day_of_month(day, clock, now)
    if year is not None:
        return date(year, month, day)
    candidate = date(now.year, month, day) if _exists(now.year, month, day) else None
    if candidate is None or datetime.combine(candidate, clock) <= now:
        return date(now.year + 1, month, day)
    return candidate


def _next_day_of_month(day: int, clock: time, now: datetime) -> date:
    """The next date on `day` of a month ("le 1er" on 31 December: 1 January); ValueError for day 32."""
    year, month = now.year, now.month
    for _ in range(13):
        if _exists(year, month, day) and datetime.combine(date(year, month, day), clock) > now:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError("no such day of a month")


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def reads_both_ways(text: str) -> bool:
    """Whether `text` holds an all-numeric day and month that could be swapped ("03/12", not "2027-12-03")."""
    words = _normalise(text)
    if ISO.search(words):
        return False
    match = NUMERIC.search(TWENTY_FOUR.sub(" ", TWELVE_HOUR.sub(" ", words)))
    if match is None:
        return False
    first, second = int(match.group(1)), int(match.group(2))
    return first != second and max(first, second) <= 12


def lenient(text: str, locale: str, base: datetime, tz: str | None = None, aware: bool = False) -> datetime | None:
    """dateparser's reading (relative phrases, explicit offsets), day first in French; None if it fails."""
    import dateparser  # slow to import: only when the strict reader did not understand

    settings: dict[str, object] = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
                                   "DATE_ORDER": "DMY" if locale == "fr" else "MDY", "RETURN_AS_TIMEZONE_AWARE": aware}
    if tz:
        settings["TIMEZONE"] = tz
    languages = ["fr", "en"] if locale == "fr" else ["en", "fr"]
    parsed: datetime | None = dateparser.parse(text, languages=languages, settings=settings)
    return parsed
