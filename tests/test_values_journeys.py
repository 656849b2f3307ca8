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
        assert "Étape de mise en œuvre : Phase pilote" in await session.send("/profil étape pilote")
        assert "Rôle : Développeur ou développeuse" in await session.send("/profil rôle dev")
        assert "Pays : Côte d’Ivoire" in await session.send("/profil pays Côte d'Ivoire")
        refused = await session.send("/profil étape astronaute")
        assert "Je ne connais pas l’étape « astronaute »" in refused and "Phase pilote" in refused
        assert "pilot," not in refused and "scale-up" not in refused
        joined = await session.send(
            "/pairs rejoindre étape=pilote pays=Tchad langues=français,anglais intérêts=prestations consentement=oui")
        assert "C'est fait" in joined
        shown = await session.send("/profil")
        assert "Pays : Tchad" in shown and "Prestations" in shown


async def test_peers_join_english_keys_with_french_values(console: ConsoleFactory) -> None:
    async with console(user="ali", lang="fr") as session:
        out = await session.send("/pairs rejoindre stage=pilote country=RDC languages=fr interests=cotisations "
                                 "consent=oui")
        assert "C'est fait" in out
        refused = await session.send("/pairs rejoindre stage=nulle-part")
        assert "Je ne connais pas l’étape « nulle-part »" in refused
        assert "Je ne mets pas en œuvre" not in refused  # not a stage one can be matched at


async def test_a_french_member_types_values_in_french_in_a_discord_modal(tmp_path) -> None:
    server = await FakeDiscord().start()
    try:
        async with app_for(door_settings(server, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            modal = (await server.interact(p.command(ZOE, "peers", "join", locale="fr")))["data"]
            bad = {"stage": ["pilot"], "languages": ["fr"], "country": "Zorglub", "interests": ["claims"],
                   "consent": ["yes"]}
            refused = await server.interact(p.submit(ZOE, modal["custom_id"], bad, locale="fr"))
            assert "Je ne connais pas le pays « Zorglub »" in str(refused["data"]).replace("\\xa0", "\u00a0")
            modal = (await server.interact(p.command(ZOE, "peers", "join", locale="fr")))["data"]
            good = {**bad, "country": "Tchad"}
            joined = await server.interact(p.submit(ZOE, modal["custom_id"], good, locale="fr"))
            assert "C'est fait" in joined["data"]["content"]
            async with app.services.store.transaction() as db:
                member = await members.by_platform_id(db, "discord", ZOE["id"])
                assert member is not None
                assert (await profiles.get(db, member.id)).country == "TD"
    finally:
        await server.close()


async def test_a_french_organiser_creates_a_webinar_day_first_and_turns_reminders_off(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        out = await session.send('/webinaire creer titre="Appel test" debut="03/12/2027 14h" fuseau=Africa/Douala '
                                 'lien=https://meet.example.org/abc langue=bilingue durée="1 h 30"')
        assert "vendredi 3 décembre 2027, 14:00 (WAT)" in out
        assert "mars" not in out and "J'ai lu" not in out  # day first: no doubt, no note
        assert "Enregistré comme webinaire n°1" in await session.send(":click 1")
        shown = await session.send("/webinaire voir 1")
        assert "vendredi 3 décembre 2027" in shown and "90 min · en anglais et en français" in shown
        off = await session.send("/webinaire rappels désactivé")
        assert "Les rappels de webinaires sont désactivés pour vous" in off
        back = await session.send("/webinaire rappels par défaut")
        assert "Je vous préviens en message privé" in back
        assert "Je vous préviens en message privé 2 jours et 1 heure" in await session.send(
            "/webinaire rappels 2 jours, 1 heure")
        assert "n'est pas une liste de rappels acceptée" in await session.send("/webinaire rappels bof")
        assert "2 jours et 1 heure" in await session.send("/webinaire rappels")  # the refusal changed nothing
        asked = await session.send('/webinaire creer titre="X" debut="3/12" lien=https://x.org/a')
        assert "À quelle heure le jeudi 3 décembre 2026\u00a0?" in asked
        refused = await session.send('/webinaire creer titre="X" debut="31/02/2027 10h" lien=https://x.org/a')
        assert "n’est pas une date qui existe" in refused


async def test_an_english_organiser_sees_an_ambiguous_date_with_the_month_in_words(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="en") as session:
        out = await session.send('/webinar create title="Test call" start="03/12/2027 14:00" tz=Africa/Douala '
                                 'link=https://meet.example.org/abc')
        assert "Friday 12 March 2027, 14:00 (WAT)" in out
        assert "I read “03/12/2027 14:00” month first, as Friday 12 March 2027" in out
        assert "If you meant Friday 3 December 2027" in out
        clear = await session.send('/webinar create title="Test call" start="2027-12-03 14:00" tz=Africa/Douala '
                                   'link=https://meet.example.org/abc')
        assert "month first" not in clear


async def test_snooze_until_a_french_date(console: ConsoleFactory) -> None:
    async with console(user="zoe", lang="fr") as session:
        await session.send("/pairs rejoindre étape=pilote pays=Tchad langues=fr intérêts=prestations consentement=oui")
        out = await session.send("/pairs pause jusqu'au 1er mai")
        assert "jusqu'au samedi 1er mai 2027" in out, out
