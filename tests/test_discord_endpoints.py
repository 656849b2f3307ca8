"""The Discord door's endpoints are its client's own: two doors in one process each talk to their own Discord,
and discord.py's process-wide defaults are left as they ship."""

from __future__ import annotations

import asyncio

import discord

from bot.platforms.discord.endpoints import DEFAULT_API, DEFAULT_GATEWAY, rebased
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

ANA = p.user("900000000000001001", "Ana")


def test_a_url_on_discords_default_moves_to_the_configured_base() -> None:
    assert rebased(DEFAULT_API + "/users/@me", DEFAULT_API, "http://127.0.0.1:5/api") == "http://127.0.0.1:5/api/users/@me"
    assert rebased("https://elsewhere.example/x", DEFAULT_API, "http://127.0.0.1:5/api") == "https://elsewhere.example/x"
    assert rebased(DEFAULT_API + "/x", DEFAULT_API, "") == DEFAULT_API + "/x"
    moved = rebased(DEFAULT_GATEWAY + "?v=10&encoding=json", DEFAULT_GATEWAY, "ws://127.0.0.1:7/gateway")
    assert moved == "ws://127.0.0.1:7/gateway?v=10&encoding=json"


async def test_two_doors_in_one_process_each_answer_through_their_own_fake(tmp_path) -> None:
    first, second = await FakeDiscord().start(), await FakeDiscord().start()
    try:
        async with app_for(door_settings(first, tmp_path / "one.db")) as (app1, clock1), door(app1, clock1), \
                app_for(door_settings(second, tmp_path / "two.db")) as (app2, clock2), door(app2, clock2):
            answers = await asyncio.gather(first.interact(p.slash(ANA, "help")), second.interact(p.slash(ANA, "help")))
            assert all(answer["type"] == 4 for answer in answers)
            # each fake saw its own door's login and answers, none of the other's
            assert first.find("GET", "/users/@me") and second.find("GET", "/users/@me")
            assert len(first.find("POST", r"/interactions/.*/callback")) == 1
            assert len(second.find("POST", r"/interactions/.*/callback")) == 1
        assert discord.http.Route.BASE == DEFAULT_API == "https://discord.com/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == DEFAULT_GATEWAY == "wss://gateway.discord.gg/"
    finally:
        await first.close()
        await second.close()
