"""The issue's "Done when" journey through the console door on a simulated clock.

Admin creates a weekly webinar in Europe/Paris -> announcement with buttons -> ram (English,
Asia/Kathmandu) and awa (French, Africa/Douala) RSVP -> :advance delivers each reminder once, in each
member's language and local time -> restart on the same database and advance again: no duplicates ->
the ICS feed parses back.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

from bot.app import lifespan
from bot.commands.webinars import feed
from bot.core.clock import SimClock
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings
from bot.store import members

START = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)  # a Saturday; Europe/Paris moves to summer time on 28 March
ZONES = {"ram": "Asia/Kathmandu", "awa": "Africa/Douala"}
CREATE = ('/webinar create title="Implementers call" start="next tuesday 14:00" tz=Europe/Paris duration=60 '
          'lang=bilingual link=https://meet.example.org/imp repeat=weekly')


async def run_console(db_path: Path, lines: list[str]) -> str:
    """Feed lines to a console door on `db_path`; members named in :join get their timezone set."""
    settings = Settings(db_path=str(db_path), community_timezone="UTC")
    clock = SimClock(START)
    out = io.StringIO()
    async with lifespan(settings=settings, clock=clock) as app:
        door = ConsoleDoor(app, clock, out, "ana", "en", files=db_path.parent / "console-files")
        await door.restore_clock()
        for line in lines:
            await door.handle_line(line)
            name = line.split()[1] if line.startswith(":join") else None
            if name in ZONES:
                async with app.services.store.transaction() as db:
                    member = await members.by_name(db, "console", name)
                    assert member is not None
                    await members.set_timezone(db, member.id, ZONES[name])
    return out.getvalue()


def dm_lines(output: str, who: str, marker: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"[DM {who}]") and marker in line]


async def test_done_when_journey(tmp_path: Path) -> None:
    db_path = tmp_path / "journey.db"
    first = await run_console(db_path, [
        ":join ram en", ":join awa fr",  # first: their welcome DM has buttons too, and :click presses the newest
        ":admin ana", CREATE, ":click 1",
        ":as ram", ":click 1",          # Going
        ":as awa", ":click 2",          # Maybe (Peut-être)
        ":advance 9d",                  # two sessions: 23 March (CET) and 30 March (CEST)
    ])
    # the organiser saw the parsed time confirmed back in Paris time before anything was saved
    assert "Start in Europe/Paris: Tuesday 23 March 2027, 14:00 (CET)." in first
    assert "[DM ana] Saved as webinar #1 and announced in #announcements." in first
    announcement = first.split("[#announcements] 📣 New webinar #1", 1)[1]
    assert "[1] Going / J'y serai  [2] Maybe / Peut-être  [3] Not going / Je ne viens pas" in announcement
    assert "(file webinar-1.ics" in announcement
    assert "Nouveau webinaire n°1" in announcement

    ram = dm_lines(first, "ram", "Reminder")
    awa = dm_lines(first, "awa", "Rappel")
    assert ram == [
        "[DM ram] ⏰ Reminder: “Implementers call” starts in 1 day, Tuesday 23 March 2027, 18:45 (+0545).",
        "[DM ram] ⏰ Reminder: “Implementers call” starts in 1 hour, Tuesday 23 March 2027, 18:45 (+0545).",
    ]
    assert awa == [
        "[DM awa] ⏰ Rappel : « Implementers call » commence dans 1 jour, mardi 23 mars 2027, 14:00 (WAT).",
        "[DM awa] ⏰ Rappel : « Implementers call » commence dans 1 heure, mardi 23 mars 2027, 14:00 (WAT).",
    ]
    assert first.count("[#announcements] 🔴 Starting now: “Implementers call”") == 1
    assert first.rstrip().endswith("[console] now 2027-03-29 09:00 UTC")

    # restart on the same database: the clock continues; the 30 March session (summer time in Paris,
    # so one hour earlier in Kathmandu and Douala) is reminded once, and nothing of 23 March comes again
    second = await run_console(db_path, [":now", ":advance 2d"])
    assert second.startswith("[console] now 2027-03-29 09:00 UTC")
    assert "23 March" not in second and "23 mars" not in second
    assert dm_lines(second, "ram", "Reminder") == [
        "[DM ram] ⏰ Reminder: “Implementers call” starts in 1 day, Tuesday 30 March 2027, 17:45 (+0545).",
        "[DM ram] ⏰ Reminder: “Implementers call” starts in 1 hour, Tuesday 30 March 2027, 17:45 (+0545).",
    ]
    assert dm_lines(second, "awa", "Rappel") == [
        "[DM awa] ⏰ Rappel : « Implementers call » commence dans 1 jour, mardi 30 mars 2027, 13:00 (WAT).",
        "[DM awa] ⏰ Rappel : « Implementers call » commence dans 1 heure, mardi 30 mars 2027, 13:00 (WAT).",
    ]
    assert second.count("Starting now") == 1

    # and again: a restart with a short advance brings nothing new
    third = await run_console(db_path, [":advance 1d"])
    assert "[DM" not in third and "[#" not in third

    content, count = await feed(Settings(db_path=str(db_path)), START)
    calendar = Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    assert count == 1 and len(events) == 1
    event = events[0]
    assert str(event["uid"]) == "webinar-1@community-bot.openimis.org"
    assert event.decoded("dtstart") == datetime(2027, 3, 23, 13, 0, tzinfo=UTC)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Paris"
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
