"""Issue 20 #2, #4: a round started by hand is asked first, never empty, never overlaps, resets the cadence."""

from __future__ import annotations

from tests.conftest import ConsoleFactory, ConsoleSession
from tests.test_peers_console import PEOPLE, join_all


async def rounds(session: ConsoleSession) -> list[tuple[object, ...]]:
    return [tuple(r) for r in await session.app.services.store.fetch_all("SELECT id, kind FROM peer_rounds")]


async def test_an_empty_round_is_refused_with_the_reason(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        assert "No round started: nobody takes part in peer matching yet." in await session.send("/peers round now")
        await join_all(session, PEOPLE[:1])
        alone = await session.send("/peers round now")
        assert "No round started: 1 participant available, not enough for a group" in alone
        await session.send("/langue fr")
        assert "Aucun tour lancé" in await session.send("/pairs tour maintenant")
        assert await rounds(session) == []


async def test_round_now_asks_first_and_not_now_sends_nothing(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await join_all(session, PEOPLE)
        asked = await session.send("/peers round now")
        assert "4 participants will hear from me: 2 groups introduced, 0 members told why" in asked
        assert "next automatic round then comes a cadence later, Tuesday 15 December 2026, 09:00" in asked
        assert "[group" not in asked and await rounds(session) == []
        assert "No round started; nobody was told anything." in await session.send(":click 2")
        assert await rounds(session) == []


async def test_a_manual_round_resets_the_cadence_and_nobody_is_in_two_open_rounds(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await join_all(session, PEOPLE)  # the first automatic round would be Monday 7 December
        started = await session.send("/peers round now", ":click 1")
        assert "Round 1 planned: 2 groups" in started and started.count("[group ") == 2
        again = await session.send(":click 1")  # the Start button pressed twice
        assert "No round started: everyone taking part is already in round 1, open until" in again
        preview = await session.send("/peers round preview")
        assert preview.count("• already in round 1, open until") == 4
        status = await session.send(":as ana", "/peers status")
        assert "Next round: Tuesday 15 December 2026, 09:00 (UTC)." in status
        quiet = await session.send(":as admin", ":advance 10d")  # past Monday 7 December: no second round
        assert "[group " not in quiet and await rounds(session) == [(1, "manual")]
        later = await session.send(":advance 5d")  # Wednesday 16 December: the round of the 15th has run
        assert later.count("[group ") == 2 and await rounds(session) == [(1, "manual"), (2, "scheduled")]


async def test_preview_speaks_of_the_member_not_to_them(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await join_all(session, PEOPLE[:2])
        await session.send(":as ana", "/peers exclude bea", ":as admin")
        preview = await session.send("/peers round preview")
        assert "(everyone who shares a language with them is on an exclusion list, theirs or the other member's)" \
            in preview
        assert "with you" not in preview


async def test_webinar_cancel_asks_first_saying_how_many_are_told(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send('/webinar create title="Implementers call" start="2026-12-10 14:00" tz=UTC '
                           'link=https://meet.example.org/a', ":click 1")
        await session.send(":join ram en", ":as ram", "/webinar show 1", ":click 1", ":as admin")
        asked = await session.send("/webinar cancel 1")
        assert "Cancel webinar #1 “Implementers call” (the whole series)? 1 member who said Going" in asked
        assert "#announcements gets a post" in asked and "❌" not in asked
        assert "Nothing changed: webinar #1 stays scheduled" in await session.send(":click 2")
        status = await session.app.services.store.fetch_all("SELECT status FROM webinars")
        assert [tuple(r) for r in status] == [("scheduled",)]
        done = await session.send("/webinar cancel 1", ":click 1")
        assert "Webinar #1 is cancelled; 1 member who" in done and "[DM ram] ❌ Cancelled" in done
        await session.send(":as ram")
        assert "only community admins" in await session.send("/webinar cancel 1")
