"""A newcomer who types the answer to an onboarding question in a DM, instead of pressing a button, is
understood (English and French); anything that does not read as the answer still goes to the FAQ."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, MessageReceived, Reply
from bot.core.text import plain
from bot.settings import Settings
from bot.store.profiles import Profile

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AMINA = Actor("console", "amina", "Amina", platform_locale="fr")
RAJ = Actor("console", "raj", "Raj", platform_locale="en")


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[tuple[App, SimClock]]:
    clock = SimClock(START)
    async with lifespan(settings=Settings(db_path=str(tmp_path / "bot.db")), clock=clock) as app:
        yield app, clock


def text_of(result: object) -> str:
    replies = result if isinstance(result, list) else [result]
    return "\n".join(plain(r.text) for r in replies if isinstance(r, Reply))


async def press(app: App, actor: Actor, action: str, value: str) -> str:
    return text_of(await app.dispatcher.handle(ButtonPressed(actor, action, value)))


async def dm(app: App, actor: Actor, text: str) -> str:
    return text_of(await app.dispatcher.handle(MessageReceived(actor, text)))


async def profile_of(app: App, actor: Actor) -> Profile:
    member = await app.dispatcher.members.find(actor)
    assert member is not None
    return await app.services.profile.get(member.id)


async def test_typed_answers_walk_the_onboarding_in_french(rig: tuple[App, SimClock]) -> None:
    app, _ = rig
    assert "Quel est votre rôle" in await press(app, AMINA, "onb.start", "")
    assert "Dans quel pays" in await dm(app, AMINA, "développeuse")  # the role, then the next question
    assert "organisation" in (await dm(app, AMINA, "Cameroun")).lower()
    await press(app, AMINA, "onb.next", "organisation")  # skipped: free text is never read from a DM
    assert "langues" in (await dm(app, AMINA, "pilote")).lower()
    again = await dm(app, AMINA, "français, anglais")  # a list adds to the chosen ones; the step shows again
    assert "langues" in again.lower()
    profile = await profile_of(app, AMINA)
    assert (profile.role, profile.country, profile.stage) == ("developer", "CM", "pilot")
    assert profile.languages == ("fr", "en")


async def test_consent_typed_in_english_ends_the_onboarding(rig: tuple[App, SimClock]) -> None:
    app, _ = rig
    await press(app, RAJ, "onb.start", "")
    for step in ("role", "country", "organisation", "stage", "languages", "interests", "timezone"):
        await press(app, RAJ, "onb.next", step)
    assert "complete" in await dm(app, RAJ, "no")
    profile = await profile_of(app, RAJ)
    assert profile.onboarding_done and not profile.peer_consent
    await dm(app, RAJ, "yes")  # nothing is pending any more: not read as consent
    assert not (await profile_of(app, RAJ)).peer_consent


async def test_what_does_not_read_as_the_answer_goes_to_the_faq(rig: tuple[App, SimClock]) -> None:
    app, clock = rig
    await press(app, RAJ, "onb.start", "")
    question = await dm(app, RAJ, "how do I install openIMIS with docker?")
    assert "What is your role" not in question and "Which country" not in question
    await dm(app, RAJ, "zebra crossing")  # not a role: the FAQ's business
    assert (await profile_of(app, RAJ)).role is None
    clock.advance(timedelta(days=1, minutes=1))  # a question left for more than a day is no longer pending
    await dm(app, RAJ, "developer")
    assert (await profile_of(app, RAJ)).role is None
