"""Issue 13's console journeys in French, end to end: a French organiser runs a webinar through Paris's
change to summer time for a member in Douala (create, RSVP, reminders, edit, cancel), a French admin triages
feedback with French words, French members meet in a peers round and answer the check-in. Every DM to a
French reader is checked against the English catalog (tests/french_text.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.core.clock import SimClock
from tests.conftest import ConsoleFactory, ConsoleSession
from tests.french_text import assert_french, english_words, plain

SATURDAY = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)  # Paris moves to summer time on Sunday 28 March
TITLE = "Appel des équipes"
CREATE = (f'/webinaire créer titre="{TITLE}" debut="23/03/2027 14h" fuseau=Europe/Paris '
          'lien=https://meet.example.org/eq durée="1 h" langue=français répéter=hebdomadaire')


async def say(session: ConsoleSession, *lines: str) -> str:
    """What the console printed for `lines`, typography made plain."""
    return plain(await session.send(*lines))


def said_to(out: str, *readers: str) -> str:
    """The messages (each with its buttons) the console showed to `readers` by DM or in their group."""
    blocks = re.split(r"\n(?=\[)", out)
    heads = tuple(f"[DM {r}]" for r in readers) + tuple(f"[group {r}" for r in readers)
    return "\n".join(b for b in blocks if b.startswith(heads))


def test_the_checker_finds_english_catalog_words() -> None:
    assert english_words("Reminder: “Call” starts in 1 day, Tuesday 23 March 2027") == [
        "call", "day", "march", "reminder", "starts", "tuesday"]
    assert english_words("⏰ Rappel : « Appel » commence dans 1 jour, mardi 23 mars 2027, 14:00 (WAT).") == []
    assert english_words("(fichier webinar-1.ics) https://meet.example.org/call Africa/Douala @bea") == []
    assert english_words("Note : « the claims page is slow »", {"the claims page is slow"}) == []


@pytest.fixture
def clock() -> SimClock:
    return SimClock(SATURDAY)


async def test_a_french_organiser_runs_a_webinar_across_the_change_to_summer_time(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        await say(session, ":join awa fr", ":as awa", "/profil fuseau Douala", ":as admin", "/profil fuseau Paris")
        draft = await say(session, CREATE)
        assert "🗓 mardi 23 mars 2027, 14:00 (CET) · 60 min · en français\n🔁 chaque semaine" in draft
        assert "[1] Confirmer  [2] Durée, langue, répétition…  [3] Annuler" in draft
        saved = await say(session, ":click 1")
        assert "Enregistré comme webinaire n°1 et annoncé dans #announcements." in saved
        assert "J'y serai" in saved and "Je ne viens pas" in saved  # the channel's language, then the session's

        shown = await say(session, ":as awa", "/webinaire voir 1")
        assert "🗓 mardi 23 mars 2027, 14:00 (WAT)" in shown  # her zone: Paris in winter is Douala's hour
        answered = await say(session, ":click 1")
        assert "C'est noté : J'y serai — « Appel des équipes », prochaine séance mardi 23 mars 2027, 14:00 (WAT)" \
            in answered
        first = await say(session, ":advance 10d")  # to Tuesday 30 March, 09:00 UTC
        assert said_to(first, "awa").count("⏰ Rappel") == 3
        assert "commence dans 1 jour, mardi 23 mars 2027, 14:00 (WAT)" in first
        assert "commence dans 1 heure, mardi 23 mars 2027, 14:00 (WAT)" in first
        # Paris is now on summer time: 14:00 in Paris is 13:00 in Douala, which has no DST
        assert "commence dans 1 jour, mardi 30 mars 2027, 13:00 (WAT)" in first

        edited = await say(session, ":as admin", '/webinaire modifier 1 debut="mercredi 7 avril 16h"', ":click 1")
        assert "🗓 mercredi 7 avril 2027, 16:00 (CEST)" in edited
        assert "[DM awa] 🔁 Un webinaire auquel vous comptez participer a changé" in edited
        assert "🗓 mercredi 7 avril 2027, 15:00 (WAT)" in said_to(edited, "awa")
        asked = await say(session, "/webinaire annuler 1")
        assert "[1] Annuler le webinaire  [2] Le garder" in asked
        cancelled = await say(session, ":click 1")
        assert "Le webinaire n°1 est annulé" in cancelled and "[DM awa] ❌ Annulé" in cancelled
        assert "[DM awa]" not in await say(session, ":advance 30d")
        transcript = plain(session.buffer.getvalue())
        assert_french(said_to(transcript, "awa", "admin"), TITLE)


async def test_a_french_admin_triages_feedback_with_french_words(console: ConsoleFactory, clock: SimClock) -> None:
    clock.set(datetime(2027, 4, 1, 8, 0, tzinfo=UTC))  # filed on the first of a month: « 1er avril »
    async with console(user="admin", lang="fr") as session:
        description = "La recherche des assurés est très lente"
        filed = await say(session, ":join amina fr", ":as amina", "/avis", ":click 4", "1", "4", description, "",
                                   "non")
        assert "[DM amina] Merci ! Votre retour est enregistré sous la référence FB-0001." in filed
        listed = await say(session, ":as admin", "/avis liste nouveau facilité d'utilisation")
        assert "• FB-0001 · Nouveau · Facilité d'utilisation · Prestations · impact 4/5" in listed
        for typed in ("Demande de fonctionnalité", "DEMANDE DE FONCTIONNALITE", "nouveau demande de fonctionnalite"):
            assert "Aucun retour ne correspond" in await say(session, f"/avis liste {typed}"), typed
        assert "« zorglub » n'est ni un statut" in await say(session, "/avis liste nouveau zorglub")
        refused = await say(session, "/avis changer FB-0001 bientôt")
        assert "Je ne connais pas le statut « bientôt »" in refused
        assert "Examiné, Planifié, Réalisé, Refusé, Doublon" in refused and "triaged" not in refused
        triaged = await say(session, "/avis changer FB-0001 examiné", "/avis changer FB-1 planifie prévu en 24.10",
                                     "/avis changer fb-0001 REALISE")
        assert triaged.count("FB-0001 est maintenant au statut") == 3
        to_amina = said_to(triaged, "amina")
        assert to_amina.count("Des nouvelles de votre retour FB-0001") == 3
        assert "Examiné." in to_amina and "Planifié." in to_amina and "Réalisé." in to_amina
        assert "Note de l'équipe produit : prévu en 24.10" in to_amina
        status = await say(session, ":as amina", "/avis statut FB-0001")
        assert "FB-0001 : Réalisé (Facilité d'utilisation · Prestations, envoyé le 1er avril 2027)" in status
        assert_french(said_to(plain(session.buffer.getvalue()), "amina", "admin"), description, "prévu en 24.10")


async def test_french_members_meet_in_a_peers_round_and_answer_the_check_in(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        for name, values in (("bea", "étape=pilote pays=Tchad langues=français intérêts=prestations"),
                             ("dan", "étape=phase pilote pays=Niger langues=français,anglais "
                                     "intérêts=prestations,cotisations")):
            joined = await say(session, f":join {name} fr", f":as {name}", f"/pairs rejoindre {values} "
                                        "consentement=oui")
            assert "C'est fait ! Au prochain tour (lundi 22 mars 2027, 09:00 (UTC))" in joined
        suggested = await say(session, ":as bea", "/pairs suggestion")
        assert "• @dan : vous êtes à la même étape : Phase pilote" in suggested
        round_out = await say(session, ":as admin", ":advance 2d")
        group = said_to(round_out, "bea")
        assert "Bonjour @bea, @dan ! Vous êtes pairs pour ce tour, jusqu'au lundi 5 avril 2027" in group
        assert "vous travaillez dans des pays différents (Niger et Tchad)" in group  # names, not NE, TD
        assert "vous parlez tous français" in group
        check_in = await say(session, ":advance 11d")
        assert "[DM dan] Le tour touche à sa fin. Avez-vous rencontré @bea ?" in check_in
        assert "[1] Oui  [2] Pas encore  [3] Non" in check_in
        assert "Formidable, merci !" in await say(session, ":as dan", ":click 1")
        assert "Il est encore temps" in await say(session, ":as bea", ":click 2")
        paused = await say(session, "/pairs pause jusqu'au 1er mai")
        assert "jusqu'au samedi 1er mai 2027" in paused
        assert "Tapez /pairs rejoindre pour revenir" in await say(session, "/pairs quitter")
        assert_french(said_to(plain(session.buffer.getvalue()), "bea", "dan"))


def type_in(out: str) -> str:
    """The console line pressing the last « Saisir… » button shown in `out`."""
    return ":click " + re.findall(r"\[(\d+)\] Saisir…", out)[-1]


async def test_a_french_newcomer_types_her_onboarding_answers(console: ConsoleFactory) -> None:
    """Each step answered with a button is also answered through « Saisir… » with French words, with and
    without accents; a wrong one is refused in French, listing labels, and asked again."""
    async with console(user="admin", lang="fr") as session:
        out = await say(session, ":join zoe fr", ":as zoe", ":click 2")
        assert "Je vous écrirai en français" in out and "(1/8)" in out
        out = await say(session, ":click 2")  # role: Développeur ou développeuse
        assert "(2/8)" in out and "Saisir…" in out
        typed_country = await say(session, type_in(out), "Tchdd")
        assert "Tchad" in typed_country and "Pays" in typed_country.splitlines()[-1]  # suggested, asked again
        out = await say(session, "tchad")
        assert "(3/8)" in out
        out = await say(session, ":click 1", "Délégation sanitaire de N'Djaména")  # organisation
        assert "(4/8)" in out and "Phase pilote" in out
        out = await say(session, ":click 4")  # stage: pilot
        assert "(5/8)" in out
        out = await say(session, type_in(out), "francais et Anglais")
        assert "✓ anglais" in out and "✓ français" in out
        out = await say(session, ":click 8")  # languages: Done
        assert "(6/8)" in out
        out = await say(session, ":click 11")  # interests: Done
        assert "(7/8)" in out
        out = await say(session, type_in(out), "Ndjamena")
        assert "(8/8)" in out
        done = await say(session, ":click 1")
        assert "votre profil est complet" in done
        profile = await say(session, "/profil")
        for expected in ("Rôle : Développeur ou développeuse", "Pays : Tchad",
                         "Organisation : Délégation sanitaire de N'Djaména", "Étape de mise en œuvre : Phase pilote",
                         "Langues : français, anglais", "Fuseau horaire : Africa/Ndjamena",
                         "Mise en relation avec des pairs : oui"):
            assert expected in profile, expected
        assert_french(said_to(plain(session.buffer.getvalue()), "zoe"), "Délégation sanitaire de N'Djaména")
