"""/profile, /feedback and /faq declared (issue 18 #2): native Discord subcommands with typed options, French
names and autocomplete; the same words typed on the console in English or French; admin subcommands
refused by the dispatcher; free text still reaches /faq and /feedback whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core.i18n import Catalogs
from bot.core.model import Actor, CommandInvoked
from bot.platforms.discord.commands import command_payload
from handlers import all_routes
from tests.conftest import ConsoleFactory
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings, typed

ANA = p.user("900000000000009001", "Ana")
BOSS = p.user("900000000000009002", "Boss")


def payload(name: str) -> dict[str, Any]:
    command = all_routes().command(name)
    assert command is not None
    return command_payload(command, Catalogs())


def subcommands(name: str) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in payload(name)["options"]}


def test_profile_is_a_native_command_with_a_subcommand_per_field() -> None:
    profile = payload("profile")
    assert profile["name_localizations"] == {"fr": "profil"}
    subs = subcommands("profile")
    assert "args" not in subs and list(subs)[:2] == ["show", "edit"]
    assert {"role", "country", "organisation", "stage", "languages", "interests", "timezone", "consent",
            "tips"} <= set(subs)
    assert subs["country"]["name_localizations"] == {"fr": "pays"} and subs["show"]["name_localizations"] == {
        "fr": "voir"}
    [country] = subs["country"]["options"]
    assert (country["name"], country["name_localizations"], country["autocomplete"]) == ("value", {"fr": "valeur"},
                                                                                         True)
    stages = {c["value"]: c for c in subs["stage"]["options"][0]["choices"]}
    assert stages["pilot"]["name_localizations"] == {"fr": "Phase pilote"}
    assert subs["timezone"]["options"][0]["autocomplete"] is True
    [tips] = subs["tips"]["options"][0]["choices"]
    assert tips["value"] == "off" and tips["name_localizations"] == {"fr": "désactivé"}


def test_feedback_and_faq_are_native_commands_with_typed_options() -> None:
    feedback = subcommands("feedback")
    assert "args" not in feedback and list(feedback)[0] == "new"
    assert feedback["status"]["name_localizations"] == {"fr": "statut"}
    assert feedback["set"]["name_localizations"] == {"fr": "changer"}
    ref, status, note = feedback["set"]["options"]
    assert ref["autocomplete"] is True and status["autocomplete"] is True and note["name"] == "note"
    assert [o["name"] for o in feedback["scope"]["options"][1]["choices"]] == ["Core product", "Country-specific",
                                                                              "Scope undecided"]
    assert feedback["list"]["options"][0]["autocomplete"] is True
    faq = subcommands("faq")
    assert list(faq) == ["ask", "reload", "gaps", "drafts", "draft"]
    assert faq["reload"]["name_localizations"] == {"fr": "recharger"}
    assert faq["ask"]["options"][0]["autocomplete"] is True and faq["draft"]["options"][0]["autocomplete"] is True


async def test_french_and_english_words_typed_on_the_console(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        await session.send(":join awa fr", ":as awa")
        assert "Enregistré" in await session.send("/profil pays Tchad")
        shown = await session.send("/profil voir")
        assert "Tchad" in shown and shown == await session.send("/profil")
        assert "Je ne connais pas l’étape" in await session.send("/profil étape bof")
        assert "seuls les administrateurs" in (await session.send("/faq recharger")).lower()
        gaps = await session.send("/faq lacunes dans la couverture des soins ?")  # a question, not `lacunes`
        assert "administrateurs" not in gaps
        assert "FB-0001" in await session.send("/avis rapide le menu des assurés est confus")
        assert "FB-0001" in await session.send("/avis statut FB-0001")
        await session.send(":as admin")
        assert "FAQ rechargée" in await session.send("/faq recharger")
        assert "Je ne connais pas le statut" in await session.send("/avis changer FB-0001 bientôt")
        assert "Planifié" in await session.send("/avis changer FB-0001 planifié")
        assert "Produit de base" in await session.send("/avis portée FB-0001 cœur")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def choices(answer: dict[str, Any]) -> list[dict[str, Any]]:
    assert answer["type"] == 8
    return list(answer["data"]["choices"])


async def test_discord_suggests_references_topics_and_drafts(fake: FakeDiscord, tmp_path: Any) -> None:
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        await fake.interact(typed(app.routes, ANA, "feedback", "the claims menu is confusing"))
        refs = choices(await fake.interact(p.command(ANA, "feedback", "status", options={"ref": ""},
                                                     focused="ref")))
        assert [c["value"] for c in refs] == ["FB-0001"] and "claims menu" in refs[0]["name"]
        topics = choices(await fake.interact(p.command(ANA, "faq", "ask", options={"question": "instal"},
                                                       focused="question")))
        assert [c["value"] for c in topics] == ["How do I install openIMIS?"]
        asked = await fake.interact(p.command(ANA, "faq", "ask", options={"question": topics[0]["value"]}))
        assert "openimis-dist" in asked["data"]["content"]
        drafts = p.command(BOSS, "faq", "draft", options={"draft": ""}, focused="draft", admin=True)
        assert choices(await fake.interact(drafts))[0] == {"name": "new", "value": "new"}
        assert choices(await fake.interact(p.command(ANA, "faq", "draft", options={"draft": ""},
                                                     focused="draft"))) == []
        statuses = choices(await fake.interact(p.command(BOSS, "feedback", "list", options={"status": "plan"},
                                                         focused="status", admin=True, locale="fr")))
        assert statuses == [{"name": "Planifié", "value": "planned"}]


async def test_free_text_reaches_faq_and_feedback_whole(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        app = session.app
        actor = Actor("console", "ana", "Ana")
        filed = await app.dispatcher.handle(CommandInvoked(actor, "feedback", "top menu items overlap on phones"))
        assert "filed as FB-0001" in str(filed)
        rows = await app.services.store.fetch_all("SELECT description FROM feedback_items")
        assert [r[0] for r in rows] == ["top menu items overlap on phones"]
        asked = await app.dispatcher.handle(CommandInvoked(actor, "faq", "reload the page after install?"))
        assert "only community admins" not in str(asked)
        listed = await app.dispatcher.handle(CommandInvoked(actor, "feedback", "top"))
        assert "FB-0001" not in str(listed)  # `top` alone is the subcommand (no votes yet)
