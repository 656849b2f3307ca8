"""Dates at the edges, in both locales: year ends (31/12 23h30, « 1er janvier », « le 3 décembre » typed in late
December, « le 1er » alone), and Paris's DST changes seen from Douala, which has none. Completes
tests/test_values_dates.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.context import UserError
from bot.core.i18n import fmt_datetime
from bot.services.webinars import parse_start

PARIS, DOUALA = "Europe/Paris", "Africa/Douala"
LATE_DECEMBER = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)
NEW_YEAR_EVE = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)  # 22:00 in Paris and in Douala


def start(text: str, locale: str, now: datetime, tz: str = PARIS) -> str:
    return parse_start(text, tz, now, locale).isoformat()


@pytest.mark.parametrize(("locale", "text", "now", "expected"), [
    ("fr", "le 3 décembre à 14h", LATE_DECEMBER, "2027-12-03T14:00:00+01:00"),  # passed this year: next year's
    ("fr", "3 déc. 14h", LATE_DECEMBER, "2027-12-03T14:00:00+01:00"),
    ("fr", "le 3 decembre a 14h", LATE_DECEMBER, "2027-12-03T14:00:00+01:00"),  # typed without accents
    ("en", "3 December 2pm", LATE_DECEMBER, "2027-12-03T14:00:00+01:00"),
    ("fr", "31/12 23h30", LATE_DECEMBER, "2026-12-31T23:30:00+01:00"),
    ("fr", "31/12 23h30", NEW_YEAR_EVE, "2026-12-31T23:30:00+01:00"),  # still ahead tonight
    ("en", "12/31 11:30pm", NEW_YEAR_EVE, "2026-12-31T23:30:00+01:00"),
    ("fr", "à 23h30", NEW_YEAR_EVE, "2026-12-31T23:30:00+01:00"),
    ("fr", "1er janvier 10h", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    ("fr", "le 1er janvier à 0h30", NEW_YEAR_EVE, "2027-01-01T00:30:00+01:00"),  # an hour after midnight
    ("fr", "1er janv 10h", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    ("en", "January 1st 10am", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    ("fr", "demain 10h", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    ("fr", "lundi prochain 10h", LATE_DECEMBER, "2027-01-04T10:00:00+01:00"),
    ("fr", "1/1/27 10h", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    # a day of the month alone is the next month that has it (dateparser read « le 1er » as 1 December: past)
    ("fr", "le 1er à 10h", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    ("en", "on the 1st at 10am", NEW_YEAR_EVE, "2027-01-01T10:00:00+01:00"),
    ("fr", "le 15 à 14h", LATE_DECEMBER, "2027-01-15T14:00:00+01:00"),
    ("fr", "le 30 à 14h", LATE_DECEMBER, "2026-12-30T14:00:00+01:00"),
    ("fr", "le 31 à 10h", datetime(2027, 1, 31, 12, 0, tzinfo=UTC), "2027-03-31T10:00:00+02:00"),  # no 31 Feb
])
def test_year_ends_and_days_alone(locale: str, text: str, now: datetime, expected: str) -> None:
    assert start(text, locale, now) == expected


def test_a_day_that_no_month_has_is_refused() -> None:
    with pytest.raises(UserError) as caught:
        parse_start("le 32 à 10h", PARIS, LATE_DECEMBER, "fr")
    assert caught.value.key == "values.date.invalid"
    with pytest.raises(UserError) as caught:
        parse_start("le 1er", PARIS, NEW_YEAR_EVE, "fr")
    assert caught.value.key == "values.date.no_time" and caught.value.values["date"] == "vendredi 1er janvier 2027"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_paris_changes_its_clocks_douala_does_not(locale: str) -> None:
    """An organiser in Paris sets 14:00 around the last Sunday of March and of October; a member in Douala
    (UTC+01:00 all year) reads 14:00 in winter and 13:00 in summer, spelled in her language."""
    winter, summer = "samedi 27 mars 2027" if locale == "fr" else "Saturday 27 March 2027", \
        "lundi 29 mars 2027" if locale == "fr" else "Monday 29 March 2027"
    before = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    saturday = parse_start("27/03 14h" if locale == "fr" else "3/27 2pm", PARIS, before, locale)
    monday = parse_start("29/03 14h" if locale == "fr" else "3/29 2pm", PARIS, before, locale)
    assert fmt_datetime(saturday, locale, DOUALA) == f"{winter}, 14:00 (WAT)"
    assert fmt_datetime(monday, locale, DOUALA) == f"{summer}, 13:00 (WAT)"
    autumn = datetime(2027, 10, 20, 9, 0, tzinfo=UTC)
    sunday_after = parse_start("dimanche 31 octobre 2027 à 3h" if locale == "fr" else "October 31 2027 3am",
                               PARIS, autumn, locale)
    assert sunday_after.isoformat() == "2027-10-31T03:00:00+01:00"  # after the change: winter time again
    assert fmt_datetime(sunday_after, locale, DOUALA).endswith("03:00 (WAT)")
    for skipped_or_twice, key in (("28/03/2027 2h30", "webinars.error_nonexistent"),
                                  ("31/10/2027 2h30", "webinars.error_ambiguous")):
        text = skipped_or_twice if locale == "fr" else {"28/03/2027 2h30": "3/28/2027 2:30am",
                                                         "31/10/2027 2h30": "10/31/2027 2:30am"}[skipped_or_twice]
        with pytest.raises(UserError) as caught:
            parse_start(text, PARIS, before, locale)
        assert caught.value.key == key
        assert parse_start(text, DOUALA, before, locale).hour == 2  # the same wall clock exists once in Douala
