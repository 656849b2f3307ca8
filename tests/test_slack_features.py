"""Each feature on main, end to end through Slack payloads against the fake Slack, in both modes:
slash command -> modal -> submission -> DM (and the buttons, channel posts and reminders that follow)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import SlackRig, slack_rig

MODES = ("http", "socket")
CHANNELS = {"announcements": "C0ANNOUNCE", "introductions": "C0INTRO", "product": "C0PRODUCT"}
USERS = (("U1", "Ana", "en-US"), ("U2", "Bio", "fr-FR"))


def posts_to(rig: SlackRig, channel: str) -> list[dict]:
    return [c.args for c in rig.slack.calls_to("chat.postMessage") if c.args["channel"] == channel]


def button(message: dict, action: str, value_part: str = "") -> dict:
    elements = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return next(e for e in elements if e["action_id"].startswith(action + "#") and value_part in e.get("value", ""))


@pytest.mark.parametrize("mode", MODES)
async def test_webinar_create_modal_confirm_announce_rsvp_remind(settings: Settings, clock: SimClock,
                                                                  mode: str) -> None:
    settings = replace(settings, admins=frozenset({"slack:U1"}))
    async with slack_rig(settings, clock, mode, users=USERS, slack_channels=CHANNELS) as rig:
        rig.slack.users["U2"]["tz"] = "Africa/Douala"
        await rig.side.command(p.command(rig.slack, "webinar", "create"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        assert [b["block_id"] for b in view["blocks"]] == ["title", "start", "timezone", "link", "description"]

        answers = {"title": "Implementers call", "start": "sometime maybe", "timezone": "Europe/Paris",
                   "link": "https://meet.example.org/imp"}
        rejected = await rig.side.interactive(p.view_submission(view, answers))
        assert rejected["response_action"] == "errors" and set(rejected["errors"]) == {"start"}

        accepted = await rig.side.interactive(p.view_submission(view, {**answers, "start": "2026-12-08 14:00"}))
        assert accepted == {}
        draft = (await rig.slack.wait_call("chat.postMessage")).args
        assert draft["channel"] == "DU1" and "Implementers call" in draft["text"]
        confirm = button(draft, "webinar.confirm")
        await rig.side.interactive(p.block_action(rig.slack, confirm["action_id"], confirm["value"]))
        saved = (await rig.replies(2))[1]
        assert saved["response_type"] == "ephemeral" and "#1" in saved["text"]

        await rig.slack.wait_for(lambda s: posts_to(rig, "C0ANNOUNCE"))
        announcement = posts_to(rig, "C0ANNOUNCE")[0]
        assert "<!date^" in announcement["text"]
        ics = await rig.slack.wait_call("files.completeUploadExternal")
        assert ics.args["channel_id"] == "C0ANNOUNCE" and ".ics" in ics.args["files"]
        assert any(b"BEGIN:VCALENDAR" in body for body in rig.slack.uploads.values())

        going = button(announcement, "webinar.rsvp", ":going")
        await rig.side.interactive(p.block_action(rig.slack, going["action_id"], going["value"], user="U2",
                                                  channel="C0ANNOUNCE"))
        rsvp = (await rig.replies(4))[-1]
        assert rsvp["response_type"] == "ephemeral" and "Implementers call" in rsvp["text"]

        await rig.app.heartbeat.advance_to(clock, datetime(2026, 12, 8, 13, 0, tzinfo=UTC))
        reminders = [m["text"] for m in posts_to(rig, "DU2") if "Rappel" in m["text"]]
        assert len(reminders) == 2 and all("<!date^1796734800^" in r for r in reminders)


@pytest.mark.parametrize("mode", MODES)
async def test_welcome_join_language_profile_modal_and_my_data(settings: Settings, clock: SimClock,
                                                               mode: str) -> None:
    async with slack_rig(settings, clock, mode, users=USERS, slack_channels=CHANNELS) as rig:
        await rig.side.event(p.event_callback({"type": "team_join", "user": rig.slack.users["U2"]}))
        await rig.slack.wait_for(lambda s: posts_to(rig, "DU2"))
        welcome = posts_to(rig, "DU2")[0]
        french = button(welcome, "welcome.lang", "fr")
        await rig.side.interactive(p.block_action(rig.slack, french["action_id"], french["value"], user="U2",
                                                  channel="DU2"))
        await rig.slack.wait_call("response_url", 2)
        intro, role_step = (c.args for c in rig.slack.calls_to("response_url"))
        assert intro["text"] == "Merci ! Je vous écrirai en français."
        assert any(b["type"] == "actions" for b in role_step["blocks"])

        await rig.side.command(p.command(rig.slack, "profil", "modifier", user="U2", channel="DU2"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        fields = {b["block_id"]: b for b in view["blocks"]}
        assert list(fields) == ["role", "country", "organisation", "stage", "timezone"]
        role = fields["role"]["element"]["options"][0]["value"]
        stage = fields["stage"]["element"]["options"][0]["value"]
        bad = await rig.side.interactive(p.view_submission(view, {"role": role, "timezone": "Mars/Olympus"},
                                                           user="U2"))
        assert bad["response_action"] == "errors" and list(bad["errors"]) == ["timezone"]
        answers = {"role": role, "stage": stage, "timezone": "Africa/Douala", "organisation": "CAMNAFAW"}
        assert await rig.side.interactive(p.view_submission(view, answers, user="U2")) == {}
        await rig.slack.wait_for(lambda s: any(m["text"].startswith("Enregistré.") for m in posts_to(rig, "DU2")))
        saved = next(m["text"] for m in posts_to(rig, "DU2") if m["text"].startswith("Enregistré."))
        assert "CAMNAFAW" in saved and "Africa/Douala" in saved

        await rig.side.command(p.command(rig.slack, "mesdonnees", user="U2", channel="DU2"))
        upload = await rig.slack.wait_call("files.completeUploadExternal")
        assert upload.args["channel_id"] == "DU2"
        exported = [body for body in rig.slack.uploads.values() if b"CAMNAFAW" in body]
        assert len(exported) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_faq_dm_mention_and_command_with_votes(settings: Settings, clock: SimClock, mode: str) -> None:
    async with slack_rig(settings, clock, mode, users=USERS, slack_channels=CHANNELS) as rig:
        await rig.side.event(p.event_callback(p.dm_event("Which countries use openIMIS?")))
        answer = (await rig.slack.wait_call("chat.postMessage")).args
        assert answer["channel"] == "D1" and "Tanzania" in answer["text"]
        yes = button(answer, "faq.vote", ":y")
        await rig.side.interactive(p.block_action(rig.slack, yes["action_id"], yes["value"]))
        assert (await rig.slack.wait_call("response_url")).args["text"] == "Thank you! Glad it helped."

        mention = {"type": "app_mention", "user": "U2", "channel": "C0GENERAL", "ts": "1700000100.000200",
                   "text": "<@UBOT> Quels pays utilisent openIMIS ?"}
        await rig.side.event(p.event_callback(mention))
        public = (await rig.slack.wait_call("chat.postMessage", 2)).args
        assert public["channel"] == "C0GENERAL" and public["thread_ts"] == "1700000100.000200"
        assert "Tanzanie" in public["text"] or "Cameroun" in public["text"]

        await rig.side.command(p.command(rig.slack, "faq", "How many people are covered by openIMIS?"))
        reply = (await rig.slack.wait_call("response_url", 2)).args
        assert reply["response_type"] == "ephemeral" and "Nepal" in reply["text"]
        assert not rig.slack.calls_to("chat.postEphemeral")


@pytest.mark.parametrize("mode", MODES)
async def test_feedback_picker_modal_product_post_triage_and_member_dm(settings: Settings, clock: SimClock,
                                                                       mode: str) -> None:
    settings = replace(settings, admins=frozenset({"slack:U1"}))
    async with slack_rig(settings, clock, mode, users=USERS, slack_channels=CHANNELS) as rig:
        await rig.side.command(p.command(rig.slack, "avis", user="U2", channel="DU2"))
        picker = (await rig.slack.wait_call("response_url")).args
        module = button(picker, "feedback.new")
        await rig.side.interactive(p.block_action(rig.slack, module["action_id"], module["value"], user="U2",
                                                  channel="DU2"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        assert [b["block_id"] for b in view["blocks"]] == ["category", "rating", "description", "steps", "anonymous"]
        anonymous = view["blocks"][4]["element"]
        assert anonymous["type"] == "radio_buttons" and anonymous["initial_option"]["value"] == "no"

        empty = await rig.side.interactive(p.view_submission(view, {"category": "bug", "anonymous": "no"},
                                                             user="U2"))
        assert empty["response_action"] == "errors" and list(empty["errors"]) == ["description"]
        answers = {"category": "bug", "rating": "2", "anonymous": "no",
                   "description": "La liste des assurés <b>plante</b> @here"}
        assert await rig.side.interactive(p.view_submission(view, answers, user="U2")) == {}

        await rig.slack.wait_for(lambda s: posts_to(rig, "C0PRODUCT") and posts_to(rig, "DU2"))
        post = posts_to(rig, "C0PRODUCT")[0]
        assert "&lt;b&gt;plante&lt;/b&gt; @\u200bhere" in post["text"] and "<b>" not in post["text"]
        assert "FB-" in posts_to(rig, "DU2")[0]["text"]

        triage = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"].startswith("feedback.status#")]
        refused = await rig.side.interactive(p.block_action(rig.slack, triage[0]["action_id"], triage[0]["value"],
                                                            user="U2", channel="C0PRODUCT"))
        assert refused == {}
        await rig.side.interactive(p.block_action(rig.slack, triage[0]["action_id"], triage[0]["value"],
                                                  user="U1", channel="C0PRODUCT"))
        await rig.slack.wait_for(lambda s: len(posts_to(rig, "DU2")) >= 2)
        update = posts_to(rig, "DU2")[1]["text"]
        answers_to_presses = [c.args["text"] for c in rig.slack.calls_to("response_url")][1:]
        assert answers_to_presses[0].startswith("Désolé, seuls les administrateurs")  # U2 is not an admin
        assert answers_to_presses[1].startswith("FB-0001 is now")
        assert update.startswith("Des nouvelles de votre retour FB-0001") and "&lt;b&gt;" in update


@pytest.mark.parametrize("mode", MODES)
async def test_peers_join_modal_round_group_dm_and_checkin(settings: Settings, clock: SimClock, mode: str) -> None:
    async with slack_rig(settings, clock, mode, users=USERS, slack_channels=CHANNELS) as rig:
        await rig.side.command(p.command(rig.slack, "peers", "join"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        assert [b["block_id"] for b in view["blocks"]] == ["stage", "languages", "country", "interests", "consent"]
        answers = {"stage": "pilot", "languages": ["en", "fr"], "country": "1X", "interests": ["claims"],
                   "consent": "yes"}
        bad = await rig.side.interactive(p.view_submission(view, answers))
        assert bad["response_action"] == "errors" and list(bad["errors"]) == ["country"]
        assert await rig.side.interactive(p.view_submission(view, {**answers, "country": "CM"})) == {}
        joined = (await rig.slack.wait_call("chat.postMessage")).args
        assert joined["channel"] == "DU1" and "<!date^" in joined["text"]

        inline = "join stage=pilot languages=fr,en country=NE interests=claims consent=oui"
        await rig.side.command(p.command(rig.slack, "pairs", inline, user="U2", channel="DU2"))
        assert "<!date^" in (await rig.slack.wait_call("response_url")).args["text"]

        await rig.app.heartbeat.advance_to(clock, clock.now() + timedelta(days=7))
        group = [c.args["users"] for c in rig.slack.calls_to("conversations.open")]
        assert "U1,U2" in group or "U2,U1" in group
        intro = posts_to(rig, "GU1U2")[0]["text"]
        assert "<@U1>" in intro and "<@U2>" in intro

        await rig.app.heartbeat.advance_to(clock, clock.now() + timedelta(days=11))
        checkin = next(m for m in posts_to(rig, "DU2") if any(b["type"] == "actions" for b in m["blocks"]))
        yes = button(checkin, "peers.checkin", ":yes")
        await rig.side.interactive(p.block_action(rig.slack, yes["action_id"], yes["value"], user="U2",
                                                  channel="DU2"))
        assert (await rig.slack.wait_call("response_url", 2)).args["text"].startswith("Formidable")
