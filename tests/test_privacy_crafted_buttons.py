"""Crafted FAQ buttons: a vote or a suggestion pick acts only on the presser's own question, with a topic
the bot offered for it. The check is in the handler every door dispatches to; each door's actor is tried."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, MessageReceived, Reply
from bot.settings import Settings

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROWS = """SELECT a.id, a.answer_id, v.member_id, v.topic_id, v.helpful
          FROM faq_asks a LEFT JOIN faq_votes v ON v.ask_id = a.id"""


async def _press(app, actor: Actor, action: str, value: str) -> str:
    reply = await app.dispatcher.handle(ButtonPressed(actor, action, value))
    assert isinstance(reply, Reply)
    return reply.text


@pytest.mark.parametrize("platform,owner_id,other_id", [("console", "ana", "bob"), ("slack", "U1", "U2"),
                                                         ("discord", "1001", "1002")])
async def test_crafted_vote_and_pick_values_change_nothing(tmp_path: Path, platform: str, owner_id: str,
                                                           other_id: str) -> None:
    settings = Settings(db_path=str(tmp_path / "bot.db"))
    async with lifespan(settings=settings, clock=SimClock(START)) as app:
        owner, other = Actor(platform, owner_id, "Owner"), Actor(platform, other_id, "Other")
        answer = await app.dispatcher.handle(MessageReceived(owner, "is there a demo?"))
        assert isinstance(answer, Reply) and answer.buttons
        ask_id = answer.buttons[0].value.split(":")[0]
        await app.dispatcher.handle(MessageReceived(other, "hello"))  # the other member exists too
        before = [tuple(r) for r in await app.services.store.fetch_all(ROWS)]
        crafted = [("faq.vote", f"{ask_id}:demo:n"),  # someone else's question
                   ("faq.pick", f"{ask_id}:install-docker")]
        for action, value in crafted:
            assert "no longer active" in await _press(app, other, action, value)
        # the owner cannot steer their own question to a topic the bot never offered either
        assert "no longer active" in await _press(app, owner, "faq.pick", f"{ask_id}:install-docker")
        assert "no longer active" in await _press(app, owner, "faq.vote", f"{ask_id}:install-docker:y")
        assert "no longer active" in await _press(app, owner, "faq.vote", f"{ask_id}:no-such-topic:y")
        assert [tuple(r) for r in await app.services.store.fetch_all(ROWS)] == before
        assert "Glad it helped" in await _press(app, owner, answer.buttons[0].action, answer.buttons[0].value)
