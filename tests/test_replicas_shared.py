"""Two replicas on one PostgreSQL database share what they have seen: a Discord event that reaches both
(same token: every gateway session receives every event) is handled once, an interaction is answered only
by the replica that recorded it, and a Slack request replayed to the other replica is refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import MemberJoined, MessageReceived
from bot.platforms.slack.door import EVENTS_PATH, SlackDoor
from bot.settings import Settings
from tests.fakes import discord_payloads as p
from tests.fakes import slack_payloads as sp
from tests.fakes.discord import WAIT, FakeDiscord
from tests.fakes.discord_harness import START, Calls, Handled, app_for, door, door_settings
from tests.fakes.slack import FakeSlack

pytestmark = pytest.mark.postgres
AWA = p.user("900000000000008101", "Awa")
RAM = p.user("900000000000008102", "Ram")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    discord = await FakeDiscord().start()
    yield discord
    await discord.close()


async def two_discord_replicas(stack: AsyncExitStack, fake: FakeDiscord, db: str) -> list[App]:
    clock = SimClock(START)
    apps = []
    for _ in range(2):
        app, _ = await stack.enter_async_context(app_for(replace(door_settings(fake, Path()), db_path=db), clock=clock))
        await stack.enter_async_context(door(app, clock))
        apps.append(app)
    return apps


async def test_a_discord_event_reaching_both_replicas_is_handled_once(fake: FakeDiscord, postgres_url: str) -> None:
    async with AsyncExitStack() as stack:
        apps = await two_discord_replicas(stack, fake, postgres_url)
        handled = [Handled(app) for app in apps]
        await fake.broadcast("GUILD_MEMBER_ADD", {**p.member(AWA), "guild_id": p.GUILD_ID})
        dm = p.message(p.dm_channel_id(RAM["id"]), RAM, "hello")
        await fake.broadcast("MESSAGE_CREATE", dm)
        for seen in handled:
            await seen.wait(MemberJoined)
            await seen.wait(MessageReceived)
        for app in apps:
            await app.heartbeat.tick()
        assert len(fake.created.get(p.dm_channel_id(AWA["id"]), [])) == 1  # one welcome
        assert len(fake.find("POST", rf"/channels/{p.dm_channel_id(RAM['id'])}/messages")) == 1  # one answer
        rows = await apps[0].services.store.fetch_all("SELECT count(*) FROM outbox WHERE idempotency_key LIKE "
                                                      "'welcome:%'")
        assert rows[0][0] == 1


async def test_an_interaction_is_answered_only_by_the_replica_that_recorded_it(fake: FakeDiscord,
                                                                                postgres_url: str) -> None:
    async with AsyncExitStack() as stack:
        apps = await two_discord_replicas(stack, fake, postgres_url)
        recorded = [Calls(app.dispatcher, "first_time") for app in apps]
        for number in range(5):
            payload = p.slash(AWA, "help")
            await fake.broadcast("INTERACTION_CREATE", payload)
            await fake.response(payload)
            for calls in recorded:  # both replicas looked the interaction up
                await calls.wait(number + 1)
            callbacks = fake.find("POST", rf"/interactions/{payload['id']}/.+/callback")
            assert len(callbacks) == 1, "exactly one replica answered"
        rows = await apps[0].services.store.fetch_all(
            "SELECT count(*) FROM processed_events WHERE event_id LIKE 'interaction:%'")
        assert rows[0][0] == 5


async def test_a_slack_request_replayed_to_the_other_replica_is_refused(postgres_url: str, tmp_path: Path) -> None:
    async with FakeSlack() as slack, AsyncExitStack() as stack:
        slack.add_user("U1", "Ana")
        settings = Settings(db_path=postgres_url, slack_bot_token="xoxb-test", slack_api_url=slack.api_url,
                            slack_signing_secret=sp.SECRET, console_files=str(tmp_path / "files"))
        urls = []
        for _ in range(2):
            app = await stack.enter_async_context(lifespan(settings=settings, clock=SimClock(START)))
            slack_door = SlackDoor(app, port=0, host="127.0.0.1")
            ready = asyncio.Event()
            task = asyncio.create_task(slack_door.run(ready))
            stack.callback(task.cancel)
            async with asyncio.timeout(WAIT):
                await ready.wait()
            urls.append(f"http://127.0.0.1:{slack_door.port}{EVENTS_PATH}")
        session = await stack.enter_async_context(aiohttp.ClientSession())
        body = json.dumps(sp.event_callback(sp.dm_event("hello"), event_id="EvREPLAY"))
        headers = sp.signed_headers(body, "application/json")
        statuses = []
        for url in urls:  # the first request reaches replica 0, its replay replica 1 (behind a load balancer)
            async with session.post(url, data=body.encode(), headers=headers) as response:
                statuses.append(response.status)
        assert statuses == [200, 401]
