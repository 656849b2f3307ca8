"""Small talk on every door: greetings, thanks, "who are you" and "help" get a short friendly reply saying
what the bot can do, in the message's language (never an FAQ answer, never "I did not understand")."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.i18n import Catalogs
from bot.core.model import Actor, MessageReceived, Reply
from bot.platforms.discord.render import to_markdown
from bot.services.faq.smalltalk import small_talk
from bot.settings import Settings
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as sp
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings
from tests.fakes.slack_harness import slack_rig
from tests.test_faq_console import START, open_session, settings_for

CATALOGS = Catalogs()
NOT_UNDERSTOOD = ("I did not understand", "Je n'ai pas compris")


def reply_for(kind: str, lang: str, channel: str = "ask-openimis") -> str:
    return CATALOGS.t(lang, f"smalltalk.{kind}", community="openIMIS community", channel=channel)


@pytest.mark.parametrize(("text", "kind"), [
    ("hi", "greeting"), ("Hello!", "greeting"), ("good morning everyone", "greeting"), ("Bonjour !", "greeting"),
    ("salut", "greeting"), ("coucou le bot", "greeting"), ("thanks", "thanks"), ("thank you so much!", "thanks"),
    ("Merci beaucoup !", "thanks"), ("who are you?", "about"), ("what can you do", "about"),
    ("Qui êtes-vous ?", "about"), ("que sais-tu faire ?", "about"), ("help", "help"), ("HELP!", "help"),
    ("aide", "help"), ("à l'aide", "help"), ("hi! thanks", "thanks"),
])
def test_small_talk_kinds(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize("text", ["hi, how do I install openIMIS?", "bonjour, c'est gratuit ?", "need help with claims",
                                  "thanks, and where is the demo?", "docker", "who are the partners", "", "!!!", "A",
                                  "ok okay", "the bot"])
def test_questions_are_not_small_talk(text):
    assert small_talk(text) is None


def test_every_small_talk_reply_says_what_the_bot_can_do_in_both_languages():
    for kind in ("greeting", "thanks", "about", "help"):
        assert "/help" in reply_for(kind, "en") and "/aide" in reply_for(kind, "fr")


async def test_console_dm_and_faq_command_get_the_small_talk_reply(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        s = open_session(app, clock, user="ana", lang="en")
        for line, kind, lang in (("hi", "greeting", "en"), ("bonjour", "greeting", "fr"), ("merci !", "thanks", "fr"),
                                 ("who are you?", "about", "en"), ("/faq hi", "greeting", "en"),
                                 ("/faq aide", "help", "fr")):
            said = await s.line(line)
            assert reply_for(kind, lang) in said, (line, said)
            assert not any(text in said for text in NOT_UNDERSTOOD) and "[1]" not in said
        rows = await app.services.store.fetch_all("SELECT question FROM faq_asks")
        assert rows == []  # small talk is not an FAQ question: no gap is recorded


async def test_a_greeting_in_a_channel_mention_is_answered_publicly_and_chatter_is_left_alone(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        actor = Actor("slack", "U1", "ana")
        assert await app.dispatcher.handle(MessageReceived(actor, "hi all", channel="C1", is_dm=False)) is None
        mention = MessageReceived(actor, "<@UBOT> hello!", channel="C1", is_dm=False, mentions_bot=True)
        reply = await app.dispatcher.handle(mention)
        assert isinstance(reply, Reply) and not reply.ephemeral and reply.text == reply_for("greeting", "en")


async def test_slack_dm_and_mention(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", users=(("U1", "Ana", "en-US"),)) as rig:
        await rig.side.event(sp.event_callback(sp.dm_event("hi")))
        dm = (await rig.slack.wait_call("chat.postMessage")).args
        assert dm["channel"] == "D1" and "openIMIS" in dm["text"] and "/help" in dm["text"]
        mention = {"type": "app_mention", "user": "U1", "channel": "C0GENERAL", "ts": "1700000100.000300",
                   "text": "<@UBOT> bonjour"}
        await rig.side.event(sp.event_callback(mention))
        public = (await rig.slack.wait_call("chat.postMessage", 2)).args
        assert public["channel"] == "C0GENERAL" and "/aide" in public["text"]
        assert not any(text in public["text"] + dm["text"] for text in NOT_UNDERSTOOD)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


async def test_discord_dm_mention_and_slash_command(fake, tmp_path):
    ram = dp.user("900000000000005002", "Ram")
    settings = door_settings(fake, tmp_path / "bot.db")
    async with app_for(settings) as (app, clock), door(app, clock):
        dm = dp.dm_channel_id(ram["id"])
        await fake.dispatch("MESSAGE_CREATE", dp.message(dm, ram, "bonjour"))
        [hello] = await fake.messages_to(dm)
        assert hello.body["content"] == to_markdown(reply_for("greeting", "fr"))
        question = dp.message(dp.CHANNEL_ID, ram, f"<@{dp.BOT_ID}> thanks!", guild=True, mentions=(dp.BOT_USER,))
        await fake.dispatch("MESSAGE_CREATE", question)
        [public] = await fake.messages_to(dp.CHANNEL_ID)
        assert public.body["content"] == to_markdown(reply_for("thanks", "en"))
        answer = (await fake.interact(dp.command(ram, "faq", "ask", options={"question": "who are you?"})))["data"]
        assert answer["content"] == to_markdown(reply_for("about", "en")) and answer["flags"] & 64
