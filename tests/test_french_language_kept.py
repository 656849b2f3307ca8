"""The member's platform language at the join is kept (issue 13 #5): events without a locale (Slack buttons,
a console restarted) and messages sent later follow it until the member chooses another."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, CommandInvoked, MemberJoined, Reply
from bot.settings import Settings
from tests.conftest import ConsoleFactory

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
JOINING = Actor("slack", "U0FR", "Awa", platform_locale="fr-FR")
PRESSING = Actor("slack", "U0FR", "Awa")  # a Slack button press carries no locale


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    async with lifespan(settings=Settings(db_path=str(tmp_path / "bot.db")), clock=SimClock(START)) as app:
        yield app


def text(result: object) -> str:
    replies = result if isinstance(result, list) else [result]
    return "\n".join(r.text for r in replies if isinstance(r, Reply))


async def test_a_button_press_without_locale_is_answered_in_the_language_of_the_join(app: App) -> None:
    await app.dispatcher.handle(MemberJoined(JOINING))
    answer = await app.dispatcher.handle(ButtonPressed(PRESSING, "peers.checkin", "999:yes"))
    assert "Ce bouton n'est plus actif" in text(answer)
    await app.dispatcher.handle(CommandInvoked(PRESSING, "language", "en"))  # the member's own choice wins
    again = await app.dispatcher.handle(ButtonPressed(PRESSING, "peers.checkin", "999:yes"))
    assert "This button is no longer active" in text(again)


async def test_a_console_member_who_joined_in_french_stays_french_after_a_restart(console: ConsoleFactory) -> None:
    async with console(user="host") as session:
        welcome = await session.send(":join zoe fr")
        assert "Bienvenue" in welcome
    async with console(user="zoe") as session:  # restarted; no language given on the command line
        helped = await session.send("/aide")
        assert "Voici ce que je peux faire" in helped, helped
