"""Issue 13's French journeys through the fake Slack: an organiser and a member whose Slack language is French
(fr-FR), the member having also chosen /langue fr and living in Douala. Webinars (create with French values and
a day-first date, RSVP with buttons, reminders at her time, edit, cancel), feedback (filed in a modal, triaged by
a French admin with French words, the status DM), peers (join with French values, a round, the check-in).
What the fake Slack received is checked against the English catalog (tests/french_text.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import TIMEOUT, SlackRig, slack_rig
from tests.french_text import assert_french, plain

CHANNELS = {"announcements": "C0ANNOUNCE", "introductions": "C0INTRO", "product": "C0PRODUCT"}
USERS = (("U1", "Ana", "fr-FR"), ("U2", "Bio", "fr-FR"))
TITLE = "Appel des équipes"
LINK = "https://meet.example.org/eq"


@pytest.fixture
def clock() -> SimClock:
    return SimClock(datetime(2027, 11, 20, 9, 0, tzinfo=UTC))  # a Saturday, two weeks before 3 December 2027


@pytest.fixture
def admin_settings(settings: Settings) -> Settings:
    return replace(settings, admins=frozenset({"slack:U1"}))


def answers(rig: SlackRig) -> list[dict[str, Any]]:
    """What the door answered through response_url, oldest first."""
    return [c.args for c in rig.slack.calls_to("response_url")]


def posts(rig: SlackRig, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in rig.slack.calls_to("chat.postMessage") if c.args["channel"] == channel]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]


async def command(rig: SlackRig, name: str, text: str, user: str = "U1") -> dict[str, Any]:
    """Send a slash command; its (first) answer."""
    before = len(answers(rig))
    await rig.side.command(p.command(rig.slack, name, text, user=user, channel=f"D{user}"))
    await wait(rig, lambda: len(answers(rig)) > before)
    return answers(rig)[before]


async def press(rig: SlackRig, button: dict[str, Any], user: str = "U1", channel: str | None = None) -> dict[str, Any]:
    before = len(answers(rig))
    await rig.side.interactive(p.block_action(rig.slack, button["action_id"], button.get("value"), user=user,
                                              channel=channel or f"D{user}"))
    await wait(rig, lambda: len(answers(rig)) > before)
    return answers(rig)[before]


async def wait(rig: SlackRig, condition: Any) -> None:
    async with asyncio.timeout(TIMEOUT):
        await rig.slack.wait_for(lambda s: condition())


async def dm_with(rig: SlackRig, user: str, needle: str) -> dict[str, Any]:
    """The first DM to `user` whose text holds `needle` (waited for)."""
    def found() -> dict[str, Any] | None:
        return next((m for m in posts(rig, f"D{user}") if needle in plain(m["text"])), None)
    await wait(rig, found)
    message = found()
    assert message is not None
    return message


def french_date(text: str) -> str:
    """The fallback of Slack's <!date^…|fallback> token: what a client that cannot localise shows."""
    return plain(text).split("|", 1)[1].split(">", 1)[0]


async def test_a_french_webinar_through_slack(admin_settings: Settings, clock: SimClock) -> None:
    async with slack_rig(admin_settings, clock, "http", users=USERS, slack_channels=CHANNELS) as rig:
        rig.slack.users["U2"]["tz"] = "Africa/Douala"
        chosen = await command(rig, "langue", "fr", user="U2")
        assert plain(chosen["text"]) == "C'est fait : je vous parlerai désormais en français."
        draft = await command(rig, "webinaire", f'créer titre="{TITLE}" debut="03/12/2027 14h" '
                                                f'fuseau=Europe/Paris lien={LINK} durée="1 h 30" langue=français')
        assert french_date(draft["text"]) == "vendredi 3 décembre 2027, 14:00 (CET)"  # day first: 3 December
        assert "90 min · en français" in draft["text"] and "mars" not in draft["text"]
        assert labels(draft) == ["Confirmer", "Durée, langue, répétition…", "Annuler"]
        saved = await press(rig, buttons(draft)[0])
        assert plain(saved["text"]) == "Enregistré comme webinaire n°1 et annoncé dans #announcements."

        await wait(rig, lambda: posts(rig, "C0ANNOUNCE"))
        announcement = posts(rig, "C0ANNOUNCE")[0]
        french = ["J'y serai", "Peut-être", "Je ne viens pas"]  # after the channel's language (English here)
        assert all(label.endswith(word) for label, word in zip(labels(announcement), french, strict=True))
        going = await press(rig, buttons(announcement)[0], user="U2", channel="C0ANNOUNCE")
        assert plain(going["text"]).startswith(f"C'est noté : J'y serai — « {TITLE} », prochaine séance")
        assert french_date(going["text"]) == "vendredi 3 décembre 2027, 14:00 (WAT)"  # her zone
        assert "/webinaire rappels 2h 15m · désactivé · par défaut" in plain(going["text"])

        await rig.app.heartbeat.advance_to(clock, datetime(2027, 12, 2, 12, 59, tzinfo=UTC))
        assert not [m for m in posts(rig, "DU2") if "Rappel" in m["text"]]  # not a minute early
        await rig.app.heartbeat.advance_to(clock, datetime(2027, 12, 3, 12, 30, tzinfo=UTC))
        day = await dm_with(rig, "U2", "commence dans 1 jour")
        hour = await dm_with(rig, "U2", "commence dans 1 heure")
        for reminder in (day, hour):
            assert plain(reminder["text"]).startswith(f"⏰ Rappel : « {TITLE} » commence dans 1")
            assert "<!date^1827838800^" in reminder["text"]  # 13:00 UTC: 14:00 in Paris and in Douala
            assert french_date(reminder["text"]) == "vendredi 3 décembre 2027, 14:00 (WAT)"

        edit = await command(rig, "webinaire", 'modifier 1 debut="le 10 décembre à 15h"')
        assert french_date(edit["text"]) == "vendredi 10 décembre 2027, 15:00 (CET)"
        await press(rig, buttons(edit)[0])
        changed = await dm_with(rig, "U2", "a changé")
        assert plain(changed["text"]).startswith("🔁 Un webinaire auquel vous comptez participer a changé")
        assert french_date(changed["text"]) == "vendredi 10 décembre 2027, 15:00 (WAT)"
        cancel = await command(rig, "webinaire", "annuler 1")
        assert labels(cancel) == ["Annuler le webinaire", "Le garder"]
        await press(rig, buttons(cancel)[0])
        cancelled = await dm_with(rig, "U2", "Annulé")
        assert plain(cancelled["text"]).startswith("❌ Annulé")
        await rig.app.heartbeat.advance_to(clock, datetime(2027, 12, 11, tzinfo=UTC))
        assert not [m for m in posts(rig, "DU2") if "10 décembre" in m["text"] and "Rappel" in m["text"]]

        to_french_readers = [m["text"] for m in posts(rig, "DU2") + posts(rig, "DU1")] + \
                            [a["text"] for a in answers(rig)]
        assert_french("\n".join(to_french_readers), TITLE)
        assert all("<!date^" in t for t in to_french_readers if "décembre" in t)  # every date a Slack date


async def test_french_feedback_through_slack(admin_settings: Settings, clock: SimClock) -> None:
    async with slack_rig(admin_settings, clock, "http", users=USERS, slack_channels=CHANNELS) as rig:
        picker = await command(rig, "avis", "", user="U2")
        assert "Prestations" in labels(picker) and "Autre / je ne sais pas" in labels(picker)
        claims = next(b for b in buttons(picker) if b["text"]["text"] == "Prestations")
        await rig.side.interactive(p.block_action(rig.slack, claims["action_id"], claims["value"], user="U2",
                                                  channel="DU2"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        shown = [view["title"]["text"], view["submit"]["text"], view["close"]["text"]] + [
            b["label"]["text"] for b in view["blocks"]] + [
            o["text"]["text"] for b in view["blocks"] for o in b["element"].get("options", [])]
        assert "Bogue" in shown and "Facilité d'utilisation" in plain(" ".join(shown))
        assert_french("\n".join(shown))
        description = "La liste des assurés se charge très lentement"
        filed = {"category": "bug", "rating": "4", "anonymous": "no", "description": description}
        assert await rig.side.interactive(p.view_submission(view, filed, user="U2")) == {}
        thanks = await dm_with(rig, "U2", "FB-0001")
        assert plain(thanks["text"]).startswith("Merci ! Votre retour est enregistré sous la référence FB-0001.")

        listed = await command(rig, "avis", "liste nouveau bogue")
        assert "FB-0001 · Nouveau · Bogue · Prestations" in plain(listed["text"])
        planned = await command(rig, "avis", "changer FB-0001 planifié prévu pour la version 24.10")
        assert plain(planned["text"]).startswith("FB-0001 est maintenant au statut Planifié.")
        news = await dm_with(rig, "U2", "Des nouvelles de votre retour FB-0001")
        assert "son statut est maintenant Planifié." in plain(news["text"])
        assert "Note de l'équipe produit : prévu pour la version 24.10" in plain(news["text"])
        refused = await command(rig, "avis", "changer FB-0001 terminé")
        assert "Examiné, Planifié, Réalisé, Refusé, Doublon" in refused["text"]
        status = await command(rig, "avis", "statut FB-0001", user="U2")
        assert plain(status["text"]).startswith("FB-0001 : Planifié (Bogue · Prestations, envoyé le")
        texts = [m["text"] for m in posts(rig, "DU2") + posts(rig, "DU1")] + [a["text"] for a in answers(rig)]
        assert_french("\n".join(texts), description, "prévu pour la version 24.10", "terminé")


async def test_french_peers_through_slack(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", users=USERS, slack_channels=CHANNELS) as rig:
        rig.slack.users["U2"]["tz"] = "Africa/Douala"
        for user, country, zone in (("U1", "Tchad", "CET"), ("U2", "Cameroun", "WAT")):
            joined = await command(rig, "pairs", f"rejoindre étape=pilote pays={country} langues=français "
                                                 "intérêts=prestations consentement=oui", user=user)
            assert plain(joined["text"]).startswith("C'est fait ! Au prochain tour (<!date^")
            assert french_date(joined["text"]) == f"lundi 22 novembre 2027, 10:00 ({zone})"

        await rig.app.heartbeat.advance_to(clock, clock.now() + timedelta(days=2))
        await wait(rig, lambda: posts(rig, "GU1U2"))
        intro = plain(posts(rig, "GU1U2")[0]["text"])
        assert intro.startswith("Bonjour <@U1>, <@U2> ! Vous êtes pairs pour ce tour")
        assert "vous êtes à la même étape : Phase pilote" in intro
        assert "vous travaillez dans des pays différents (Cameroun et Tchad)" in intro

        await rig.app.heartbeat.advance_to(clock, clock.now() + timedelta(days=11))
        check_in = await dm_with(rig, "U2", "Le tour touche à sa fin")
        assert labels(check_in) == ["Oui", "Pas encore", "Non"]
        thanks = await press(rig, buttons(check_in)[0], user="U2")
        assert plain(thanks["text"]).startswith("Formidable, merci !")
        texts = [m["text"] for m in posts(rig, "DU2") + posts(rig, "DU1") + posts(rig, "GU1U2")]
        assert_french("\n".join(texts + [a["text"] for a in answers(rig)]))


async def test_french_privacy_through_slack(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", users=USERS, slack_channels=CHANNELS) as rig:
        await command(rig, "profil", "pays Tchad", user="U2")
        told = await command(rig, "confidentialite", "", user="U2")
        assert "/mesdonnees" in told["text"] and "/oubliez-moi" in told["text"]
        asked = await command(rig, "oubliez-moi", "", user="U2")
        assert labels(asked)[0] == "Oui, oubliez-moi"
        erased = await press(rig, buttons(asked)[0], user="U2")
        assert "vos données personnelles ont été effacées" in plain(erased["text"])
        assert_french("\n".join(plain(a["text"]) for a in answers(rig)))
