"""Duplicate and retried deliveries are processed once.

Slack: every Events API event type the door subscribes to (BOT_EVENTS), delivered three times with the
same event_id (a retry with X-Slack-Retry-Num or Socket Mode retry_attempt, and a plain second delivery),
in both modes. Discord: MESSAGE_CREATE, INTERACTION_CREATE (a slash command and a button) and
GUILD_MEMBER_ADD delivered twice on the gateway (as after a resume).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.core.clock import SimClock
from bot.platforms.slack.listeners import BOT_EVENTS
from bot.settings import Settings
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_harness import SlackRig, slack_rig

INTRODUCTIONS = "C0INTRO"
USERS = (("U1", "Ana", "en-US"), ("U5", "Eve", "fr-FR"))
EVENTS: dict[str, Callable[[FakeSlack], dict[str, Any]]] = {
    "app_home_opened": lambda slack: {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home",
                                      "event_ts": "1700000002.000100"},
    "app_mention": lambda slack: {"type": "app_mention", "user": "U1", "channel": "C0GENERAL",
                                  "text": "<@UBOT> how do I install openIMIS?", "ts": "1700000002.000100",
                                  "event_ts": "1700000002.000100"},
    "member_joined_channel": lambda slack: {"type": "member_joined_channel", "user": "U5", "channel": INTRODUCTIONS,
                                            "channel_type": "C", "team": "T1", "event_ts": "1"},
    "message.im": lambda slack: p.dm_event("how do I install openIMIS?"),
    "team_join": lambda slack: {"type": "team_join", "user": slack.users["U5"], "event_ts": "1"},
}


def test_every_subscribed_event_type_is_covered() -> None:
    assert sorted(EVENTS) == sorted(BOT_EVENTS)


async def effects(rig: SlackRig) -> tuple[tuple[int, ...], int]:
    store = rig.app.services.store
    tables = ("members", "processed_events", "outbox", "profiles")
    counts = [int((await store.fetch_all(f"SELECT count(*) FROM {t}"))[0][0]) for t in tables]
    return tuple(counts), len(rig.slack.calls)


async def deliver_again(rig: SlackRig, event: dict[str, Any]) -> None:
    """A second delivery of the same event that is not flagged as a retry (a new signature in HTTP mode)."""
    if rig.http is None:
        await rig.side.event(event)
        return
    # signed at another second than the first delivery (seconds ago), so not a replay of its signature
    status, _ = await rig.http.post(json.dumps(event), "application/json", timestamp=int(time.time()) - 60)
    assert status == 200


@pytest.mark.parametrize("mode", ["http", "socket"])
@pytest.mark.parametrize("kind", sorted(EVENTS))
async def test_each_slack_event_type_delivered_three_times_is_processed_once(settings: Settings, clock: SimClock,
                                                                            mode: str, kind: str) -> None:
    async with slack_rig(settings, clock, mode, users=USERS, slack_channels={"introductions": INTRODUCTIONS}) as rig:
        event = p.event_callback(EVENTS[kind](rig.slack), event_id=f"Ev{kind.replace('.', '')}")
        await rig.side.event(event)
        await rig.settled("done", 1)
        first = await effects(rig)
        assert first[1] > 2, "the first delivery did something visible"  # beyond auth.test
        await rig.side.event(event, retry=1)
        await deliver_again(rig, event)
        await rig.settled("done", 3)
        assert rig.door.journal.count("duplicate") == 2
        assert await effects(rig) == first


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


ANA = dp.user("900000000000009001", "Ana")
BEA = dp.user("900000000000009002", "Bea")


async def test_discord_gateway_events_delivered_twice_are_processed_once(fake: FakeDiscord, tmp_path) -> None:
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        dm = dp.dm_channel_id(ANA["id"])
        message = dp.message(dm, ANA, "how do I install openIMIS?")
        await fake.dispatch("MESSAGE_CREATE", message)
        await fake.dispatch("MESSAGE_CREATE", message)  # replayed after a resume
        slash = dp.command(ANA, "language", options={"language": "fr"})
        await fake.dispatch("INTERACTION_CREATE", slash)
        await fake.dispatch("INTERACTION_CREATE", slash)
        assert await fake.member_joins(BEA)
        assert await fake.member_joins(BEA)
        marker = dp.message(dm, ANA, "and the last one")  # handled after everything above (events are in order)
        await fake.dispatch("MESSAGE_CREATE", marker)
        await fake.messages_to(dm, 2)
        assert len(fake.find("POST", rf"/channels/{dm}/messages")) == 2  # the question once, the marker once
        callbacks = rf"/interactions/{slash['id']}/.+/callback"
        await fake.wait_until(lambda: bool(fake.find("POST", callbacks)))  # no order between a DM and a slash
        assert len(fake.find("POST", callbacks)) == 1
        async with app.services.store.transaction() as db:
            rows = list(await db.execute_fetchall("SELECT locale FROM members WHERE user_id = ?", (ANA["id"],)))
            joins = list(await db.execute_fetchall(
                "SELECT count(*) FROM processed_events WHERE event_id LIKE 'join:%'"))
        assert rows[0][0] == "fr" and joins[0][0] == 1
