"""Webinar flows through the console door: bad input, forms, drafts, RSVP, changes, reminders, recordings."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.app import lifespan
from bot.cli import main
from bot.core.clock import SimClock
from bot.core.model import ButtonPressed
from bot.platforms.console.door import ConsoleDoor
from bot.services import privacy
from bot.settings import Settings
from bot.store import members
from bot.store import webinars as sql

NOW = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
LINK = "https://meet.example.org/dev"
CREATE = f'/webinar create title="Developers call" start="next tuesday 14:00" tz=Europe/Paris link={LINK}'
SESSION = datetime(2027, 3, 23, 13, 0, tzinfo=UTC)  # next tuesday 14:00 in Paris


class Session:
    def __init__(self, door: ConsoleDoor, buffer: io.StringIO, clock: SimClock) -> None:
        self.door, self.buffer, self.clock, self._read = door, buffer, clock, 0
        self.services = door.app.services

    async def send(self, *lines: str) -> str:
        for line in lines:
            await self.door.handle_line(line)
        text = self.buffer.getvalue()
        new, self._read = text[self._read :], len(text)
        return new

    async def press(self, action: str, value: str) -> str:
        """Press a button by its action and value (as an old message's button would be pressed)."""
        await self.door.dispatch(ButtonPressed(self.door.actor(), action, value))
        return await self.send()

    async def join(self, name: str, lang: str, tz: str | None = None) -> None:
        """A member who is already in the community (no join event, so no welcome messages here)."""
        self.door.langs[name] = lang
        async with self.services.store.transaction() as db:
            member = await members.upsert(db, self.door.actor(name), self.clock.now())
            await members.set_timezone(db, member.id, tz)

    async def count(self, table: str) -> int:
        row = await self.services.store.fetch_one(f"SELECT COUNT(*) FROM {table}")
        assert row is not None
        return int(row[0])

    async def keys(self, like: str = "webinar:%") -> list[str]:
        rows = await self.services.store.fetch_all(
            "SELECT idempotency_key FROM outbox WHERE idempotency_key LIKE ? ORDER BY id", (like,))
        return [str(r[0]) for r in rows]


@asynccontextmanager
async def opened(db_path: Path, user: str = "ana", lang: str = "en") -> AsyncIterator[Session]:
    clock = SimClock(NOW)
    settings = Settings(db_path=str(db_path), community_timezone="UTC", admins=frozenset({"console:ana"}))
    async with lifespan(settings=settings, clock=clock) as app:
        buffer = io.StringIO()
        door = ConsoleDoor(app, clock, buffer, user, lang, files=db_path.parent / "console-files")
        await door.restore_clock()
        yield Session(door, buffer, clock)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Session]:
    async with opened(tmp_path / "w.db") as s:
        yield s


async def created(s: Session, command: str = CREATE) -> str:
    """Create and confirm a webinar; return what was printed."""
    return await s.send(command, ":click 1")


async def test_bad_input_gets_clear_messages_and_saves_nothing(session: Session) -> None:
    cases = {
        f'/webinar create title="Call" start="yesterday 10:00" link={LINK}': "is in the past",
        f'/webinar create title="Call" start="next tuesday 14:00" tz=Pariss link={LINK}': "Did you mean: Europe/Paris",
        f'/webinar create title="Call" start="2027-03-28 02:30" tz=Europe/Paris link={LINK}': "clocks jump forward",
        f'/webinar create title="Call" start="2027-10-31 02:30" tz=Europe/Paris link={LINK}': "happens twice",
        f'/webinar create title="{"x" * 130}" start="next tuesday 14:00" link={LINK}': "130 characters long",
        '/webinar create title="Call" start="next tuesday 14:00"': "needs a join link",
        f'/webinar create title="Call" start="next tuesday 14:00" link={LINK} repeat="FREQ=HOURLY"': "repetition",
        '/webinar create title="Call': "quote is not closed",
    }
    for command, expected in cases.items():
        assert expected in await session.send(command), command
    await session.send(":as zoe", "/langue fr", ":as ana")
    await session.send(":admin zoe", ":as zoe")
    french = await session.send('/webinaire creer titre="Appel" debut="hier 10h" fuseau=Afrique/Douala')
    assert "Je ne connais pas le fuseau horaire" in french and "lien pour le rejoindre" in french
    for table in ("webinars", "webinar_drafts", "outbox"):
        assert await session.count(table) == 0, table


async def test_form_with_errors_then_more_options_then_confirm(session: Session) -> None:
    out = await session.send("/webinar create")
    assert "== New webinar ==" in out
    out = await session.send("Implementers call", "last monday 10:00")
    assert "is in the past" in out and out.splitlines()[-1].strip().startswith("Start")  # checked as typed
    out = await session.send("next tuesday 14:00", "", "not a link")
    assert "is not a web link" in out and out.splitlines()[-1].strip().startswith("Join link")
    out = await session.send(LINK, "")
    assert "Please check before I save" in out and "Start in UTC: Tuesday 23 March 2027, 14:00 (UTC)." in out
    out = await session.send(":click 2")
    assert "== Duration, language, repeat ==" in out
    out = await session.send("1h30", "2", "toutes les 2 semaines")
    assert "90 min · in French" in out and "every 2 weeks" in out
    assert await session.count("webinars") == 0
    out = await session.send(":click 1")
    assert "Saved as webinar #1" in out
    post = out.split("[#announcements] ", 1)[1]  # a French session in an English community: English, then French
    assert post.startswith("📣 New webinar #1") and "📣 Nouveau webinaire n°1" in post
    async with session.services.store.transaction() as db:
        webinar = await sql.get(db, 1)
    assert webinar is not None
    assert (webinar.spec.duration_min, webinar.spec.language, webinar.spec.rrule) == (90, "fr",
                                                                                      "FREQ=WEEKLY;INTERVAL=2")


async def test_confirm_twice_discard_and_non_admins(session: Session) -> None:
    await session.send(CREATE)
    assert "Saved as webinar #1" in await session.press("webinar.confirm", "1")
    assert "already saved or dropped" in await session.press("webinar.confirm", "1")
    await session.send(CREATE)
    assert "Nothing saved." in await session.press("webinar.discard", "2")
    assert "already saved or dropped" in await session.press("webinar.confirm", "2")
    assert "already saved or dropped" in await session.press("webinar.more", "2")
    assert await session.count("webinars") == 1
    assert await session.keys() == ["webinar:1:announce:console"]
    await session.join("bob", "en")
    await session.send(":as bob")
    for command in (CREATE, "/webinar cancel 1", "/webinar edit 1 title=x", f"/webinar recording 1 {LINK}"):
        assert "only community admins" in await session.send(command)
    await session.send(":as ana", CREATE)
    await session.send(":as bob")
    stale = await session.press("webinar.confirm", "3")  # someone else's draft
    assert "Saved" not in stale and await session.count("webinars") == 1
    assert "Saved as webinar #2" in await session.send(":as ana") + await session.press("webinar.confirm", "3")


async def rsvp_three(s: Session) -> None:
    """ram: Going, awa: Maybe, bob: Not going (the announcement's buttons, pressed by value)."""
    await s.join("ram", "en", "Asia/Kathmandu")
    await s.join("awa", "fr", "Africa/Douala")
    await s.join("bob", "en", None)
    for name, answer in (("ram", "going"), ("awa", "maybe"), ("bob", "no")):
        await s.send(f":as {name}")
        reply = await s.press("webinar.rsvp", f"1:{answer}")
        assert "Noted" in reply or "C'est noté" in reply
    await s.send(":as ana")


async def test_reschedule_and_cancel_notify_going_and_maybe_once(session: Session) -> None:
    await created(session)
    await rsvp_three(session)
    out = await session.send('/webinar edit 1 start="next wednesday 16:00"', ":click 1")
    assert "2 members who said Going or Maybe are told" in out
    assert "[DM ram] 🔁 A webinar you plan to join has changed" in out
    assert "Wednesday 24 March 2027, 20:45 (+0545)" in out
    assert "[DM awa] 🔁 Un webinaire auquel vous comptez participer a changé" in out
    assert "mercredi 24 mars 2027, 16:00 (WAT)" in out
    assert "[DM bob]" not in out and out.count("[#announcements] 🔁 Webinar #1 has changed") == 1
    out = await session.send('/webinar edit 1 title="Developers call (v2)"', ":click 1")
    assert "0 members" in out and "[DM" not in out.split("0 members")[1]
    out = await session.send(":advance 5d")
    assert out.count("[DM ram] ⏰ Reminder") == 2 and "Wednesday 24 March 2027, 20:45" in out
    assert "23 March" not in out
    asked = await session.send("/webinar cancel 1")
    assert "2 members who said Going or Maybe will be told by DM" in asked and "❌" not in asked
    out = await session.send(":click 1")
    assert "Webinar #1 is cancelled; 2 members" in out
    assert out.count("[DM ram] ❌ Cancelled") == 1 and out.count("[DM awa] ❌ Annulé") == 1 and "[DM bob]" not in out
    assert "is cancelled; it cannot be changed" in await session.send("/webinar cancel 1")
    assert "[DM" not in await session.send(":advance 30d")
    keys = await session.keys("webinar:1:cancelled:%")
    assert sorted(keys) == sorted(["webinar:1:cancelled:3:2", "webinar:1:cancelled:3:3",
                                   "webinar:1:cancelled:3:console"])
    out = await session.send(":as ram", "/webinar show 1")
    assert "This webinar is cancelled." in out and "[1] Going" not in out


async def test_late_reminder_says_minutes_and_after_start_is_dropped(session: Session,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    await created(session, CREATE + " repeat=weekly")
    await rsvp_three(session)
    session.clock.set(SESSION - timedelta(minutes=25))  # the bot was down through both reminders
    await session.door.app.heartbeat.tick()
    out = await session.send(":now")
    assert out.count("[DM ram]") == 1 and out.count("[DM awa]") == 1
    assert "“Developers call” is starting in 25 minutes (Tuesday 23 March 2027, 18:45 (+0545))" in out
    assert "« Developers call » commence dans 25 minutes (mardi 23 mars 2027, 14:00 (WAT))" in out
    session.clock.set(datetime(2027, 3, 30, 12, 10, tzinfo=UTC))  # down again, 10 min into the next session
    with caplog.at_level(logging.INFO, logger="bot.services.webinars.notify"):
        await session.door.app.heartbeat.tick()
    out = await session.send(":now")
    assert "[DM" not in out
    assert "[#announcements] 🔴 Starting now" in out  # the session is still running: the link is useful
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len([m for m in dropped if "reminder for 2027-03-30T12:00:00+00:00" in m and "after the start" in m]) == 2
    assert len([m for m in dropped if "'starting now' post for 2027-03-23" in m and "after the end" in m]) == 1


async def test_replaying_the_job_queues_nothing_new(session: Session) -> None:
    await created(session, CREATE + " repeat=weekly")
    await rsvp_three(session)
    await session.send(":advance 11d")
    before = await session.keys()
    await session.services.store.db.execute("UPDATE webinars SET processed_until = '2027-03-20T09:00:00+00:00'")
    await session.send(":advance 1m")
    assert await session.keys() == before
    assert len(before) == len(set(before)) == 1 + 2 * 2 * 2 + 2  # announce, 2 people x 2 offsets x 2 weeks, 2 posts


async def test_members_choose_their_reminders(session: Session) -> None:
    await created(session)
    await rsvp_three(session)
    out = await session.send(":as ram", "/webinar reminders 30m 2h")
    assert "Saved. I remind you by DM 2 hours and 30 minutes before" in out
    out = await session.send(":as awa", "/webinaire rappels off")
    assert "désactivés" in out
    assert "not a list of reminders" in await session.send(":as bob", "/webinar reminders 20d")
    out = await session.send(":as ana", ":advance 4d")
    assert [line for line in out.splitlines() if line.startswith("[DM")] == [
        "[DM ram] ⏰ Reminder: “Developers call” starts in 2 hours, Tuesday 23 March 2027, 18:45 (+0545).",
        "[DM ram] ⏰ Reminder: “Developers call” starts in 30 minutes, Tuesday 23 March 2027, 18:45 (+0545).",
    ]
    assert "1 day and 1 hour" in await session.send(":as ram", "/webinar reminders default")


async def test_recording_goes_to_everyone_who_answered_once(session: Session) -> None:
    await created(session, CREATE + " repeat=weekly")
    await rsvp_three(session)
    await session.join("eve", "en")  # never answered
    await session.send(":advance 3d3h")  # 23 March 12:00: an hour before the session
    out = await session.send(f"/webinar recording 1 {LINK}/rec1")
    assert "once it has ended" in out and "[DM ram]" not in out
    out = await session.send(":advance 2h")
    assert out.count("🎬") == 3 and "[DM eve]" not in out
    assert "[DM awa] 🎬 L'enregistrement de « Developers call » (mardi 23 mars 2027, 14:00 (WAT))" in out
    out = await session.send(f"/webinar recording 1 {LINK}/rec1-fixed")
    assert "sent to 3 members" in out and "🎬" not in out  # already sent for this session: not again
    assert "is not a web link" in await session.send("/webinar recording 1 notalink")


async def test_list_show_ics_and_cli(session: Session, tmp_path: Path) -> None:
    await created(session, CREATE + " lang=fr repeat=monthly")
    out = await session.send(":advance 1h", f'/webinar create title="Other" start="in 2 days at 09:00" link={LINK}',
                             ":click 1")
    assert "Saved as webinar #2" in out
    out = await session.send("/webinar list")
    assert out.index("#2 Other") < out.index("#1 Developers call") and "you: no answer yet" in out
    await session.send(":as ram", "/webinar show 1", ":click 1")
    out = await session.send("/webinar list")
    assert "#1 Developers call — Tuesday 23 March 2027, 13:00 (UTC) — you: Going" in out
    out = await session.send("/webinar show 1")
    assert "Going: 1 · Maybe: 0 · You: Going" in out and "(file webinar-1.ics" in out
    await session.send(":as ana", "/webinar edit 1 duration=45", ":click 1")
    feed_path = tmp_path / "feed.ics"
    cli_args = ["--env-file", "", "webinars", "ics", "--db", session.services.settings.db_path,
                "--out", str(feed_path), "--now", "2027-03-21T00:00:00+00:00"]
    assert await asyncio.to_thread(main, cli_args) == 0
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed_path.read_bytes()).walk("VEVENT")}
    assert set(events) == {"webinar-1@community-bot.openimis.org", "webinar-2@community-bot.openimis.org"}
    first = events["webinar-1@community-bot.openimis.org"]
    assert first["sequence"] == 1 and first.decoded("duration") == timedelta(minutes=45)
    assert first["rrule"].to_ical() == b"FREQ=MONTHLY;BYDAY=4TU"
    await session.send("/webinar cancel 2", ":click 1")
    assert await asyncio.to_thread(main, cli_args) == 0
    assert len(list(Calendar.from_ical(feed_path.read_bytes()).walk("VEVENT"))) == 1


async def test_edit_form_keeps_blank_fields(session: Session) -> None:
    await created(session, CREATE + " repeat=weekly")
    await rsvp_three(session)
    out = await session.send("/webinar edit 1")
    assert "== Edit webinar ==" in out
    out = await session.send("", "next wednesday 16:00", "Africa/Douala", "", "")
    assert "Start in Africa/Douala: Wednesday 24 March 2027, 16:00 (WAT)." in out and "Developers call" in out
    out = await session.press("webinar.confirm", "2")
    assert "Webinar #1 updated; 2 members" in out
    async with session.services.store.transaction() as db:
        webinar = await sql.get(db, 1)
    assert webinar is not None and webinar.sequence == 1
    assert (webinar.spec.title, webinar.spec.link, webinar.spec.timezone, webinar.spec.rrule) == (
        "Developers call", LINK, "Africa/Douala", "FREQ=WEEKLY")
    out = await session.send("/webinar edit 1", "", "2020-01-01 10:00", "", "", "")
    assert "is in the past" in out
    assert await session.count("webinar_drafts") == 2


async def test_mydata_and_forget_me_cover_webinars(session: Session) -> None:
    await created(session, CREATE + " repeat=weekly")
    await rsvp_three(session)
    await session.send(":as ram", "/webinar reminders 2h")
    async with session.services.store.transaction() as db:
        ram = await members.by_name(db, "console", "ram")
        assert ram is not None
        data = await privacy.export(db, ram, session.door.app.routes.privacy, session.clock.now())
    assert data["webinar_rsvps"][0]["answer"] == "going"
    assert data["webinar_reminder_prefs"][0]["offsets"] == "[120]"
    out = await session.send("/forget-me", ":click 1")
    assert await session.services.store.fetch_all("SELECT * FROM webinar_rsvps WHERE member_id = 2") == []
    assert await session.services.store.fetch_all("SELECT * FROM webinar_reminder_prefs") == []
    out = await session.send(":as ana", "/forget-me", ":click 1")
    assert "shared record you created" in out
    row = await session.services.store.fetch_one("SELECT status, created_by FROM webinars WHERE id = 1")
    assert row is not None and (row[0], row[1]) == ("scheduled", None)
    out = await session.send(":advance 4d")
    assert out.count("[DM awa] ⏰ Rappel") == 2 and "[DM ram]" not in out


async def test_weekday_that_does_not_match_the_date_is_pointed_out(session: Session) -> None:
    out = await session.send("/langue fr", f'/webinaire creer titre="Appel Toumaï" debut="mardi 3 décembre 15h" '
                                           f"fuseau=Africa/Douala langue=fr lien={LINK}")
    assert "Début (fuseau horaire Africa/Douala) : vendredi 3 décembre 2027, 15:00 (WAT)." in out
    assert "⚠ Vous avez écrit mardi, mais cette date est le vendredi 3 décembre 2027." in out
    out = await session.send('/webinaire creer titre="Appel" debut="vendredi 3 décembre 15h" ' f"lien={LINK}")
    assert "⚠" not in out


async def test_a_reminder_found_hours_late_says_how_long_is_left(session: Session) -> None:
    await created(session)
    await rsvp_three(session)
    session.clock.set(SESSION - timedelta(hours=20, minutes=15))  # down when the 24 h reminder fell due
    await session.door.app.heartbeat.tick()
    out = await session.send(":now")
    assert "“Developers call” is starting in 20 hours 15 minutes" in out
    assert "« Developers call » commence dans 20 heures 15 minutes" in out
