"""Subscribable webinar calendars on the bot's HTTP server (issue 19 #4): the community feed with ETag and
Last-Modified, one webinar's file, a member's private feed behind an unguessable link, and /healthz."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import aiohttp
from icalendar import Calendar

from bot.settings import Settings
from tests.conftest import ConsoleFactory

PUBLIC = "https://bot.example.org"
CREATE = ('/webinar create title="Implementers call" start="2026-12-08 14:00" tz=Europe/Paris '
          'link=https://meet.example.org/x')
OTHER = ('/webinar create title="Claims deep dive" start="2026-12-10 09:00" tz=Africa/Douala '
         'link=https://meet.example.org/y')


async def get(session: Any, path: str, **headers: str) -> tuple[int, Any, bytes]:
    url = session.app.web.url(path)
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, response.headers.copy(), await response.read()


def titles(body: bytes) -> list[str]:
    return sorted(str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT"))


async def two_webinars_and_an_rsvp(session: Any) -> None:
    """Admin creates two webinars; ana says Going to the first only."""
    await session.send(":as admin", CREATE, ":click 1", OTHER, ":click 1", ":join ana en", ":as ana",
                       "/webinar show 1", ":click 1")


async def test_community_feed_is_cached_until_a_webinar_changes(console: ConsoleFactory, settings: Settings) -> None:
    async with console(user="admin", app_settings=replace(settings, public_url=PUBLIC)) as session:
        await session.app.web.listen("127.0.0.1", 0)
        await two_webinars_and_an_rsvp(session)
        status, headers, body = await get(session, "/webinars.ics")
        assert status == 200 and headers["Content-Type"].startswith("text/calendar")
        assert titles(body) == ["Claims deep dive", "Implementers call"]
        again = await get(session, "/webinars.ics")
        assert again[2] == body and again[1]["ETag"] == headers["ETag"]  # the same bytes while nothing changes
        assert (await get(session, "/webinars.ics", **{"If-None-Match": headers["ETag"]}))[0] == 304
        assert (await get(session, "/webinars.ics", **{"If-Modified-Since": headers["Last-Modified"]}))[0] == 304
        await session.send(":as admin", "/webinar cancel 2", ":click 1")
        status, changed, body = await get(session, "/webinars.ics", **{"If-None-Match": headers["ETag"]})
        assert status == 200 and changed["ETag"] != headers["ETag"] and titles(body) == ["Implementers call"]


async def test_one_webinar_and_unknown_paths(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.app.web.listen("127.0.0.1", 0)
        await two_webinars_and_an_rsvp(session)
        status, _, body = await get(session, "/webinars/2.ics")
        assert status == 200 and titles(body) == ["Claims deep dive"]
        for path in ("/webinars/99.ics", "/webinars/abc.ics", "/webinars/2", "/calendar/nope.ics"):
            assert (await get(session, path))[0] == 404, path
        status, _, body = await get(session, "/healthz")
        assert status == 200 and b'"ok"' in body


async def test_a_members_private_feed_holds_what_they_answered(console: ConsoleFactory, settings: Settings) -> None:
    async with console(user="admin", app_settings=replace(settings, public_url=PUBLIC)) as session:
        await session.app.web.listen("127.0.0.1", 0)
        await two_webinars_and_an_rsvp(session)
        answer = await session.send("/webinar calendar")
        [link] = re.findall(rf"{PUBLIC}/calendar/[\w-]+\.ics", answer)
        assert f"{PUBLIC}/webinars.ics" in answer and len(link.rsplit("/", 1)[1]) >= 32
        assert await session.send("/webinar calendar") == answer  # the same link every time
        status, _, body = await get(session, link.removeprefix(PUBLIC))
        assert status == 200 and titles(body) == ["Implementers call"]
        await session.send(":join awa fr", ":as awa")
        french = await session.send("/webinaire calendrier")
        assert "Votre agenda personnel" in french and "«\u00a0J'y serai\u00a0»" in french
        [awa_link] = re.findall(rf"{PUBLIC}/calendar/[\w-]+\.ics", french)
        assert awa_link != link and titles((await get(session, awa_link.removeprefix(PUBLIC)))[2]) == []
        await session.send(":as ana", "/forget-me", ":click 1")
        assert (await get(session, link.removeprefix(PUBLIC)))[0] == 404  # erased with her


async def test_announcements_carry_the_feed_link_only_when_published(console: ConsoleFactory,
                                                                     settings: Settings) -> None:
    async with console(user="admin", app_settings=replace(settings, public_url=PUBLIC)) as session:
        posted = await session.send(CREATE, ":click 1", ":advance 1m")
        assert f"All webinars in your calendar: {PUBLIC}/webinars.ics" in posted
    async with console(user="admin") as session:
        await session.send(":join ana en", ":as ana")
        assert "not published" in await session.send("/webinar calendar")
