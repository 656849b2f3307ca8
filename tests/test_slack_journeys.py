"""Every kind of interaction through Slack payloads: command -> modal -> submission -> DM, buttons, joins,
DMs and mentions, in HTTP mode and Socket Mode, with a neutral demo feature."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.core.clock import SimClock
from bot.core.model import Reply
from bot.core.routes import Command, Routes, merge
from bot.settings import Settings
from handlers import core
from tests.fakes import slack_demo
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import slack_rig

MODES = ("http", "socket")
ROUTES = merge(core.ROUTES, slack_demo.ROUTES)
CHANNELS = {"announcements": "C0ANNOUNCE", "introductions": "C0INTRO"}
ANSWERS = {"name": "Ana", "stage": "pilot", "modules": ["claims", "policy"], "public": "yes",
           "when": "2026-12-03 15:00"}


@pytest.mark.parametrize("mode", MODES)
async def test_command_modal_submission_dm(settings: Settings, clock: SimClock, mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES, slack_channels=CHANNELS) as rig:
        payload = p.command(rig.slack, "sondage")
        await rig.side.command(payload)
        opened = await rig.slack.wait_call("views.open")
        assert opened.args["trigger_id"] == payload["trigger_id"]
        view = opened.args["view"]
        assert [b["element"]["type"] for b in view["blocks"]] == [
            "plain_text_input", "static_select", "checkboxes", "radio_buttons", "plain_text_input"]
        assert view["blocks"][0]["optional"] is False and view["blocks"][1]["optional"] is True

        bad = await rig.side.interactive(p.view_submission(view, {**ANSWERS, "name": "bad"}))
        assert bad["response_action"] == "errors"
        assert bad["errors"] == {"name": "Pick another name (not <bad> & co) also this"}
        assert not rig.slack.calls_to("chat.postMessage")

        assert await rig.side.interactive(p.view_submission(view, ANSWERS)) == {}
        await rig.settled("done", 3)
        await rig.slack.wait_call("chat.postMessage", 3)  # the delivery loop sends the outbox's two
        posts = [c.args for c in rig.slack.calls_to("chat.postMessage")]
        thanks = next(a for a in posts if a["text"].startswith("Thanks"))
        recorded = next(a for a in posts if "'modules'" in a["text"])
        channel_post = next(a for a in posts if a["channel"] != "DU1")
        assert thanks["channel"] == "DU1" and thanks["text"] == "Thanks <@U1>"
        assert recorded["channel"] == "DU1" and "'modules': ['claims', 'policy']" in recorded["text"]
        assert "'public': True" in recorded["text"] and "state=v1" in recorded["text"]
        assert "'stage': 'pilot'" in recorded["text"] and "'when': '2026-12-03 15:00'" in recorded["text"]
        assert channel_post["channel"] == "C0ANNOUNCE" and "@\u200bchannel" in channel_post["text"]
        completed = (await rig.slack.wait_call("files.completeUploadExternal")).args
        assert completed["channel_id"] == "DU1" and json.loads(completed["files"])[0]["title"] == "answers.json"
        assert list(rig.slack.uploads.values()) == [b'{"ok": true}']


@pytest.mark.parametrize("mode", MODES)
async def test_join_welcome_dm_with_buttons_that_open_a_modal(settings: Settings, clock: SimClock,
                                                              mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES, slack_channels=CHANNELS) as rig:
        rig.slack.add_user("U2", "Bio", locale="fr-FR")
        await rig.side.event(p.event_callback({"type": "team_join", "user": rig.slack.users["U2"]}))
        welcome = (await rig.slack.wait_call("chat.postMessage")).args
        assert welcome["channel"] == "DU2"
        assert welcome["text"].startswith("Welcome <@U2>")
        assert "<!date^1796310000^{date_long_pretty} {time}|Thursday 3 December 2026>" in welcome["text"]
        buttons = welcome["blocks"][-1]["elements"]
        assert [b["action_id"] for b in buttons] == ["demo.press#0", "demo.press#1"]

        await rig.side.interactive(p.block_action(rig.slack, buttons[0]["action_id"], "form", user="U2"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        assert view["close"]["text"] == "Annuler"
        assert view["blocks"][3]["element"]["options"][0]["text"]["text"] == "Oui"

        await rig.side.interactive(p.block_action(rig.slack, buttons[1]["action_id"], "hi", user="U2"))
        assert (await rig.replies(2))[1]["text"] == "pressed hi"


@pytest.mark.parametrize("mode", MODES)
async def test_introductions_channel_join_welcomes_other_channels_do_not(settings: Settings, clock: SimClock,
                                                                          mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES, slack_channels=CHANNELS) as rig:
        rig.slack.add_user("U3", "Chandra")
        await rig.side.event(p.event_callback({"type": "member_joined_channel", "user": "U3", "channel": "C0OTHER"}))
        await rig.side.event(p.event_callback({"type": "member_joined_channel", "user": "U3", "channel": "C0INTRO"}))
        await rig.settled("done", 2)
        posts = rig.slack.calls_to("chat.postMessage")
        assert len(posts) == 1 and posts[0].args["channel"] == "DU3"


@pytest.mark.parametrize("mode", MODES)
async def test_dm_and_mention_answers_with_user_text_kept_inert(settings: Settings, clock: SimClock,
                                                                mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES) as rig:
        typed = "hi <!channel> &amp; <@U9|bob> <https://openimis.org|site> \ue000@:U1|x\ue001"
        await rig.side.event(p.event_callback(p.dm_event(typed)))
        dm = (await rig.slack.wait_call("chat.postMessage")).args
        assert dm["channel"] == "D1"
        assert dm["text"] == "You said: hi @\u200bchannel &amp; @bob site @:U1|x"
        mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> @here help", "channel": "C0GEN",
                   "ts": "1700000009.000100"}
        await rig.side.event(p.event_callback(mention))
        ephemeral = (await rig.slack.wait_call("chat.postEphemeral")).args
        assert ephemeral["channel"] == "C0GEN" and ephemeral["user"] == "U1"
        assert ephemeral["thread_ts"] == "1700000009.000100"
        assert ephemeral["text"] == "You said: @\u200bhere help"


@pytest.mark.parametrize("mode", MODES)
async def test_bot_messages_and_edits_are_ignored(settings: Settings, clock: SimClock, mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES) as rig:
        own = {**p.dm_event("echo"), "bot_id": "BBOT", "user": "UBOT"}
        edit = {**p.dm_event("edited"), "subtype": "message_changed"}
        await rig.side.event(p.event_callback(own))
        await rig.side.event(p.event_callback(edit))
        await rig.side.event(p.event_callback(p.dm_event("real")))
        dm = (await rig.slack.wait_call("chat.postMessage")).args
        assert dm["text"] == "You said: real"
        await rig.settled("done", 2)  # the bot's own message never reaches a listener (bolt drops it)
        assert len(rig.slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_expired_trigger_tells_the_member_to_try_again(settings: Settings, clock: SimClock,
                                                             mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES, users=(("U1", "Ana", "fr-FR"),)) as rig:
        rig.slack.fail("views.open", error="expired_trigger_id")
        await rig.side.command(p.command(rig.slack, "survey"))
        dm = (await rig.slack.wait_call("chat.postMessage")).args
        assert dm["channel"] == "DU1" and dm["text"].startswith("Je n'ai pas pu ouvrir le formulaire")


async def test_long_answer_beyond_five_response_url_uses_continues_in_dm(settings: Settings,
                                                                        clock: SimClock) -> None:
    async def long_answer(ctx: object, event: object) -> Reply:
        return Reply("\n".join(f"part {i} " + "y" * 2990 for i in range(7)))

    routes = merge(core.ROUTES, Routes(commands=(Command("long", long_answer, "help.summary"),)))
    async with slack_rig(settings, clock, "http", routes=routes) as rig:
        await rig.side.command(p.command(rig.slack, "long"))
        await rig.settled("done", 1)
        via_url = [c.args["text"] for c in rig.slack.calls_to("response_url")]
        via_dm = [c.args["text"] for c in rig.slack.calls_to("chat.postMessage")]
        assert [t[:6] for t in via_url] == [f"part {i}" for i in range(5)]
        assert [t[:6] for t in via_dm] == ["part 5", "part 6"]


@pytest.mark.parametrize("mode", MODES)
async def test_answers_slack_rate_limits_go_through_the_outbox(settings: Settings, clock: SimClock,
                                                               mode: str) -> None:
    async with slack_rig(settings, clock, mode, routes=ROUTES) as rig:
        rig.slack.fail("chat.postMessage", status=429, retry_after=3)
        event = p.event_callback(p.dm_event("are you there?"))
        await rig.side.event(event)
        await rig.settled("queued", 1)
        await rig.settled("done", 1)
        assert not rig.slack.calls_to("chat.postMessage")
        clock.advance(timedelta(seconds=3))
        assert await rig.app.heartbeat.tick() == 1  # the delivery loop, told the simulated time moved
        dm = rig.slack.calls_to("chat.postMessage")[0].args
        assert dm["channel"] == "DU1" and dm["text"] == "You said: are you there?"
        rig.slack.fail("chat.postMessage", error="channel_not_found")  # permanent: dropped, not queued
        await rig.side.event(p.event_callback(p.dm_event("again")))
        await rig.settled("done", 2)
        assert rig.door.journal.count("queued") == 1
