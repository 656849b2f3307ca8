"""Cancelling one session of a series (issue 19 #2): `/webinar cancel ID date=…` asks first, tells the
Going/Maybe members and the channel once, skips that session everywhere (reminders, lists, the .ics feed,
the Discord event) and keeps the others; French dates day first."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from bot.core.clock import SimClock
from bot.services.webinars import Spec, calendar_feeds, next_start, occurrences, skipping
from bot.settings import Settings
from tests.conftest import ConsoleFactory

CREATE = ('/webinar create title="Weekly clinic" start="2026-12-08 14:00" tz=Europe/Paris '
          'link=https://meet.example.org/w repeat=weekly')


def test_a_skipped_session_is_left_out_and_the_others_stay() -> None:
    spec = Spec(title="t", description="", local_start="2026-12-08T14:00:00+01:00", timezone="Europe/Paris",
                duration_min=60, language="en", link="https://x.org", rrule="FREQ=WEEKLY")
    second = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)
    skipped = Spec(**{**spec.as_dict(), "rrule": skipping("FREQ=WEEKLY", second, "Europe/Paris")})  # type: ignore[arg-type]
    starts = [s for s, _ in zip(occurrences(skipped, datetime(2026, 12, 1, tzinfo=UTC)), range(3), strict=False)]
    assert starts == [datetime(2026, 12, 8, 13, 0, tzinfo=UTC), datetime(2026, 12, 22, 13, 0, tzinfo=UTC),
                      datetime(2026, 12, 29, 13, 0, tzinfo=UTC)]
    assert next_start(skipped, datetime(2026, 12, 9, tzinfo=UTC)) == datetime(2026, 12, 22, 13, 0, tzinfo=UTC)


async def test_one_session_cancelled_in_french_the_series_goes_on(console: ConsoleFactory, settings: Settings,
                                                                   clock: SimClock) -> None:
    async with console(user="admin") as session:
        await session.send(CREATE, ":click 1", ":join awa fr", ":as awa", "/webinaire voir 1", ":click 1")
        await session.send(":as admin", "/langue fr")
        asked = await session.send("/webinaire annuler 1 date=15/12")  # day first in French: 15 December
        assert "seulement la séance du" in asked and "1 membre ayant répondu" in asked and "15 décembre" in asked
        told = await session.send(":click 1") + await session.send(":advance 1m")
        assert "La série continue" in told
        assert "[DM awa] ❌ Cette séance est annulée" in told and told.count("❌") == 2  # her DM, one post
        feed = await calendar_feeds.community_feed(session.app.services, clock.now())
        [event] = Calendar.from_ical(feed.body).walk("VEVENT")
        assert event.get("exdate") is not None and "20261215T140000" in event.to_ical().decode()
        listed = await session.send(":as awa", "/webinaire liste")
        assert "8 décembre" in listed  # the first session is still the next one
        await session.send(":advance 8d")  # past the 8th: the next session is now the 22nd, not the 15th
        listed = await session.send("/webinaire liste")
        assert "22 décembre" in listed and "15 décembre" not in listed
        again = await session.send(":as admin", "/webinaire annuler 1 date=15/12")
        assert "pas de séance à venir" in again


async def test_a_single_session_and_unknown_dates_are_explained(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send('/webinar create title="Once" start="2026-12-08 14:00" tz=UTC link=https://x.org/a',
                           ":click 1", CREATE, ":click 1")
        assert "has only one session" in await session.send("/webinar cancel 1 date=2026-12-08")
        assert "no session to come" in await session.send("/webinar cancel 2 date=2026-12-09")
        assert "no session to come" in await session.send("/webinar cancel 2 date=31/02")
        assert "stays scheduled" in await session.send("/webinar cancel 2 date=2026-12-15", ":click 2")
