"""Gateway behaviour: member joins (deduplicated), refused privileged intents (4014)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.core.context import Ctx
from bot.core.model import MemberJoined, Reply
from bot.core.routes import Routes, merge
from bot.platforms.discord import door as door_module
from bot.platforms.discord import run_door
from bot.settings import SettingsError
from handlers import core
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

NEWCOMER = p.user("900000000000003001", "Chidi")
LATER = p.user("900000000000003002", "Dana")


WELCOMED: list[str] = []


async def welcome(ctx: Ctx, event: MemberJoined) -> Reply:
    WELCOMED.append(ctx.member.display_name)
    return Reply(f"Welcome {ctx.member.display_name} ({ctx.locale})")


ROUTES = merge(core.ROUTES, Routes(joins=(welcome,)))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord(guild_locale="fr").start()
    yield server
    await server.close()


async def test_member_join_is_welcomed_once_by_dm_in_the_server_language(fake, tmp_path):
    WELCOMED.clear()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), ROUTES) as (app, clock), door(app, clock):
        assert fake.identifies[0] & p.GUILD_MEMBERS and fake.identifies[0] & p.MESSAGE_CONTENT
        assert await fake.member_joins(NEWCOMER)
        assert await fake.member_joins(NEWCOMER)  # Discord repeats the event (e.g. after a resume)
        assert await fake.member_joins(LATER)
        [later] = await fake.messages_to(p.dm_channel_id(LATER["id"]))
        assert later.body["content"] == "Welcome Dana (fr)"
        [welcomed] = await fake.messages_to(p.dm_channel_id(NEWCOMER["id"]))
        assert welcomed.body["content"] == "Welcome Chidi (fr)"
        # discord.py runs each event as its own task, so the three joins may finish in any order; the
        # repeated one is dropped whichever comes first, so each member is welcomed once
        assert sorted(WELCOMED) == ["Chidi", "Dana"]


async def test_missing_members_intent_is_logged_and_the_door_keeps_running(tmp_path, caplog):
    fake = await FakeDiscord(privileged_allowed=p.MESSAGE_CONTENT).start()
    try:
        with caplog.at_level(logging.ERROR, logger="bot.platforms.discord.door"):
            async with app_for(door_settings(fake, tmp_path / "bot.db"), ROUTES) as (app, clock), door(app, clock):
                assert len(fake.identifies) == 2
                assert fake.identifies[0] & p.GUILD_MEMBERS and not fake.identifies[1] & p.GUILD_MEMBERS
                assert fake.identifies[1] & p.MESSAGE_CONTENT
                assert not await fake.member_joins(NEWCOMER)  # no members intent: Discord sends no joins
                answer = await fake.interact(p.slash(NEWCOMER, "help"))
                assert answer["type"] == 4
        assert "SERVER MEMBERS" in caplog.text and "will NOT be welcomed" in caplog.text
    finally:
        await fake.close()


async def test_missing_message_content_intent_too_still_answers_dms(tmp_path, caplog):
    fake = await FakeDiscord(privileged_allowed=0).start()
    try:
        with caplog.at_level(logging.ERROR, logger="bot.platforms.discord.door"):
            async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
                assert len(fake.identifies) == 3 and not fake.identifies[2] & p.PRIVILEGED
                dm = p.dm_channel_id(NEWCOMER["id"])
                await fake.dispatch("MESSAGE_CREATE", p.message(dm, NEWCOMER, "hello"))
                [reply] = await fake.messages_to(dm)
                assert reply.body["content"]
        assert "MESSAGE CONTENT" in caplog.text
    finally:
        await fake.close()


async def test_a_wrong_token_is_a_clear_configuration_error(tmp_path):
    fake = await FakeDiscord(token="the-real-one").start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock):
            with pytest.raises(SettingsError, match="Discord refused DISCORD_TOKEN"):
                await run_door(app)
            assert "discord" not in app.services.outbox.messengers
    finally:
        await fake.close()


async def test_discord_unreachable_at_start_is_retried(fake, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(door_module, "RETRY_DELAYS", (0.0,))
    fake.fail("GET", "/users/@me", 503, times=2)
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        assert len(fake.find("GET", "/users/@me")) == 3
        assert (await fake.interact(p.slash(NEWCOMER, "help")))["type"] == 4
    assert "cannot reach Discord" in caplog.text


async def test_a_slash_command_discord_still_has_but_the_bot_no_longer_knows_is_answered(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        answer = await fake.interact(p.slash(NEWCOMER, "oldcommand", "x"))
        assert answer["data"]["content"] == app.services.catalogs.t("en", "errors.unknown_command",
                                                                    command="oldcommand")
