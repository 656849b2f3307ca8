"""Webinar schedules: natural dates (EN/FR), timezones, DST, recurrence, validation and due times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from bot.core.context import UserError
from bot.services.webinars import (
    Raw,
    Spec,
    SpecErrors,
    due_events,
    last_started,
    next_due,
    next_start,
    occurrences,
    parse_duration,
    parse_inline,
    parse_offsets,
    parse_repeat,
    parse_start,
)
from bot.services.webinars.spec import build_spec

NOW = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)  # Saturday 20 March 2027, 10:00 in Paris
PARIS = "Europe/Paris"


def key_of(call, *args: object) -> str:
    with pytest.raises(UserError) as caught:
        call(*args)
    return caught.value.key


@pytest.mark.parametrize(("text", "expected"), [
    ("next tuesday 14:00", "2027-03-23T14:00:00+01:00"),
    ("next Tuesday 2pm", "2027-03-23T14:00:00+01:00"),
    ("mardi 3 décembre 15h", "2027-12-03T15:00:00+01:00"),
    ("mardi prochain 14h", "2027-03-23T14:00:00+01:00"),
    ("demain 10h30", "2027-03-21T10:30:00+01:00"),
    ("2027-04-01 09:00", "2027-04-01T09:00:00+02:00"),
    ("2027-10-31 02:30 +01:00", "2027-10-31T02:30:00+01:00"),
])
def test_natural_dates_in_english_and_french(text: str, expected: str) -> None:
    assert parse_start(text, PARIS, NOW).isoformat() == expected


def test_dates_are_read_relative_to_the_injected_clock_in_the_given_zone() -> None:
    late_saturday = datetime(2027, 3, 20, 22, 30, tzinfo=UTC)  # 23:30 in Paris, Sunday 04:15 in Kathmandu
    assert parse_start("tomorrow 10:00", "Asia/Kathmandu", late_saturday).date().isoformat() == "2027-03-22"
    assert parse_start("tomorrow 10:00", PARIS, late_saturday).date().isoformat() == "2027-03-21"


@pytest.mark.parametrize(("text", "key"), [
    ("yesterday 10:00", "webinars.error_past"),
    ("2020-01-01 10:00", "webinars.error_past"),
    ("when pigs fly", "webinars.error_date"),
    ("2027-03-28 02:30", "webinars.error_nonexistent"),   # Paris springs forward 02:00 -> 03:00
    ("2027-10-31 02:30", "webinars.error_ambiguous"),     # Paris falls back 03:00 -> 02:00
])
def test_bad_dates_are_refused(text: str, key: str) -> None:
    assert key_of(parse_start, text, PARIS, NOW) == key


def test_unknown_timezones_get_suggestions() -> None:
    spec = build_spec(Raw(values={"title": "T", "start": "2027-12-10 10:00", "timezone": "Katmandou",
                                  "link": "https://x.org/a"}),
                      base=None, organiser_tz=None, default_language="fr", now=NOW, locale="fr")
    assert spec.timezone == "Asia/Kathmandu"
    with pytest.raises(SpecErrors) as caught:
        build_spec(Raw(values={"title": "T", "start": "2027-12-10 10:00", "timezone": "Europe/Pari",
                               "link": "https://x.org/a"}),
                   base=None, organiser_tz=None, default_language="en", now=NOW)
    error = caught.value.errors["timezone"]
    assert error.key == "values.zone.suggest" and "Europe/Paris" in error.values["suggestions"]


def test_durations_and_offsets() -> None:
    assert [parse_duration(t) for t in ("60", "90m", "1h30", "1:15", "2h")] == [60, 90, 90, 75, 120]
    for bad in ("0", "3", "13h", "soon"):
        assert key_of(parse_duration, bad) == "webinars.error_duration"
    assert parse_offsets("1h 24h, 30m 1h") == [1440, 60, 30]
    assert parse_offsets("2j 1h30m") == [2880, 90]
    for bad in ("", "15d", "1h 2h 3h 4h 5h 6h", "soon"):
        assert key_of(parse_offsets, bad) == "webinars.error_offsets"


def test_inline_arguments() -> None:
    positional, raw = parse_inline('3 titre="L\'appel des développeurs" start="next friday 10:00" TZ=Africa/Douala')
    assert positional == ["3"]
    assert raw.values == {"title": "L'appel des développeurs", "start": "next friday 10:00",
                          "timezone": "Africa/Douala"}
    assert key_of(parse_inline, 'title="unclosed') == "webinars.error_quotes"
    assert key_of(parse_inline, "colour=blue") == "webinars.error_unknown_key"


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(PARIS))


def test_recurrence_forms() -> None:
    tuesday = paris("2027-03-23T14:00")  # the 4th Tuesday of March
    assert parse_repeat("weekly", tuesday) == "FREQ=WEEKLY"
    assert parse_repeat("hebdomadaire", tuesday) == "FREQ=WEEKLY"
    assert parse_repeat("every 3 weeks", tuesday) == "FREQ=WEEKLY;INTERVAL=3"
    assert parse_repeat("toutes les 2 semaines", tuesday) == "FREQ=WEEKLY;INTERVAL=2"
    assert parse_repeat("monthly", tuesday) == "FREQ=MONTHLY;BYDAY=4TU"
    assert parse_repeat("monthly", paris("2027-03-30T14:00")) == "FREQ=MONTHLY;BYDAY=-1TU"  # 5th -> last
    assert parse_repeat("RRULE:FREQ=MONTHLY;BYDAY=4TU;COUNT=3", tuesday) == "FREQ=MONTHLY;BYDAY=4TU;COUNT=3"
    assert parse_repeat("", tuesday) is None and parse_repeat("none", tuesday) is None
    assert key_of(parse_repeat, "FREQ=MONTHLY;BYDAY=1TU", tuesday) == "webinars.error_repeat_start"
    assert key_of(parse_repeat, "FREQ=HOURLY", tuesday) == "webinars.error_repeat"
    assert key_of(parse_repeat, "FREQ=WEEKLY;BYDAY=XX", tuesday) == "webinars.error_repeat"
    assert key_of(parse_repeat, "every blue moon", tuesday) == "webinars.error_repeat"


def spec(rule: str | None = "FREQ=WEEKLY", start: str = "2027-03-23T14:00:00+01:00", minutes: int = 60) -> Spec:
    return Spec("Developers call", "", start, PARIS, minutes, "en", "https://meet.example.org/dev", rule)


def test_weekly_occurrences_keep_paris_wall_time_across_dst() -> None:
    starts = list(islice(occurrences(spec(), NOW), 3))
    assert starts == [datetime(2027, 3, 23, 13, tzinfo=UTC), datetime(2027, 3, 30, 12, tzinfo=UTC),
                      datetime(2027, 4, 6, 12, tzinfo=UTC)]
    later = datetime(2027, 11, 1, tzinfo=UTC)
    assert next(occurrences(spec(), later)) == datetime(2027, 11, 2, 13, tzinfo=UTC)  # back to CET


def test_monthly_and_counted_rules_end() -> None:
    monthly = spec("FREQ=MONTHLY;BYDAY=4TU;COUNT=3")
    assert [s.date().isoformat() for s in occurrences(monthly, NOW)] == ["2027-03-23", "2027-04-27", "2027-05-25"]
    assert next_start(monthly, datetime(2027, 6, 1, tzinfo=UTC)) is None
    assert last_started(monthly, datetime(2027, 6, 1, tzinfo=UTC)) == datetime(2027, 5, 25, 12, tzinfo=UTC)


def test_one_off_runs_until_its_end() -> None:
    once = spec(None)
    assert next_start(once, datetime(2027, 3, 23, 13, 30, tzinfo=UTC)) == datetime(2027, 3, 23, 13, tzinfo=UTC)
    assert next_start(once, datetime(2027, 3, 23, 14, 0, tzinfo=UTC)) is None


def test_due_events_are_exact_and_ordered() -> None:
    start = datetime(2027, 3, 23, 13, tzinfo=UTC)
    recorded = {start}
    events = list(due_events(spec(), {1440, 60}, recorded, NOW, datetime(2027, 3, 25, tzinfo=UTC)))
    assert [(e.kind, e.at) for e in events] == [
        ("reminder", start - timedelta(days=1)), ("reminder", start - timedelta(hours=1)),
        ("start", start), ("recording", start + timedelta(hours=1)),
    ]
    assert next_due(spec(), {1440, 60}, recorded, NOW) == start - timedelta(days=1)
    assert next_due(spec(), {1440, 60}, recorded, start) == start + timedelta(hours=1)
    assert next_due(spec(), {1440, 60}, set(), start) == datetime(2027, 3, 29, 12, tzinfo=UTC)
    assert next_due(spec(None), {60}, set(), start) is None
    # a long lead (14 days) on a weekly series: the first thing due after the 23 March start-of-series
    # window is the reminder of the 6 April session (12:00 UTC in summer time), one hour before 23 March's start
    assert next_due(spec(), {20160}, set(), NOW) == datetime(2027, 3, 23, 12, tzinfo=UTC)


def test_build_spec_reports_every_bad_field_and_keeps_defaults() -> None:
    raw = Raw({"title": "x" * 121, "start": "yesterday 10:00", "timezone": PARIS, "link": "ftp://nope",
               "duration": "0", "language": "de"})
    with pytest.raises(SpecErrors) as caught:
        build_spec(raw, base=None, organiser_tz=PARIS, default_language="fr", now=NOW)
    assert {k: e.key for k, e in caught.value.errors.items()} == {
        "title": "webinars.error_title_long", "start": "webinars.error_past", "link": "webinars.error_link",
        "duration": "webinars.error_duration", "language": "values.bad.session_language"}
    with pytest.raises(SpecErrors) as caught:
        build_spec(Raw({"title": "Call", "start": "next tuesday 14:00"}), base=None, organiser_tz=PARIS,
                   default_language="fr", now=NOW)
    assert {k: e.key for k, e in caught.value.errors.items()} == {"link": "webinars.error_link_missing"}
    made = build_spec(Raw({"title": "Call", "start": "next tuesday 14:00", "link": "https://x.org/a"}),
                      base=None, organiser_tz="Africa/Douala", default_language="fr", now=NOW)
    assert (made.timezone, made.duration_min, made.language, made.rrule) == ("Africa/Douala", 60, "fr", None)


def test_editing_the_timezone_keeps_the_wall_clock_time() -> None:
    base = spec()
    moved = build_spec(Raw({"timezone": "Africa/Douala"}), base=base, organiser_tz=None, default_language="en",
                       now=NOW)
    assert moved.local_start == "2027-03-23T14:00:00+01:00" and moved.timezone == "Africa/Douala"
    assert moved.rrule == "FREQ=WEEKLY"
    kept = build_spec(Raw({"title": "New title"}), base=base, organiser_tz=None, default_language="en",
                      now=datetime(2027, 6, 1, tzinfo=UTC))  # a series that began in the past can be renamed
    assert kept.schedule() == base.schedule() and kept.title == "New title"
