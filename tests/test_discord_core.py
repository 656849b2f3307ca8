"""Core journeys through Discord payloads: /help, /language, French members, buttons after a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core.context import Ctx
from bot.core.model import MessageReceived, Reply
from bot.core.routes import Routes, merge
from bot.platforms.discord.render import to_markdown
from handlers import core
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import Calls, app_for, door, door_settings

ANA = p.user("900000000000001001", "Ana")
BEA = p.user("900000000000001002", "Béatrice")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def content(answer: dict[str, Any]) -> str:
    return str(answer["data"]["content"])


def custom_ids(answer: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in answer["data"].get("components", []) for c in row["components"]]


async def test_help_language_and_help_in_french(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        t = app.services.catalogs.t
        answer = await fake.interact(p.slash(ANA, "help"))
        assert answer["type"] == 4
        assert content(answer).startswith(to_markdown(t("en", "help.title", community="openIMIS community")))
        assert answer["data"]["flags"] & 64  # ephemeral
        assert answer["data"]["allowed_mentions"] == {"parse": []}

        answer = await fake.interact(p.command(ANA, "language", options={"language": "fr"}))
        assert content(answer) == to_markdown(t("fr", "language.set", language="français"))

        answer = await fake.interact(p.slash(ANA, "help"))
        assert content(answer).startswith(to_markdown(t("fr", "help.title", community="communauté openIMIS")))
        assert to_markdown(t("fr", "help.summary")) in content(answer)


async def test_french_member_by_discord_locale_then_guild_locale(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        french_title = to_markdown(app.services.catalogs.t("fr", "help.title", community="communauté openIMIS"))
        answer = await fake.interact(p.slash(BEA, "help", locale="fr"))
        assert content(answer).startswith(french_title)
        other = p.user("900000000000001003", "Dieter")
        answer = await fake.interact(p.slash(other, "help", locale="de", guild_locale="fr"))
        assert content(answer).startswith(french_title)
        answer = await fake.interact(p.slash(p.user("900000000000001004", "Eve"), "help", locale="en-GB",
                                             guild_locale="fr"))
        assert not content(answer).startswith(french_title)


async def test_slash_commands_synced_with_french_localizations(fake, tmp_path):
    settings = door_settings(fake, tmp_path / "bot.db", discord_guild_ids=(int(p.GUILD_ID),))
    async with app_for(settings) as (app, clock), door(app, clock):
        synced = fake.find("PUT", rf"/applications/{p.APP_ID}/guilds/{p.GUILD_ID}/commands")
        assert len(synced) == 1 and not fake.find("PUT", rf"/applications/{p.APP_ID}/commands")
        commands = {c["name"]: c for c in synced[0].body if c.get("type", 1) == 1}  # message actions: type 3
        assert set(commands) == {c.name for c in app.routes.commands}
        help_command = commands["help"]
        assert help_command["name_localizations"] == {"fr": "aide"}
        assert help_command["description"] == app.services.catalogs.t("en", "help.summary")
        assert help_command["description_localizations"]["fr"] == app.services.catalogs.t("fr", "help.summary")
        assert help_command["options"] == []  # declared: it takes nothing
        [language] = commands["language"]["options"]
        assert (language["name"], language["type"], language["required"]) == ("language", 3, False)
        assert language["name_localizations"] == {"fr": "langue"}
        assert [(c["value"], c["name"], c["name_localizations"]["fr"]) for c in language["choices"]] == \
            [("en", "English", "anglais"), ("fr", "French", "français")]


async def test_language_button_still_works_after_a_restart(fake, tmp_path):
    settings = door_settings(fake, tmp_path / "bot.db")
    async with app_for(settings) as (app, clock), door(app, clock):
        answer = await fake.interact(p.slash(ANA, "language"))
        assert "language.set|fr" in custom_ids(answer)
    async with app_for(settings) as (app, clock), door(app, clock):  # a new process on the same database
        answer = await fake.interact(p.press(ANA, "language.set|fr"))
        assert content(answer) == to_markdown(app.services.catalogs.t("fr", "language.set", language="français"))
        answer = await fake.interact(p.press(ANA, "language.set|fr"))  # pressed twice: same answer, no harm
        assert content(answer) == to_markdown(app.services.catalogs.t("fr", "language.set", language="français"))
        answer = await fake.interact(p.press(ANA, "nothing.here|x"))
        assert content(answer) == to_markdown(app.services.catalogs.t("fr", "errors.stale_button"))


async def echo_mentions(ctx: Ctx, event: MessageReceived) -> list[Reply] | None:
    if not event.mentions_bot:
        return None
    return [Reply(f"you said {event.text} **@everyone**"), Reply("just for you", ephemeral=True)]


async def test_dm_and_mention_are_answered_other_messages_ignored(fake, tmp_path):
    routes = merge(core.ROUTES, Routes(messages=(echo_mentions,)))
    async with app_for(door_settings(fake, tmp_path / "bot.db"), routes) as (app, clock), door(app, clock):
        fallback = to_markdown(app.services.catalogs.t("en", "messages.fallback"))
        dm = p.dm_channel_id(ANA["id"])
        await fake.dispatch("MESSAGE_CREATE", p.message(dm, ANA, "hello there"))
        [reply] = await fake.messages_to(dm)
        assert reply.body["content"] == fallback and reply.body["allowed_mentions"] == {"parse": []}

        await fake.dispatch("MESSAGE_CREATE", p.message(p.CHANNEL_ID, BEA, "just chatting", guild=True))
        mention = p.message(p.CHANNEL_ID, BEA, f"<@{p.BOT_ID}> what is this?", guild=True, mentions=(p.BOT_USER,))
        await fake.dispatch("MESSAGE_CREATE", mention)
        replies = await fake.messages_to(p.CHANNEL_ID)
        assert len(replies) == 1  # only the mention was answered (events are handled in order)
        assert str(replies[0].body["message_reference"]["message_id"]) == mention["id"]
        assert replies[0].body["allowed_mentions"]["parse"] == []
        assert replies[0].body["content"] == "you said what is this? \\*\\*@everyone\\*\\*"
        [private] = await fake.messages_to(p.dm_channel_id(BEA["id"]))  # an ephemeral reply goes to her DMs
        assert private.body["content"] == "just for you" and "message_reference" not in private.body


async def test_reconnect_resumes_and_keeps_answering(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        await fake.reconnect()
        assert fake.resumes == 1 and len(fake.identifies) == 1
        assert fake.heartbeats >= 2  # discord.py beats at once on each HELLO; the fake ACKs each beat
        answer = await fake.interact(p.slash(ANA, "help"))
        assert answer["type"] == 4


async def test_an_answer_discord_refuses_is_sent_by_dm_instead(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        queued = Calls(app.services.outbox, "send")
        fake.fail("POST", r"/interactions/\d+/[^/]+/callback", 404, code=10062)  # Unknown interaction (expired)
        await fake.dispatch("INTERACTION_CREATE", p.slash(ANA, "help"))
        await queued.wait()
        await app.heartbeat.tick()
        [dm] = await fake.messages_to(p.dm_channel_id(ANA["id"]))
        title = to_markdown(app.services.catalogs.t("en", "help.title", community="openIMIS community"))
        assert dm.body["content"].startswith(title)
