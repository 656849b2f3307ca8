"""French command and subcommand names (issue 13 #4): what a French reader is shown names the French commands,
and every French name shown is accepted when typed. Pinned here so that generated help keeps it."""

from __future__ import annotations

import re

from bot.core.i18n import LOCALES_DIR, load_language
from tests.conftest import ConsoleFactory

# English command names and subcommand / option words that have a French name the French reader should see.
ENGLISH_COMMANDS = {"help", "language", "profile", "privacy", "mydata", "forget-me", "peers", "webinar", "webinars",
                    "feedback", "welcome"}
ENGLISH_WORDS = {"join", "leave", "status", "suggest", "snooze", "until", "exclude", "edit", "tips", "off", "default",
                 "list", "show", "reminders", "create", "cancel", "recording", "calendar", "set", "reload", "gaps",
                 "preview", "failures", "mine", "help", "scope", "round", "now", "new", "drafts", "draft",
                 "triaged", "planned", "done", "declined", "duplicate", "quick", "anonymous", "role", "country",
                 "stage", "languages", "interests", "timezone", "consent", "bilingual", "repeat", "title", "start",
                 "link", "duration", "tz", "weekly", "monthly"}
COMMAND = re.compile(r"(?<![\w:/.<])/([a-zéèô-]+)((?:[ =][^\s.,;:!?()«»—•]+)*)")


def french_messages() -> dict[str, str]:
    return load_language(LOCALES_DIR / "fr" / "LC_MESSAGES")


def english_words_in_commands(text: str) -> list[str]:
    """The English command names and words following a /command in `text`."""
    found = []
    for name, rest in COMMAND.findall(text):
        if name in ENGLISH_COMMANDS:
            found.append("/" + name)
        words = re.split(r"[\s|=\[\]]+", rest)
        found += [w for w in words if w.lower() in ENGLISH_WORDS]
    return found


def test_the_checker_finds_english_command_words() -> None:
    assert english_words_in_commands("Tapez /pairs join pour revenir.") == ["join"]
    assert english_words_in_commands("Changer : /webinaire rappels 2h 15m · off · default") == ["off", "default"]
    assert english_words_in_commands("/webinaire rappels [24h 1h | off | default]") == ["off", "default"]
    assert english_words_in_commands("tapez /profile tips off.") == ["/profile", "tips", "off"]
    assert english_words_in_commands("/webinaire créer fuseau=Europe/Paris tz=UTC") == ["tz"]
    assert english_words_in_commands("https://x.org/help et /aide") == []


def test_no_french_message_shows_an_english_command_or_subcommand() -> None:
    offending = {key: words for key, text in french_messages().items() if (words := english_words_in_commands(text))}
    assert offending == {}


def test_reminder_hints_list_the_french_words() -> None:
    messages = french_messages()
    assert "/webinaire rappels 2h 15m · désactivé · par défaut" in messages["webinars.reminders_on"]
    assert "/pairs rejoindre | quitter | statut | suggestion | pause jusqu’au DATE" in messages["peers.usage"]
    assert "/profil [modifier |" in messages["profile.usage"] and "conseils non]" in messages["profile.usage"]


async def test_french_help_names_french_commands(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        shown = await session.send("/aide")
    assert "communauté openIMIS" in shown and "openIMIS community" not in shown
    for name in ("/aide", "/langue", "/profil", "/confidentialite", "/mesdonnees", "/oubliez-moi", "/pairs",
                 "/avis", "/webinaire"):
        assert f"• {name}" in shown, name
    assert english_words_in_commands(shown) == []


async def test_every_french_name_shown_is_accepted(console: ConsoleFactory) -> None:
    async with console(user="zoe", lang="fr") as session:
        joined = await session.send(
            "/pairs rejoindre étape=pilote pays=Tchad langues=français intérêts=prestations consentement=oui")
        assert "C'est fait" in joined
        assert "Je ne connais pas" not in await session.send("/pairs statut")
        assert "Je ne connais pas" not in await session.send("/pairs suggestion")
        assert "jusqu’au" not in await session.send("/pairs pause jusqu’au 31/12/2026")  # not the hint again
        assert "Je ne connais pas" not in await session.send("/pairs quitter")
        tips = await session.send("/profil conseils non")
        assert "conseil" in tips and "/profil conseils non" not in tips  # understood, not the usage again
        assert "Rôle (appuyez sur Entrée" in await session.send("/profil modifier")  # the profile form
        await session.send("/cancel")
        assert "désactivés" in await session.send("/webinaire rappels désactivé")
        assert "1 jour et 1 heure" in await session.send("/webinaire rappels par défaut")
        assert "Ce que j'enregistre" in await session.send("/confidentialite")
        assert "Voici tout ce que j'enregistre" in await session.send("/mesdonnees")
        assert "Effacer toutes vos données" in await session.send("/oubliez-moi")
        filed = await session.send("/avis le formulaire de prestation perd mes saisies")
        assert "FB-0001" in filed
        filed = await session.send("/avis la liste des assurés est trop lente")
        assert "FB-0002" in filed
        assert "FB-0001" in await session.send("/avis mes")
        await session.send(":as admin", "/langue fr")
        assert "Planifié" in await session.send("/avis changer FB-0001 planifié")
        assert "Doublon" in await session.send("/avis changer FB-0002 doublon FB-0001")
        listed = await session.send("/avis liste doublon")
        assert "FB-0002" in listed and "FB-0001" not in listed
        refused = await session.send("/avis liste zzz")
        assert "Doublon" in refused and "duplicate" not in refused  # statuses by their French labels
        assert "Si un tour commençait maintenant" in await session.send("/pairs tour aperçu")
        assert "FAQ rechargée" in await session.send("/faq recharger")
        assert "Aucune lacune" in await session.send("/faq lacunes")
        assert "Aperçu (" in await session.send("/bienvenue aperçu fr")
        assert "aucun échec enregistré" in await session.send("/bienvenue échecs")


async def test_a_french_suggestion_is_one_sentence_from_templates(console: ConsoleFactory) -> None:
    join = "/pairs rejoindre étape=pilote pays=Tchad langues=français intérêts=prestations consentement=oui"
    async with console(user="bea", lang="fr") as session:
        await session.send(join, ":as dan", "/langue fr", join)
        shown = await session.send("/pairs suggestion")
    line = next(line for line in shown.splitlines() if line.startswith("• "))
    assert line.startswith("• @bea\u00a0: vous êtes à la même étape") or line.startswith("• bea\u00a0: vous êtes"), line
    assert "; " not in line and " et " in line  # the reasons as a French list, not glued with ';'
