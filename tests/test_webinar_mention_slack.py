"""A webinar announcement mentioning the user group the organiser chose (issue 19 #5), through the fake Slack: typed
in French (`rôle=étape:pilote`) or picked in the "More options" modal in English, rendered `<!subteam^ID>` in the
channel post only, user text in the title unable to ping; a key configured on Discord only mentions nobody on
Slack (and is no error); an edit removes the mention."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import TIMEOUT, SlackRig, slack_rig

CHANNELS = {"announcements": "C0ANNOUNCE"}
USERS = (("U1", "Ana", "en-US"), ("U2", "Bio", "fr-FR"))
GROUPS = {"lang:fr": "S0FRENCH", "stage:pilot": "S0PILOT"}
LINK = "https://meet.example.org/imp"


def configured(settings: Settings) -> Settings:
    return replace(settings, admins=frozenset({"slack:U1", "slack:U2"}), slack_usergroups=GROUPS,
                   discord_roles={"country:TD": "700000000000000021"})


def posts_to(rig: SlackRig, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in rig.slack.calls_to("chat.postMessage") if c.args["channel"] == channel]


def button(message: dict[str, Any], action: str) -> dict[str, Any]:
    elements = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return next(e for e in elements if e["action_id"].startswith(action + "#"))


async def press(rig: SlackRig, message: dict[str, Any], action: str, user: str) -> None:
    found = button(message, action)
    await rig.side.interactive(p.block_action(rig.slack, found["action_id"], found["value"], user=user,
                                              channel=message.get("channel", f"D{user}")))


def confirmations(rig: SlackRig) -> list[dict[str, Any]]:
    """Every answer carrying a Confirm button (through the response_url or as a DM), oldest first."""
    kinds = ("response_url", "chat.postMessage", "chat.postEphemeral")
    answers = [c.args for c in rig.slack.calls if c.method in kinds]
    return [a for a in answers if any(e["action_id"].startswith("webinar.confirm#") for b in a.get("blocks", ())
                                      if b["type"] == "actions" for e in b["elements"])]


async def draft(rig: SlackRig, count: int) -> dict[str, Any]:
    """The `count`-th confirmation shown to the organiser."""
    async with asyncio.timeout(TIMEOUT):
        await rig.slack.wait_for(lambda s: len(confirmations(rig)) >= count)
    return confirmations(rig)[count - 1]


async def announced(rig: SlackRig, count: int) -> dict[str, Any]:
    async with asyncio.timeout(TIMEOUT):
        await rig.slack.wait_for(lambda s: len(posts_to(rig, "C0ANNOUNCE")) >= count)
    return posts_to(rig, "C0ANNOUNCE")[count - 1]


async def test_french_organiser_types_the_group_and_only_the_channel_post_mentions_it(settings, clock: SimClock):
    async with slack_rig(configured(settings), clock, users=USERS, slack_channels=CHANNELS) as rig:
        typed = (f'titre="Appel <!channel> @here <!subteam^S0FRENCH>" debut="2026-12-08 14:00" fuseau=UTC '
                 f'lien={LINK} langue=fr rôle=étape:pilote')
        await rig.side.command(p.command(rig.slack, "webinaire", "créer " + typed, user="U2", channel="DU2"))
        confirm = await draft(rig, 1)
        assert "L'annonce mentionne\xa0: Étape\xa0: Phase pilote" in confirm["text"]
        await press(rig, confirm, "webinar.confirm", "U2")
        post = await announced(rig, 1)
        assert post["text"].startswith("<!subteam^S0PILOT>\n📣 New webinar #1") and "Nouveau webinaire" in post["text"]
        assert post["text"].count("<!subteam^") == 1  # the group the organiser chose; nothing from the title
        assert "Appel @\u200bchannel @\u200bhere @subteam^S0FRENCH\n" in post["text"]  # as the door read it, inert

        await press(rig, post, "webinar.rsvp", "U1")
        await rig.app.heartbeat.advance_to(clock, datetime(2026, 12, 8, 14, 1, tzinfo=UTC))
        start = await announced(rig, 2)
        assert start["text"].startswith("<!subteam^S0PILOT>\n")
        dms = posts_to(rig, "DU1")
        assert dms and not any("<!subteam^" in m["text"] for m in dms)  # reminders never ping a group


async def test_english_organiser_picks_the_group_in_more_options_then_an_edit_removes_it(settings, clock):
    async with slack_rig(configured(settings), clock, users=USERS, slack_channels=CHANNELS) as rig:
        typed = f'title="Claims clinic" start="2026-12-08 14:00" tz=UTC link={LINK} repeat=weekly'
        await rig.side.command(p.command(rig.slack, "webinar", "create " + typed, channel="DU1"))
        confirm = await draft(rig, 1)
        assert "The announcement mentions no role" in confirm["text"]
        await press(rig, confirm, "webinar.more", "U1")
        view = (await rig.slack.wait_call("views.open")).args["view"]
        mention = next(b for b in view["blocks"] if b["block_id"] == "mention")
        assert [o["text"]["text"] for o in mention["element"]["options"]] == [
            "No mention", "Language: French speakers", "Country: Chad", "Stage: Pilot"]
        assert await rig.side.interactive(p.view_submission(view, {"mention": "lang:fr"})) == {}
        confirm = await draft(rig, 2)
        assert "The announcement mentions: Language: French speakers" in confirm["text"]
        await press(rig, confirm, "webinar.confirm", "U1")
        assert (await announced(rig, 1))["text"].startswith("<!subteam^S0FRENCH>\n📣 New webinar")

        await rig.side.command(p.command(rig.slack, "webinar", "edit 1 role=none", channel="DU1"))
        confirm = await draft(rig, 3)
        answered = len(await rig.replies())
        await press(rig, confirm, "webinar.confirm", "U1")
        await rig.replies(answered + 1)  # the edit is saved
        row = await rig.app.services.store.fetch_one("SELECT mention FROM webinars WHERE id = 1")
        assert row is not None and row[0] is None
        await rig.app.heartbeat.advance_to(clock, datetime(2026, 12, 8, 14, 1, tzinfo=UTC))
        start = await announced(rig, 2)
        assert "<!subteam^" not in start["text"] and start["text"].startswith("🔴")


async def test_a_role_configured_on_discord_only_mentions_nobody_on_slack(settings, clock: SimClock):
    async with slack_rig(configured(settings), clock, users=USERS, slack_channels=CHANNELS) as rig:
        typed = f'title="Chad call" start="2026-12-08 14:00" tz=UTC link={LINK} role=country:td'
        await rig.side.command(p.command(rig.slack, "webinar", "create " + typed, channel="DU1"))
        confirm = await draft(rig, 1)
        assert "The announcement mentions: Country: Chad" in confirm["text"]
        await press(rig, confirm, "webinar.confirm", "U1")
        post = await announced(rig, 1)
        assert post["text"].startswith("📣 New webinar") and "<!subteam^" not in post["text"]
        row = await rig.app.services.store.fetch_one("SELECT mention FROM webinars WHERE id = 1")
        assert row is not None and row[0] == "country:TD"
