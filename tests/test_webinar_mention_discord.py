"""A webinar announcement mentioning the role the organiser chose (issue 19 #5), through the fake Discord: the native
command's `role` option (autocomplete in the reader's language), the announcement and the "starting now" post
pinging only that role (allowed_mentions as Discord applies it, see tests/fakes/discord.pinged), nothing else in
the title pinging, DMs never carrying it, a refused role leaving the database unchanged, and edits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import ANNOUNCEMENTS, app_for, door, door_settings

SATURDAY = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
ANA = p.user("900000000000006001", "Ana")
RAM = p.user("900000000000006002", "Ram")
ROLES = {"lang:fr": "700000000000000011", "country:TD": "700000000000000012", "stage:pilot": "700000000000000013"}
FR, TD, PILOT = ROLES.values()
LINK = "https://meet.example.org/implementers"
DETAILS = f'title="Appel @everyone <@&{TD}>" start="2027-03-23 14:00" tz=UTC link={LINK} repeat=weekly'


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def settings(fake: FakeDiscord, tmp_path: Path) -> Any:
    return door_settings(fake, tmp_path / "bot.db", discord_roles=ROLES, discord_guild_ids=(int(p.GUILD_ID),))


def custom_ids(answer: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in answer["data"].get("components", []) for c in row["components"]]


async def webinar(fake: FakeDiscord, options: dict[str, Any], sub: str = "create", locale: str = "en-US") -> str:
    """The admin runs `/webinar <sub>` with these options and presses Confirm; returns the confirmation shown."""
    answer = await fake.interact(p.command(ANA, "webinar", sub, options=options, admin=True, locale=locale))
    confirm = [c for c in custom_ids(answer) if c.startswith("webinar.confirm|")]
    assert confirm, answer
    await fake.interact(p.press(ANA, confirm[0], admin=True, locale=locale))
    return str(answer["data"]["content"])


async def posts(app: App, fake: FakeDiscord) -> list[dict[str, Any]]:
    """Deliver the outbox; the messages created in the announcements channel."""
    await app.services.outbox.deliver_due()
    return fake.created.get(ANNOUNCEMENTS, [])


def sent_to(fake: FakeDiscord, channel: str) -> list[dict[str, Any]]:
    return [c.body for c in fake.find("POST", rf"/channels/{channel}/messages")]


async def test_french_organiser_picks_a_role_and_only_that_role_is_pinged(fake, tmp_path):
    async with app_for(settings(fake, tmp_path), clock=SimClock(SATURDAY)) as (app, clock), door(app, clock):
        declared = {o["name"]: o for s in fake.commands["webinar"]["options"] if s["name"] == "create"
                    for o in s["options"]}
        assert declared["role"]["autocomplete"] is True and declared["role"]["name_localizations"]["fr"] == "rôle"
        assert declared["role"]["description_localizations"]["fr"].startswith("Un rôle à mentionner")
        typed = await fake.interact(p.command(ANA, "webinar", "create", options={"role": "fran"}, focused="role",
                                              admin=True, locale="fr"))
        assert typed["data"]["choices"] == [{"name": "Langue\xa0: Francophones", "value": "lang:fr"}]

        shown = await webinar(fake, {"details": DETAILS + " lang=fr", "role": "langue:fr"}, locale="fr")
        assert "L'annonce mentionne\xa0: Langue\xa0: Francophones" in shown
        [announcement] = await posts(app, fake)
        assert announcement["content"].startswith(f"<@&{FR}>\n📣 New webinar #1")  # the channel's language first
        assert announcement["content"].count(f"<@&{FR}>") == 1 and "Nouveau webinaire n°1" in announcement["content"]
        assert announcement["mention_roles"] == [FR] and not announcement["mention_everyone"]
        assert f"<@&{TD}>" in announcement["content"]  # the title's text is shown, and pings nothing
        assert sent_to(fake, ANNOUNCEMENTS)[0]["allowed_mentions"] == {"parse": [], "roles": [int(FR)]}

        await app.dispatcher.handle(ButtonPressed(Actor("discord", RAM["id"], "Ram"), "webinar.rsvp", "1:going"))
        await app.heartbeat.advance_to(clock, datetime(2027, 3, 23, 14, 1, tzinfo=UTC))
        await app.services.outbox.deliver_due()
        start = fake.created[ANNOUNCEMENTS][-1]
        assert start["content"].startswith(f"<@&{FR}>") and start["mention_roles"] == [FR]
        dms = [m for channel, made in fake.created.items() if channel == p.dm_channel_id(RAM["id"]) for m in made]
        assert dms and all(f"<@&{FR}>" not in m["content"] and not m["mention_roles"] for m in dms)
        assert all(body["allowed_mentions"]["parse"] == [] and "roles" not in body["allowed_mentions"]
                   for body in sent_to(fake, p.dm_channel_id(RAM["id"])))


async def test_refused_roles_leave_nothing_behind_in_english_and_french(fake, tmp_path):
    async with app_for(settings(fake, tmp_path), clock=SimClock(SATURDAY)) as (app, clock), door(app, clock):
        for role, locale, expected in (
                ("everyone", "en-US", "never mentions @everyone, @here or @channel"),
                ("@here", "fr", "ne mentionne jamais @everyone, @here ni @channel"),
                ("lang:de", "en-US", "“lang:de” is not a role the announcement can mention. Choose one of: "
                                     "Language: French speakers · Country: Chad · Stage: Pilot (or none)."),
                ("étape:conception", "fr", "«\xa0étape:conception\xa0» n'est pas un rôle que l'annonce peut "
                                           "mentionner. "
                                           "Choisissez parmi\xa0: Langue\xa0: Francophones · Pays\xa0: Tchad · "
                                           "Étape\xa0: Phase pilote")):
            options = {"details": DETAILS, "role": role}
            answer = await fake.interact(p.command(ANA, "webinar", "create", options=options, admin=True,
                                                   locale=locale))
            assert expected in answer["data"]["content"], role
            assert not custom_ids(answer)
        for table in ("webinars", "webinar_drafts", "outbox"):
            row = await app.services.store.fetch_one(f"SELECT COUNT(*) FROM {table}")
            assert row is not None and row[0] == 0, table
        assert await posts(app, fake) == []


async def test_an_edit_changes_then_removes_the_role(fake, tmp_path):
    async with app_for(settings(fake, tmp_path), clock=SimClock(SATURDAY)) as (app, clock), door(app, clock):
        await webinar(fake, {"details": DETAILS, "role": "country:td"})
        [announcement] = await posts(app, fake)
        assert announcement["mention_roles"] == [TD]

        shown = await webinar(fake, {"id": 1, "role": "stage:pilot"}, sub="edit")
        assert "The announcement mentions: Stage: Pilot" in shown
        row = await app.services.store.fetch_one("SELECT mention, title FROM webinars WHERE id = 1")
        assert row is not None and tuple(row) == ("stage:pilot", f"Appel @everyone <@&{TD}>")
        assert len(await posts(app, fake)) == 1  # a new role alone is not news for the channel
        await app.heartbeat.advance_to(clock, datetime(2027, 3, 23, 14, 1, tzinfo=UTC))
        started = (await posts(app, fake))[-1]
        assert started["mention_roles"] == [PILOT] and started["content"].startswith(f"<@&{PILOT}>\n")

        shown = await webinar(fake, {"id": 1, "role": "none"}, sub="edit")
        assert "The announcement mentions no role" in shown
        await app.heartbeat.advance_to(clock, datetime(2027, 3, 30, 14, 1, tzinfo=UTC))
        started = (await posts(app, fake))[-1]
        assert started["mention_roles"] == [] and started["content"].startswith("🔴")


async def test_the_more_options_modal_offers_the_roles_in_french(fake, tmp_path):
    async with app_for(settings(fake, tmp_path), clock=SimClock(SATURDAY)) as (app, clock), door(app, clock):
        answer = await fake.interact(p.command(ANA, "webinar", "create", options={"details": DETAILS}, admin=True,
                                               locale="fr"))
        [more] = [c for c in custom_ids(answer) if c.startswith("webinar.more|")]
        modal = (await fake.interact(p.press(ANA, more, admin=True, locale="fr")))["data"]
        [select] = [row["component"] for row in modal["components"] if row["component"]["custom_id"] == "mention"]
        assert [o["label"] for o in select["options"]] == [
            "Aucune mention", "Langue\xa0: Francophones", "Pays\xa0: Tchad", "Étape\xa0: Phase pilote"]
        values: dict[str, str | list[str]] = {"duration": "60", "language": ["fr"], "repeat": "",
                                              "mention": ["country:TD"]}
        confirm = await fake.interact(p.submit(ANA, modal["custom_id"], values, admin=True, locale="fr"))
        assert "L'annonce mentionne\xa0: Pays\xa0: Tchad" in confirm["data"]["content"]
        [button] = [c for c in custom_ids(confirm) if c.startswith("webinar.confirm|")]
        await fake.interact(p.press(ANA, button, admin=True, locale="fr"))
        [announcement] = await posts(app, fake)
        assert announcement["mention_roles"] == [TD] and announcement["content"].startswith(f"<@&{TD}>\n")
