"""Slack App Home (issue 19 #1): published when opened, in the member's language, with their profile,
upcoming webinars and RSVP buttons, peer matching and feedback; admins see what waits for them; a button
pressed there is answered on the home; re-published when something it shows changes."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_harness import slack_rig

USERS = (("U1", "Ana", "en-US"), ("U2", "Awa", "fr-FR"), ("UADMIN", "Boss", "en-US"))
WEBINAR = ('create title="Implementers call" start="2026-12-08 14:00" tz=Europe/Paris '
           'link=https://meet.example.org/x')


def text_of(view: dict[str, Any]) -> str:
    return "\n".join((b.get("text") or {}).get("text", "") for b in view["blocks"])


def buttons_of(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def published(rig: Any, user: str, count: int) -> dict[str, Any]:
    """Wait for the `count`-th views.publish to `user`; return that view."""
    def calls() -> list[Any]:
        return [c for c in rig.slack.calls if c.method == "views.publish" and c.args.get("user_id") == user]
    async with asyncio.timeout(10):
        await rig.slack.wait_for(lambda s: len(calls()) >= count)
    view = calls()[count - 1].args["view"]
    return view if isinstance(view, dict) else {}


async def published_with(rig: Any, user: str, text: str) -> dict[str, Any]:
    """Wait until a view published to `user` holds `text`; return it."""
    def found() -> list[dict[str, Any]]:
        return [c.args["view"] for c in rig.slack.calls if c.method == "views.publish"
                and c.args.get("user_id") == user and text in text_of(c.args["view"])]
    async with asyncio.timeout(10):
        await rig.slack.wait_for(lambda s: bool(found()))
    return found()[-1]


async def test_home_in_each_language_with_rsvp_answered_on_the_home(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", users=USERS, admins=frozenset({"slack:UADMIN"}),
                         slack_channels={"announcements": "C0ANN"}) as rig:
        await rig.side.command(sp.command(rig.slack, "webinar", WEBINAR, user="UADMIN", channel="DUADMIN"))
        async with asyncio.timeout(10):
            await rig.slack.wait_for(lambda s: any("webinar.confirm" in str(c.args) for c in s.calls))
        confirm = next(e for c in rig.slack.calls if c.method == "response_url" for b in c.args.get("blocks", [])
                       if b["type"] == "actions" for e in b["elements"] if e["action_id"].startswith("webinar.confirm"))
        await rig.side.interactive(sp.block_action(rig.slack, confirm["action_id"], confirm["value"], user="UADMIN",
                                                   channel="DUADMIN"))
        await rig.side.event(sp.home_opened("U1"))
        english = await published(rig, "U1", 1)
        assert "Your profile" in text_of(english) and "Implementers call" in text_of(english)
        assert "For admins" not in text_of(english)
        going = next(b for b in buttons_of(english) if b["action_id"].startswith("webinar.rsvp"))
        assert going["text"]["text"] == "Going"

        await rig.side.interactive(sp.home_action(going["action_id"], going["value"], user="U1"))
        after = await published(rig, "U1", 2)
        assert text_of(after).startswith("Noted")  # the answer, on top of the re-published home
        [line] = [t for t in text_of(after).split("\n") if t.startswith("• #1 Implementers call")]
        assert line.endswith("you: Going")
        assert not [c for c in rig.slack.calls if c.method == "chat.postMessage" and c.args["channel"] == "DU1"]

        await rig.side.event(sp.home_opened("U2"))
        french = await published(rig, "U2", 1)
        assert "Votre profil" in text_of(french) and "Prochains webinaires" in text_of(french)
        assert [b["text"]["text"] for b in buttons_of(french)][:2] == ["English", "Français"]

        await rig.side.event(sp.home_opened("UADMIN"))
        admin = text_of(await published(rig, "UADMIN", 1))
        assert "For admins" in admin and "Scheduled work" in admin and "webinars:" in admin


async def test_a_form_opens_from_the_home_and_changes_republish_it(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", users=USERS, admins=frozenset({"slack:UADMIN"}),
                         slack_channels={"product": "C0PRODUCT"}) as rig:
        await rig.side.event(sp.home_opened("U1"))
        home = await published(rig, "U1", 1)
        edit = next(b for b in buttons_of(home) if b["action_id"].startswith("profile.form"))
        await rig.side.interactive(sp.home_action(edit["action_id"], edit["value"], user="U1"))
        async with asyncio.timeout(10):
            await rig.slack.wait_call("views.open")
        # what the member does elsewhere re-publishes the home
        await rig.side.command(sp.command(rig.slack, "feedback", "the claims search is slow", user="U1"))
        await published_with(rig, "U1", "the claims search is slow")
        # a DM the bot sends them (here: their feedback's status changes) re-publishes it too
        await rig.side.command(sp.command(rig.slack, "feedback", "set FB-0001 planned", user="UADMIN",
                                          channel="DUADMIN"))
        await rig.app.heartbeat.tick()
        latest = await published_with(rig, "U1", "Planned")
        assert "the claims search is slow" in text_of(latest)
        await rig.side.command(sp.command(rig.slack, "forget-me", user="U1"))
        assert "U1" in rig.door.home.opened
        confirm = next(e for c in rig.slack.calls if c.method == "response_url" for b in c.args.get("blocks", [])
                       if b["type"] == "actions" for e in b["elements"] if e["action_id"].startswith("privacy.forget"))
        await rig.side.interactive(sp.block_action(rig.slack, confirm["action_id"], confirm["value"], user="U1"))
        async with asyncio.timeout(10):
            await rig.slack.wait_for(lambda s: "U1" not in rig.door.home.opened)
