"""Dates typed in the reader's locale (French day first), spelled out in confirmations, around DST changes
and year ends; durations in English and French."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.context import UserError
from bot.core.i18n import fmt_datetime, spell_day
from bot.core.values import dates, durations
from bot.services.webinars import parse_offsets, parse_start

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 2 December 2026, 10:00 in Paris
PARIS = "Europe/Paris"
DOUALA = "Africa/Douala"


def start(text: str, locale: str, tz: str = DOUALA, now: datetime = NOW) -> str:
    return parse_start(text, tz, now, locale).isoformat()


@pytest.mark.parametrize(("text", "expected"), [
    ("3/12", None),  # a date without a time: asked for the time (below)
    ("03/12/2027 14h", "2027-12-03T14:00:00+01:00"),
    ("3/12 14h", "2026-12-03T14:00:00+01:00"),
    ("11/12 10h", "2026-12-11T10:00:00+01:00"),
    ("le 3 décembre à 14h30", "2026-12-03T14:30:00+01:00"),
    ("mardi prochain 15h", "2026-12-08T15:00:00+01:00"),
    ("demain 9h", "2026-12-03T09:00:00+01:00"),
    ("à 14h", "2026-12-02T14:00:00+01:00"),
    ("à 9h", "2026-12-03T09:00:00+01:00"),  # 9:00 has passed today (it is 10:00): tomorrow
    ("2 janvier 2027 à 9 heures", "2027-01-02T09:00:00+01:00"),
    ("1er mai 10h", "2027-05-01T10:00:00+01:00"),
    ("le 1er mai à midi", "2027-05-01T12:00:00+01:00"),
    ("mardi 3 décembre 15h", "2026-12-03T15:00:00+01:00"),
    ("03.12.2027 14:30", "2027-12-03T14:30:00+01:00"),
    ("2027-12-03 15:00", "2027-12-03T15:00:00+01:00"),
])
def test_french_reads_day_first(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(UserError) as caught:
            start(text, "fr")
        assert caught.value.key == "values.date.no_time"
        assert caught.value.values["date"] == "jeudi 3 décembre 2026"
    else:
        assert start(text, "fr") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("03/12/2027 14:00", "2027-03-12T14:00:00+01:00"),  # month first, as it always was in English
    ("12/3 2pm", "2026-12-03T14:00:00+01:00"),
    ("next tuesday 14:00", "2026-12-08T14:00:00+01:00"),
    ("tomorrow 9am", "2026-12-03T09:00:00+01:00"),
    ("Dec 3 2:30pm", "2026-12-03T14:30:00+01:00"),
    ("December 3, 2027 15:00", "2027-12-03T15:00:00+01:00"),
    ("3 December 2027 at 3pm", "2027-12-03T15:00:00+01:00"),
    ("at noon", "2026-12-02T12:00:00+01:00"),
    ("in 3 days", None),
])
def test_english_keeps_what_works(text: str, expected: str | None) -> None:
    if expected is None:  # not for the strict reader: dateparser reads it
        assert parse_start(text, DOUALA, NOW, "en") > NOW
    else:
        assert start(text, "en") == expected


def test_only_all_numeric_day_month_pairs_read_both_ways() -> None:
    assert dates.reads_both_ways("03/12/2027 14:00") and dates.reads_both_ways("3/12 2pm")
    assert not dates.reads_both_ways("2027-12-03 14:00")
    assert not dates.reads_both_ways("13/12 14:00") and not dates.reads_both_ways("3/3 9am")
    assert not dates.reads_both_ways("next tuesday 14:00") and not dates.reads_both_ways("3 December 14:00")


@pytest.mark.parametrize(("locale", "text", "key"), [
    ("fr", "31/02/2027 10h", "values.date.invalid"), ("fr", "demain 25h", "values.date.invalid"),
    ("en", "tomorrow 13pm", "values.date.invalid"), ("fr", "hier 10h", "webinars.error_past"),
    ("fr", "03/12/2020 14h", "webinars.error_past"), ("fr", "quand les poules auront des dents", "webinars.error_date"),
    ("en", "tomorrow 9am 10am", "values.date.invalid"),
])
def test_impossible_and_past_dates_are_refused(locale: str, text: str, key: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_start(text, DOUALA, NOW, locale)
    assert caught.value.key == key


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_year_end_without_a_year_is_the_next_occurrence(locale: str) -> None:
    new_year_eve = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 21:00 in Douala
    first_of_january = "1/1 9h" if locale == "fr" else "1/1 9am"
    assert start(first_of_january, locale, now=new_year_eve) == "2027-01-01T09:00:00+01:00"
    assert start("à 14h" if locale == "fr" else "at 14:00", locale, now=new_year_eve) == "2027-01-01T14:00:00+01:00"
    day_month = "3/1 10h" if locale == "fr" else "1/3 10am"
    assert start(day_month, locale, now=new_year_eve) == "2027-01-03T10:00:00+01:00"
    assert start("31/12 22h" if locale == "fr" else "12/31 10pm", locale, now=new_year_eve) == \
        "2026-12-31T22:00:00+01:00"
    assert start("31/12 20h" if locale == "fr" else "12/31 8pm", locale, now=new_year_eve) == \
        "2027-12-31T20:00:00+01:00"  # 20:00 today has passed: next year's
    friday = "vendredi 10h" if locale == "fr" else "friday 10am"  # 31 December 2026 is a Thursday
    assert start(friday, locale, now=new_year_eve) == "2027-01-01T10:00:00+01:00"


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_dst_changes_in_paris(locale: str) -> None:
    before_spring = datetime(2027, 3, 26, 12, 0, tzinfo=UTC)  # Friday; Paris springs forward on Sunday 28 March
    sunday = "28/03 2h30" if locale == "fr" else "3/28 2:30am"
    with pytest.raises(UserError) as caught:
        parse_start(sunday, PARIS, before_spring, locale)
    assert caught.value.key == "webinars.error_nonexistent"
    assert start("dimanche 14h" if locale == "fr" else "sunday 2pm", locale, PARIS, before_spring) == \
        "2027-03-28T14:00:00+02:00"
    assert start("samedi 14h" if locale == "fr" else "saturday 2pm", locale, PARIS, before_spring) == \
        "2027-03-27T14:00:00+01:00"
    before_autumn = datetime(2027, 10, 29, 12, 0, tzinfo=UTC)
    repeated = "31/10 2h30" if locale == "fr" else "10/31 2:30am"
    with pytest.raises(UserError) as caught:
        parse_start(repeated, PARIS, before_autumn, locale)
    assert caught.value.key == "webinars.error_ambiguous"
    assert parse_start("2027-10-31 02:30 +01:00", PARIS, before_autumn, locale).utcoffset().total_seconds() == 3600


def test_a_time_alone_after_the_change_keeps_the_wall_clock() -> None:
    saturday_night = datetime(2027, 3, 27, 22, 0, tzinfo=UTC)  # 23:00 in Paris, before the change
    assert start("à 14h", "fr", PARIS, saturday_night) == "2027-03-28T14:00:00+02:00"


def test_confirmations_spell_the_date_in_the_readers_language() -> None:
    may_day = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    assert spell_day(date(2027, 5, 1), "fr") == "samedi 1er mai 2027"
    assert spell_day(date(2027, 5, 2), "fr") == "dimanche 2 mai 2027"
    assert spell_day(date(2027, 5, 1), "en") == "Saturday 1 May 2027"
    assert fmt_datetime(may_day, "fr", DOUALA) == "samedi 1er mai 2027, 09:00 (WAT)"


def test_durations_in_english_and_french() -> None:
    assert [durations.minutes(t) for t in ("60", "90 min", "1h30", "1 h 30", "1:30", "2 heures", "1 heure 30",
                                            "45 minutes", "2h")] == [60, 90, 90, 90, 90, 120, 90, 45, 120]
    assert durations.minutes("bientôt") is None and durations.minutes("1j30") is None
    assert parse_offsets("2 jours, 1 heure") == [2880, 60]
    assert parse_offsets("24h et 1h") == [1440, 60]
    assert parse_offsets("1 day 30 minutes") == [1440, 30]
    assert parse_offsets("1h 30m") == [60, 30] and parse_offsets("1h30") == [90]
