"""Issue 13's French journeys through the fake Discord: members whose Discord language is French (locale "fr"),
the member having also chosen /langue fr and living in Douala. Webinars (a modal filled with French values and a
day-first date, RSVP with buttons, reminders at the right time, edit, cancel), feedback (a French modal, a French
admin triaging with French words, the status DM), peers (join with French values, a round, the check-in). What
the fake Discord received is checked against the English catalog (tests/french_text.py); Discord shows each
date in the reader's own language and zone from its <t:…> timestamp, so those are checked by their instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.clock import SimClock
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import ANNOUNCEMENTS, app_for, door, door_settings, fake, typed
from tests.french_text import assert_french, plain

__all__ = ["fake"]  # the fixture

ADMIN = p.user("900000000000009001", "Ana")
AWA = p.user("900000000000009002", "Awa")
BEA = p.user("900000000000009003", "Bea")
TITLE = "Appel des équipes"
LINK = "https://meet.example.org/eq"
NOVEMBER = datetime(2027, 11, 20, 9, 0, tzinfo=UTC)  # a Saturday, two weeks before 3 December 2027
START = int(datetime(2027, 12, 3, 13, 0, tzinfo=UTC).timestamp())  # 14:00 in Paris and in Douala


def content(answer: dict[str, Any]) -> str:
    return plain(str(answer.get("data", answer).get("content", "")))


def buttons(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in data.get("components", []) if "components" in row for c in row["components"]]


def labels(data: dict[str, Any]) -> list[str]:
    return [b["label"] for b in buttons(data)]


def field_labels(modal: dict[str, Any]) -> list[str]:
    shown = [modal["title"]]
    for row in modal["components"]:
        shown.append(row.get("label", ""))
        shown += [o["label"] for o in row["component"].get("options", [])]
    return shown


async def dms(fake: FakeDiscord, who: dict[str, Any], count: int = 1) -> list[str]:
    return [plain(c.body["content"]) for c in await fake.messages_to(p.dm_channel_id(who["id"]), count)]


async def test_a_french_webinar_through_discord(fake: FakeDiscord, tmp_path) -> None:
    async with app_for(door_settings(fake, tmp_path / "bot.db"), clock=SimClock(NOVEMBER)) as (app, clock), \
            door(app, clock):
        said = [content(await fake.interact(typed(app.routes, AWA, "langue", "fr", locale="fr"))),
                content(await fake.interact(typed(app.routes, AWA, "profil", "fuseau Douala", locale="fr")))]
        assert said[0] == "C'est fait : je vous parlerai désormais en français." and "Africa/Douala" in said[1]
        modal = (await fake.interact(p.command(ADMIN, "webinar", "create", admin=True, locale="fr")))["data"]
        assert modal["title"] == "Nouveau webinaire"
        assert_french("\n".join(field_labels(modal)))
        values = {"title": TITLE, "start": "03/12/2027 14h", "timezone": "heure de Paris", "link": LINK,
                  "description": ""}
        draft = await fake.interact(p.submit(ADMIN, modal["custom_id"], values, admin=True, locale="fr"))
        said.append(content(draft))
        assert f"<t:{START}:F>" in content(draft)  # 3 December, read day first
        assert labels(draft["data"]) == ["Confirmer", "Durée, langue, répétition…", "Annuler"]
        saved = await fake.interact(p.press(ADMIN, buttons(draft["data"])[0]["custom_id"], admin=True, locale="fr"))
        said.append(content(saved))
        assert content(saved).startswith("Enregistré comme webinaire n°1")

        await app.heartbeat.tick()
        [announcement] = await fake.messages_to(ANNOUNCEMENTS)
        rsvp = buttons(announcement.body)
        going = await fake.interact(p.press(AWA, rsvp[0]["custom_id"], locale="fr"))
        said.append(content(going))
        assert content(going).startswith(f"C'est noté : J'y serai — « {TITLE} », prochaine séance <t:{START}:F>")

        await app.heartbeat.advance_to(clock, datetime(2027, 12, 3, 12, 30, tzinfo=UTC))
        day, hour = await dms(fake, AWA, 2)
        assert day.startswith(f"⏰ Rappel : « {TITLE} » commence dans 1 jour, <t:{START}:F>")
        assert hour.startswith(f"⏰ Rappel : « {TITLE} » commence dans 1 heure, <t:{START}:F>")

        edit = await fake.interact(typed(app.routes, ADMIN, "webinaire", 'modifier 1 debut="le 10 décembre à 15h"',
                                         admin=True, locale="fr"))
        moved = int(datetime(2027, 12, 10, 14, 0, tzinfo=UTC).timestamp())
        assert f"<t:{moved}:F>" in content(edit)
        await fake.interact(p.press(ADMIN, buttons(edit["data"])[0]["custom_id"], admin=True, locale="fr"))
        await app.heartbeat.tick()
        changed = (await dms(fake, AWA, 3))[2]
        assert changed.startswith("🔁 Un webinaire auquel vous comptez participer a changé")
        assert f"<t:{moved}" in changed
        cancel = await fake.interact(typed(app.routes, ADMIN, "webinaire", "annuler 1", admin=True, locale="fr"))
        assert labels(cancel["data"]) == ["Annuler le webinaire", "Le garder"]
        await fake.interact(p.press(ADMIN, buttons(cancel["data"])[0]["custom_id"], admin=True, locale="fr"))
        await app.heartbeat.tick()
        cancelled = (await dms(fake, AWA, 4))[3]
        assert cancelled.startswith("❌ Annulé")
        assert_french("\n".join(said + [day, hour, changed, cancelled]), TITLE)


async def test_french_feedback_through_discord(fake: FakeDiscord, tmp_path) -> None:
    product = "900000000000000500"
    settings = door_settings(fake, tmp_path / "bot.db", discord_channels={"product": product})
    async with app_for(settings) as (app, clock), door(app, clock):
        picker = (await fake.interact(typed(app.routes, AWA, "avis", "", locale="fr")))["data"]
        assert "Prestations" in labels(picker)
        claims = next(b for b in buttons(picker) if b["label"] == "Prestations")
        modal = (await fake.interact(p.press(AWA, claims["custom_id"], locale="fr")))["data"]
        assert "Bogue" in field_labels(modal)
        assert_french("\n".join(field_labels(modal)))
        description = "La liste des assurés se charge très lentement"
        answers = {"category": ["bug"], "rating": ["4"], "description": description, "steps": "",
                   "anonymous": ["no"]}
        filed = await fake.interact(p.submit(AWA, modal["custom_id"], answers, locale="fr"))
        assert content(filed).startswith("Merci ! Votre retour est enregistré sous la référence FB-0001.")

        said = [content(filed)]
        for line in ("liste nouveau bogue", "changer FB-0001 planifié prévu pour la version 24.10",
                     "changer FB-0001 terminé"):
            said.append(content(await fake.interact(typed(app.routes, ADMIN, "avis", line, admin=True,
                                                          locale="fr"))))
        assert "FB-0001 · Nouveau · Bogue · Prestations" in said[1]
        assert said[2].startswith("FB-0001 est maintenant au statut Planifié.")
        assert "Examiné, Planifié, Réalisé, Refusé, Doublon" in said[3]
        await app.heartbeat.tick()
        [news] = await dms(fake, AWA)
        assert news.startswith("Des nouvelles de votre retour FB-0001") and "Planifié." in news
        assert "Note de l'équipe produit : prévu pour la version 24.10" in news
        assert_french("\n".join([*said, news]), description, "prévu pour la version 24.10", "terminé")


async def test_french_peers_through_discord(fake: FakeDiscord, tmp_path) -> None:
    async with app_for(door_settings(fake, tmp_path / "bot.db"), clock=SimClock(NOVEMBER)) as (app, clock), \
            door(app, clock):
        said = []
        for who, country in ((AWA, "Cameroun"), (BEA, "Tchad")):
            joined = await fake.interact(typed(app.routes, who, "pairs", f"rejoindre étape=pilote pays={country} "
                                               "langues=français intérêts=prestations consentement=oui", locale="fr"))
            said.append(content(joined))
            monday = int(datetime(2027, 11, 22, 9, 0, tzinfo=UTC).timestamp())
            assert content(joined).startswith(f"C'est fait ! Au prochain tour (<t:{monday}:F>")
        await app.heartbeat.advance_to(clock, clock.now() + timedelta(days=2))
        [intro] = await dms(fake, AWA)
        assert intro == (await dms(fake, BEA))[0]  # one group message, a DM each
        assert intro.startswith(f"Bonjour <@{AWA['id']}>, <@{BEA['id']}> ! Vous êtes pairs pour ce tour") or \
            intro.startswith(f"Bonjour <@{BEA['id']}>, <@{AWA['id']}> ! Vous êtes pairs pour ce tour")
        assert "vous travaillez dans des pays différents (Cameroun et Tchad)" in intro

        await app.heartbeat.advance_to(clock, clock.now() + timedelta(days=11))
        _, check_in = await fake.messages_to(p.dm_channel_id(AWA["id"]), 2)
        assert plain(check_in.body["content"]).startswith("Le tour touche à sa fin")
        assert labels(check_in.body) == ["Oui", "Pas encore", "Non"]
        thanks = await fake.interact(p.press(AWA, buttons(check_in.body)[0]["custom_id"], in_guild=False,
                                             locale="fr"))
        assert content(thanks).startswith("Formidable, merci !")
        assert_french("\n".join([*said, intro, plain(check_in.body["content"]), content(thanks)]))


async def test_french_privacy_through_discord(fake: FakeDiscord, tmp_path) -> None:
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        await fake.interact(typed(app.routes, AWA, "profil", "pays Cameroun", locale="fr"))
        told = content(await fake.interact(typed(app.routes, AWA, "confidentialite", "", locale="fr")))
        assert "/mesdonnees" in told and "/oubliez-moi" in told
        asked = (await fake.interact(typed(app.routes, AWA, "oubliez-moi", "", locale="fr")))["data"]
        assert labels(asked)[0] == "Oui, oubliez-moi"
        erased = content(await fake.interact(p.press(AWA, buttons(asked)[0]["custom_id"], locale="fr")))
        assert "vos données personnelles ont été effacées" in erased
        assert_french("\n".join([told, plain(asked["content"]), erased]))
