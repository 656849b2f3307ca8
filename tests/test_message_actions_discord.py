"""Message context commands through Discord payloads against the fake Discord: synced with French names;
help-channel post (the bot opens its thread) -> reply in the thread -> "Save as FAQ draft" (admins only) ->
modals -> Publish -> the asker told in French and answered; "Ask the FAQ about this" and "Send as feedback"
(modal prefilled)."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.services.faq.content import DEFAULT_DIR
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

ADMIN = p.user("900000000000007001", "Ana")
AWA = p.user("900000000000007002", "Awa")
RAM = p.user("900000000000007003", "Ram")
HELP = "900000000000000400"
SAVE, ASK, FEEDBACK = "Save as FAQ draft", "Ask the FAQ about this", "Send as feedback"


def ask(who: dict[str, Any], question: str, **kwargs: Any) -> dict[str, Any]:
    """`/faq ask question:…` on Discord."""
    return p.command(who, "faq", "ask", options={"question": question}, **kwargs)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def loop_settings(fake: FakeDiscord, tmp_path: Path, **extra: Any) -> Any:
    folder = tmp_path / "faq"
    shutil.copytree(DEFAULT_DIR, folder)
    return door_settings(fake, tmp_path / "bot.db", faq_dir=str(folder), help_channel="ask-openimis",
                         discord_channels={"ask-openimis": HELP}, **extra)


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


def text(answer: dict[str, Any]) -> str:
    return str(answer["data"].get("content", "")).replace("\xa0", " ")


def pick(answer: dict[str, Any], prefix: str) -> str:
    return next(b for b in buttons_of(answer["data"]) if b.startswith(prefix))


async def test_context_commands_are_synced_with_french_names(fake, tmp_path):
    settings = loop_settings(fake, tmp_path, discord_guild_ids=(int(p.GUILD_ID),))
    async with app_for(settings) as (app, clock), door(app, clock):
        [synced] = fake.find("PUT", rf"/applications/{p.APP_ID}/guilds/{p.GUILD_ID}/commands")
        menus = {c["name"]: c for c in synced.body if c.get("type") == 3}
        assert set(menus) == {ASK, FEEDBACK, SAVE}
        assert menus[ASK]["name_localizations"] == {"fr": "Demander à la FAQ"}
        assert menus[FEEDBACK]["name_localizations"] == {"fr": "Envoyer comme avis"}
        assert menus[SAVE]["name_localizations"] == {"fr": "Enregistrer comme brouillon FAQ"}
        assert int(menus[SAVE]["default_member_permissions"]) == p.MANAGE_GUILD
        assert menus[ASK]["default_member_permissions"] is None


async def test_help_thread_saved_as_draft_published_and_the_asker_answered(fake, tmp_path):
    async with app_for(loop_settings(fake, tmp_path)) as (app, clock), door(app, clock):
        none = await fake.interact(ask(AWA, "comment faire du pain au levain ?", locale="fr"))
        how = await fake.interact(p.press(AWA, pick(none, "faq.help|"), locale="fr"))
        assert "Dois-je vous mentionner" in text(how)
        posted = await fake.interact(p.press(AWA, pick(how, "faq.help.post|"), locale="fr"))
        code = re.search(r"Q-\w{5}", text(posted)).group(0)  # type: ignore[union-attr]
        await app.heartbeat.tick()  # the outbox delivers the post
        [post] = await fake.messages_to(HELP)
        assert post.body["content"].startswith(f"Question {code} de <@{AWA['id']}>")
        root = fake.created[HELP][0]
        opened = fake.threads[root["id"]]  # the answers gather in a thread, as on Slack
        assert opened["name"] == f"{code} · comment faire du pain au levain ?" and opened["parent_id"] == HELP

        reply = fake.add_message(root["id"], RAM, "Mix flour, water, salt and a sourdough starter.")
        thread = p.thread(root["id"], HELP)
        refused = await fake.interact(p.message_command(RAM, SAVE, reply, channel=thread))
        assert text(refused) == app.services.catalogs.t("en", "errors.admin_only")

        saved = await fake.interact(p.message_command(ADMIN, SAVE, reply, channel=thread, admin=True))
        assert "Saved: FAQ draft D-1" in text(saved) and "FR: questions: comment faire du pain" in text(saved)
        assert fake.find("GET", rf"/channels/{HELP}/messages/{root['id']}")  # the thread's first message

        modal = (await fake.interact(p.press(ADMIN, pick(saved, "faq.draft.edit|1:fr"), admin=True)))["data"]
        french = {"questions": "comment faire du pain au levain ?\nrecette du pain au levain",
                  "answer": "Mélangez farine, eau, sel et levain.", "tags": "pain", "links": "", "topic": "levain"}
        await fake.interact(p.submit(ADMIN, modal["custom_id"], french, admin=True))
        modal = (await fake.interact(p.press(ADMIN, pick(saved, "faq.draft.edit|1:en"), admin=True)))["data"]
        english = {"questions": "how do I bake sourdough bread?\nsourdough bread recipe",
                   "answer": "Mix flour, water, salt and a sourdough starter.", "tags": "bread", "links": "",
                   "topic": "levain"}
        await fake.interact(p.submit(ADMIN, modal["custom_id"], english, admin=True))
        published = await fake.interact(p.press(ADMIN, pick(saved, "faq.draft.publish|"), admin=True))
        assert "Published: D-1 is now FAQ topic levain" in text(published)

        await app.heartbeat.tick()
        [told] = await fake.messages_to(p.dm_channel_id(AWA["id"]))
        assert "Bonne nouvelle" in told.body["content"] and "Mélangez farine" in told.body["content"]
        served = await fake.interact(ask(AWA, "recette du pain au levain", locale="fr"))
        assert "Mélangez farine" in text(served)


async def test_ask_the_faq_and_send_as_feedback_on_a_message(fake, tmp_path):
    async with app_for(loop_settings(fake, tmp_path)) as (app, clock), door(app, clock):
        message = fake.add_message(p.CHANNEL_ID, RAM, "comment installer openimis avec docker ?")
        answer = await fake.interact(p.message_command(AWA, ASK, message, locale="fr"))
        assert "clonez-le" in text(answer) and answer["data"]["flags"] & 64  # privately

        modal = (await fake.interact(p.message_command(AWA, FEEDBACK, message, locale="fr")))
        assert modal["type"] == 9
        fields = {row["component"]["custom_id"]: row["component"] for row in modal["data"]["components"]}
        assert fields["description"]["value"] == "comment installer openimis avec docker ?"

        not_thread = await fake.interact(p.message_command(ADMIN, SAVE, message, admin=True))
        assert "inside a thread" in text(not_thread)
