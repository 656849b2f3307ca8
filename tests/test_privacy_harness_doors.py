"""The privacy harness on the Slack and Discord doors (issue 15): distinctive strings are seeded through every
feature a member uses there (profile, FAQ question and vote, webinar RSVP, peers, named and anonymous
feedback, a form left half-filled), then /forget-me; the database file, its WAL, every outbox row and the
DEBUG logs of the whole run hold none of the member's name, platform id, organisation or FAQ question,
and the door's in-memory caches forget them too."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as sp
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings, typed
from tests.fakes.slack_harness import slack_rig

NAME, ORGANISATION, QUESTION = "Zorblaxq", "Qwyrtz Clinic", "blorptastic question how do I install with docker"
SATURDAY = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
WEBINAR = 'create title="Implementers call" start="2027-03-23 14:00" tz=Europe/Paris link=https://meet.example.org/x'


def occurrences(path: Path, secret: str) -> int:
    return path.read_bytes().lower().count(secret.lower().encode()) if path.exists() else 0


async def check_nothing_left(app: App, db_path: str, secrets: tuple[str, ...], logs: str) -> None:
    """The file, the WAL, the outbox and the logs hold none of `secrets`."""
    store = app.services.store
    payloads = " ".join(str(tuple(r)) for r in await store.fetch_all("SELECT * FROM outbox")).lower()
    await store.checkpoint()
    for secret in secrets:
        assert secret.lower() not in payloads, secret
        assert occurrences(Path(db_path), secret) == 0, secret
        assert occurrences(Path(db_path + "-wal"), secret) == 0, secret
        assert secret.lower() not in logs.lower(), secret


SEEDED = ("profiles", "faq_asks", "faq_votes", "webinar_rsvps", "peer_participants", "feedback_items")


async def check_seeded(app: App, db_path: str, secrets: tuple[str, ...], tables: tuple[str, ...] = SEEDED) -> None:
    """What the harness scans for is really there before /forget-me (so the scan can fail)."""
    store = app.services.store
    for table in tables:
        [row] = await store.fetch_all(f"SELECT COUNT(*) FROM {table}")
        assert row[0] > 0, table
    await store.checkpoint()
    for secret in secrets:
        assert occurrences(Path(db_path), secret) > 0, secret


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


async def test_discord_member_forgotten_leaves_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    zorblax, admin = dp.user("900000000000097531", NAME), dp.user("900000000000005001", "Ana")
    fake = await FakeDiscord().start()
    settings = door_settings(fake, tmp_path / "bot.db", discord_channels={
        "announcements": "900000000000000300", "product": "900000000000000500"})
    try:
        async with app_for(settings, clock=SimClock(SATURDAY)) as (app, clock), door(app, clock):
            assert await fake.member_joins(zorblax)
            await fake.interact(dp.command(zorblax, "profile", "organisation", options={"value": ORGANISATION}))
            answer = (await fake.interact(typed(app.routes, zorblax, "faq", QUESTION)))["data"]
            await fake.interact(dp.press(zorblax, buttons_of(answer)[0]))  # a vote on the answer
            confirm = (await fake.interact(typed(app.routes, admin, "webinar", WEBINAR, admin=True)))["data"]
            [save] = [b for b in buttons_of(confirm) if b.startswith("webinar.confirm|")]
            await fake.interact(dp.press(admin, save, admin=True))
            await fake.interact(dp.press(zorblax, "webinar.rsvp|1:going"))
            await fake.interact(typed(app.routes, zorblax, "peers", "join stage=pilot languages=en country=TD "
                                                           "interests=claims consent=yes"))
            await fake.interact(typed(app.routes, zorblax, "feedback", "NAMEDX the claims menu is confusing"))
            await fake.interact(typed(app.routes, zorblax, "feedback", "anonymous ANONX the search is slow"))
            await half_filled_feedback_form(fake, zorblax)
            await app.heartbeat.tick()
            messenger = app.services.outbox.messengers["discord"]
            assert zorblax["id"] in getattr(messenger, "dm_channels", {})  # the cache the erasure must clear
            secrets = (NAME, zorblax["id"], ORGANISATION, QUESTION)
            await check_seeded(app, settings.db_path, secrets, (*SEEDED, "discord_forms"))
            asked = (await fake.interact(dp.slash(zorblax, "forget-me")))["data"]
            [forget] = [b for b in buttons_of(asked) if b.startswith("privacy.forget")]
            await fake.interact(dp.press(zorblax, forget))
            await app.heartbeat.tick()
            assert zorblax["id"] not in getattr(messenger, "dm_channels", {})
            await check_nothing_left(app, settings.db_path, secrets, logged(caplog))
            kept = await app.services.store.fetch_all("SELECT description FROM feedback_items")
            assert len(kept) == 2  # both items stay for the product team, now anonymous
    finally:
        await fake.close()


async def half_filled_feedback_form(fake: FakeDiscord, who: dict[str, Any]) -> None:
    """A feedback form handed in with an error: Discord keeps the typed answers, with the member, to correct."""
    picker = (await fake.interact(dp.slash(who, "feedback")))["data"]
    module = next(b for b in buttons_of(picker) if b.startswith("feedback.new|"))
    modal = (await fake.interact(dp.press(who, module)))["data"]
    answers = {"category": ["usability"], "rating": ["9"], "description": f"{ORGANISATION} draft text",
               "steps": "", "anonymous": ["no"]}
    await fake.interact(dp.submit(who, modal["custom_id"], answers))


async def test_slack_member_forgotten_leaves_nothing(settings: Settings, clock: SimClock,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    user = "UZORBLAXQ9"
    settings = replace(settings, welcome_public_greeting=True)
    users = ((user, NAME, "en-US"), ("UADMIN1", "Ana", "en-US"))
    channels = {"introductions": "C0INTRO", "product": "C0PRODUCT", "announcements": "C0ANNOUNCE"}
    async with slack_rig(settings, clock, "http", users=users, slack_channels=channels,
                         admins=frozenset({"slack:UADMIN1"})) as rig:
        slack, side = rig.slack, rig.side
        dm = f"D{user}"
        await side.event(sp.event_callback({"type": "team_join", "user": slack.users[user]}))
        for name, text in (("profile", f"organisation {ORGANISATION}"), ("faq", QUESTION),
                           ("feedback", "NAMEDX the claims menu is confusing"),
                           ("feedback", "anonymous ANONX the search is slow"),
                           ("peers", "join stage=pilot languages=en country=TD interests=claims consent=yes")):
            await side.command(sp.command(slack, name, text, user=user, channel=dm))
        await press(rig, "faq.vote", user)
        await side.command(sp.command(slack, "webinar", WEBINAR, user="UADMIN1", channel="DUADMIN1"))
        await press(rig, "webinar.confirm", "UADMIN1")
        await rig.app.heartbeat.tick()  # the announcement, with its RSVP buttons
        await press(rig, "webinar.rsvp", user)
        await rig.app.heartbeat.tick()
        assert rig.door.facts._cache.get(user) is not None  # noqa: SLF001 - the cache the erasure must clear
        secrets = (NAME, user, ORGANISATION, QUESTION)
        await check_seeded(rig.app, settings.db_path, secrets)
        await side.command(sp.command(slack, "forget-me", user=user, channel=dm))
        await press(rig, "privacy.forget", user)
        await rig.app.heartbeat.tick()
        assert rig.door.facts._cache.get(user) is None  # noqa: SLF001
        assert not [k for k in rig.door.messenger.dm_channels if user in k]
        await check_nothing_left(rig.app, settings.db_path, secrets, logged(caplog))


def newest_button(slack: Any, action: str) -> dict[str, Any] | None:
    """The newest button `action` among the answers Slack received, if any."""
    kinds = ("response_url", "chat.postMessage", "chat.postEphemeral")
    for call in reversed([c for c in slack.calls if c.method in kinds]):
        for block in call.args.get("blocks", []):
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element["action_id"].startswith(action + "#"):
                    return dict(element)
    return None


async def press(rig: Any, action: str, user: str) -> None:
    """Press the newest button `action` shown (waiting for it to arrive), as `user`."""
    async with asyncio.timeout(10):
        await rig.slack.wait_for(lambda s: newest_button(s, action) is not None)
    button = newest_button(rig.slack, action)
    assert button is not None
    await rig.side.interactive(sp.block_action(rig.slack, button["action_id"], button["value"], user=user,
                                               channel=f"D{user}"))


VOTES = "SELECT a.id, a.answer_id, v.member_id, v.topic_id, v.helpful FROM faq_asks a " \
        "LEFT JOIN faq_votes v ON v.ask_id = a.id"


async def test_crafted_faq_buttons_through_the_doors_change_nothing(tmp_path: Path, settings: Settings,
                                                                    clock: SimClock) -> None:
    """Issue 15 #6 on the real payload paths: another member's question id in a vote or pick button."""
    owner, other = dp.user("900000000000004001", "Owner"), dp.user("900000000000004002", "Other")
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "d.db")) as (app, d_clock), door(app, d_clock):
            answer = (await fake.interact(typed(app.routes, owner, "faq", "is there a demo?")))["data"]
            ask_id = buttons_of(answer)[0].split("|")[1].split(":")[0]
            before = [tuple(r) for r in await app.services.store.fetch_all(VOTES)]
            for crafted in (f"faq.vote|{ask_id}:demo:n", f"faq.pick|{ask_id}:install-docker"):
                refused = (await fake.interact(dp.press(other, crafted)))["data"]["content"]
                assert "no longer active" in refused
            assert [tuple(r) for r in await app.services.store.fetch_all(VOTES)] == before
    finally:
        await fake.close()
    async with slack_rig(settings, clock, "http", users=(("U1", "Owner", "en-US"), ("U2", "Other", "en-US"))) as rig:
        await rig.side.command(sp.command(rig.slack, "faq", "is there a demo?", user="U1"))
        await press_wait(rig, "faq.vote")
        vote = newest_button(rig.slack, "faq.vote")
        assert vote is not None
        ask_id = vote["value"].split(":")[0]
        before = [tuple(r) for r in await rig.app.services.store.fetch_all(VOTES)]
        for action, value in (("faq.vote#0", f"{ask_id}:demo:n"), ("faq.pick#0", f"{ask_id}:install-docker")):
            await rig.side.interactive(sp.block_action(rig.slack, action, value, user="U2", channel="DU2"))
        await rig.replies(3)
        refusals = [c.args["text"] for c in rig.slack.calls if c.method == "response_url"][1:]
        assert len(refusals) == 2 and all("no longer active" in text for text in refusals)
        assert [tuple(r) for r in await rig.app.services.store.fetch_all(VOTES)] == before


async def press_wait(rig: Any, action: str) -> None:
    async with asyncio.timeout(10):
        await rig.slack.wait_for(lambda s: newest_button(s, action) is not None)
