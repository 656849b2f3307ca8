"""French members type values in French on the console, and through the Discord fake (issue 13 items 1-3)."""

from __future__ import annotations

from bot.store import members, profiles
from tests.conftest import ConsoleFactory
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

ZOE = p.user("900000000000007001", "Zoé")


async def test_profile_and_peers_in_french_on_the_console(console: ConsoleFactory) -> None:
    async with console(user="zoe", lang="fr") as session:
        assert "Étape de mise en œuvre : Phase pilote" in await session.send("/profil étape pilote")
        assert "Rôle : Développeur ou développeuse" in await session.send("/profil rôle dev")
        assert "Pays : Côte d’Ivoire" in await session.send("/profil pays Côte d'Ivoire")
        refused = await session.send("/profil étape astronaute")
        assert "Je ne connais pas l’étape « astronaute »" in refused and "Phase pilote" in refused
        assert "pilot," not in refused and "scale-up" not in refused
        joined = await session.send(
            "/pairs rejoindre étape=pilote pays=Tchad langues=français,anglais intérêts=prestations consentement=oui")
        assert "C'est fait" in joined
        shown = await session.send("/profil")
        assert "Pays : Tchad" in shown and "Prestations" in shown


async def test_peers_join_english_keys_with_french_values(console: ConsoleFactory) -> None:
    async with console(user="ali", lang="fr") as session:
        out = await session.send("/pairs rejoindre stage=pilote country=RDC languages=fr interests=cotisations "
                                 "consent=oui")
        assert "C'est fait" in out
        refused = await session.send("/pairs rejoindre stage=nulle-part")
        assert "Je ne connais pas l’étape « nulle-part »" in refused
        assert "Je ne mets pas en œuvre" not in refused  # not a stage one can be matched at


async def test_a_french_member_types_values_in_french_in_a_discord_modal(tmp_path) -> None:
    server = await FakeDiscord().start()
    try:
        async with app_for(door_settings(server, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            modal = (await server.interact(p.slash(ZOE, "peers", "join", locale="fr")))["data"]
            bad = {"stage": ["pilot"], "languages": ["fr"], "country": "Zorglub", "interests": ["claims"],
                   "consent": ["yes"]}
            refused = await server.interact(p.submit(ZOE, modal["custom_id"], bad, locale="fr"))
            assert "Je ne connais pas le pays « Zorglub »" in str(refused["data"])
            modal = (await server.interact(p.slash(ZOE, "peers", "join", locale="fr")))["data"]
            good = {**bad, "country": "Tchad"}
            joined = await server.interact(p.submit(ZOE, modal["custom_id"], good, locale="fr"))
            assert "C'est fait" in joined["data"]["content"]
            async with app.services.store.transaction() as db:
                member = await members.by_platform_id(db, "discord", ZOE["id"])
                assert member is not None
                assert (await profiles.get(db, member.id)).country == "TD"
    finally:
        await server.close()
