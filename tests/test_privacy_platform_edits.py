"""/forget-me edits the bot's channel posts that name the member (issue 15 #1, #2): their greeting and the
product-channel post of their named feedback, on Slack (chat.update) and Discord (message edit), through the
outbox with the message reference it kept; a post naming nobody forgotten is left alone."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.conftest import ConsoleFactory
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as sp
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings
from tests.fakes.slack_harness import slack_rig

SLACK_CHANNELS = {"introductions": "C0INTRO", "product": "C0PRODUCT"}
TIMEOUT = 10


def slack_button(message: dict[str, Any], action: str) -> dict[str, Any]:
    elements = [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]
    return next(e for e in elements if e["action_id"].startswith(action + "#"))


async def test_slack_posts_naming_the_member_are_updated(settings: Settings, clock: SimClock) -> None:
    settings = replace(settings, welcome_public_greeting=True)
    users = (("U1", "Ana", "en-US"), ("U2", "Zorblax", "en-US"))
    async with slack_rig(settings, clock, "http", users=users, slack_channels=SLACK_CHANNELS) as rig:
        slack = rig.slack
        for user, text in (("U1", "the menu is confusing"), ("U2", "the search is slow")):
            await rig.side.event(sp.event_callback({"type": "team_join", "user": slack.users[user]}))
            await rig.side.command(sp.command(slack, "feedback", text, user=user, channel=f"D{user}"))
        await slack.wait_for(lambda s: len(s.posted("C0INTRO")) == 2 and len(s.posted("C0PRODUCT")) == 2)
        greeting, product = (next(m for m in slack.posted(c) if "U2" in m["text"] or "Zorblax" in m["text"])
                             for c in ("C0INTRO", "C0PRODUCT"))
        assert "<@U2>" in greeting["text"] and "from Zorblax (slack)" in product["text"]

        await rig.side.command(sp.command(slack, "forget-me", user="U2", channel="DU2"))
        confirm = slack_button((await slack.wait_call("response_url", 3)).args, "privacy.forget")
        await rig.side.interactive(sp.block_action(slack, confirm["action_id"], confirm["value"], user="U2",
                                                   channel="DU2"))
        await rig.app.heartbeat.tick()
        async with asyncio.timeout(TIMEOUT):
            await slack.wait_call("chat.update", 2)
        updates = {c.args["channel"]: c.args for c in slack.calls_to("chat.update")}
    assert set(updates) == {"C0INTRO", "C0PRODUCT"} and len(slack.calls_to("chat.update")) == 2
    assert updates["C0INTRO"]["ts"] == greeting["ts"] and updates["C0PRODUCT"]["ts"] == product["ts"]
    for message in (greeting, product):
        assert message.get("edited") and "U2" not in message["text"] and "Zorblax" not in message["text"]
    assert "a former member" in greeting["text"] and "anonymous" in product["text"]
    assert "the search is slow" in product["text"] and product["blocks"]  # the post and its buttons stay
    others = [m for c in ("C0INTRO", "C0PRODUCT") for m in slack.posted(c) if "U1" in m["text"] or "Ana" in m["text"]]
    assert len(others) == 2 and not any(m.get("edited") for m in others)  # Ana was not forgotten


async def test_discord_posts_naming_the_member_are_edited(tmp_path: Path) -> None:
    intro, product = "900000000000000400", "900000000000000500"
    zorblax = dp.user("900000000000009001", "Zorblax")
    fake = await FakeDiscord().start()
    settings = door_settings(fake, tmp_path / "bot.db", welcome_public_greeting=True,
                             discord_channels={"introductions": intro, "product": product})
    try:
        async with app_for(settings) as (app, clock), door(app, clock):
            assert await fake.member_joins(zorblax)
            await fake.interact(dp.command(zorblax, "feedback", "new", options={"text": "the menu is confusing"}))
            await app.heartbeat.tick()
            await fake.wait_until(lambda: bool(fake.created.get(intro)) and bool(fake.created.get(product)))
            [greeting], [post] = fake.created[intro], fake.created[product]
            assert zorblax["id"] in greeting["content"] and "from Zorblax (discord)" in post["content"]
            asked = (await fake.interact(dp.slash(zorblax, "forget-me")))["data"]
            confirm = next(c["custom_id"] for row in asked["components"] for c in row["components"]
                           if c["custom_id"].startswith("privacy.forget"))
            await fake.interact(dp.press(zorblax, confirm))
            await app.heartbeat.tick()
            await fake.wait_until(lambda: bool(greeting.get("edited")) and bool(post.get("edited")))
            edits = fake.find("PATCH", r"/channels/\d+/messages/\d+")
    finally:
        await fake.close()
    assert len(edits) == 2
    for message in (greeting, post):
        assert zorblax["id"] not in message["content"] and "Zorblax" not in message["content"]
    assert "a former member" in greeting["content"] and "anonymous" in post["content"]
    assert post["components"]  # the triage buttons stay on the edited post


async def test_nothing_naming_the_member_is_left_in_the_edits_or_the_outbox(console: ConsoleFactory) -> None:
    """The console prints posts (nothing to edit there); the edits' outbox rows themselves name nobody."""
    async with console(user="zorblax") as session:
        await session.send(":join zorblax en", "/feedback NAMEDX from zorblax", "/forget-me", ":click 1")
        rows = await session.app.services.store.fetch_all("SELECT * FROM outbox")
    assert rows and not [r for r in rows if "zorblax" in " ".join(map(str, tuple(r))).lower()]
