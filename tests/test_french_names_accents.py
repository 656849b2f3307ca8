"""French subcommand and option names are written as French writes them (aperçu, échecs, numéro…) wherever a
French reader sees them: /aide, the Slack manifest's usage hints and descriptions, Discord's French
localizations. Typed without accents or in capitals they are still understood (the one `fold` of bot/core/values).
Top-level slash names stay ASCII (/confidentialite): they are Slack slash commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.commands import Opt, Sub
from bot.core.context import UserError
from bot.core.i18n import Catalogs
from bot.core.values import fold
from bot.services.webinars import parse_inline
from handlers import all_routes
from tests.conftest import ConsoleFactory
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

# Every word a declared French name may be, as French writes it (checked below to be used at least once).
ACCENTED = ("aperçu", "échecs", "étape", "intérêts", "numéro", "détails", "délais", "suggérer", "référence",
            "catégorie", "portée", "créer", "rôle")
MANIFEST = Path(__file__).resolve().parents[1] / "slack-manifest.yml"


def declared_french_names() -> Iterator[tuple[str, str]]:
    """(English name, French name) of every declared subcommand and option."""
    def walk(subs: tuple[Sub, ...], options: tuple[Opt, ...]) -> Iterator[tuple[str, str]]:
        for option in options:
            yield option.name, option.name_in("fr")
        for sub in subs:
            yield sub.name, sub.name_in("fr")
            yield from walk(sub.subs, sub.options)

    for command in all_routes().commands:
        yield from walk(command.subs + ((command.default,) if command.default else ()), command.options)


def test_every_french_name_with_an_accented_spelling_is_shown_with_it() -> None:
    by_folded = {fold(word): word for word in ACCENTED}
    names = {french for _, french in declared_french_names()}
    unaccented = sorted(n for n in names if fold(n) in by_folded and n != by_folded[fold(n)])
    assert unaccented == []
    assert set(ACCENTED) <= names  # the list names only words in use, so it cannot rot unnoticed


def test_the_french_manifest_shows_the_accented_names() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert 'usage_hint: "liste | voir <numéro> | rappels [délais] | calendrier"' in text
    assert 'usage_hint: "aperçu [en|fr] | échecs"' in text
    assert "suggérer" in text and "étape [valeur]" in text and "statut [référence]" in text
    assert 'description: "webinaires' in text  # a French slash reads in French
    slash = text.partition("slash_commands:")[2].partition("shortcuts:")[0]
    described = [json.loads(line.partition(":")[2]) for line in slash.splitlines() if "description: " in line]
    assert len(described) > 20 and all(len(d) <= 100 and not d.endswith("…") for d in described)  # none cut


async def test_french_help_shows_accented_names(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        shown = await session.send("/aide")
    for word in ("voir <numéro>", "rappels [délais]", "suggérer", "étape", "aperçu", "échecs", "portée"):
        assert word in shown, word
    for word in ("numero", "delais", "suggerer", "apercu", "echecs", "portee"):
        assert word not in shown, word


async def test_typed_without_accents_or_in_capitals_still_works(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        assert "Aperçu (" in await session.send("/bienvenue APERCU fr")
        assert "aucun échec enregistré" in await session.send("/bienvenue echecs")
        assert "Si un tour commençait maintenant" in await session.send("/pairs tour apercu")
        assert "Étape de mise en œuvre\u00a0: Phase pilote" in await session.send("/profil etape pilote")
        assert "Intérêts\u00a0: Prestations" in await session.send("/profil INTERETS prestations")
        assert "tapez /pairs rejoindre" in await session.send("/pairs Suggerer")  # suggest's own answer


async def test_discord_localizes_with_the_accented_names(tmp_path: Any) -> None:
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db"), all_routes()) as (app, clock), door(app, clock):
            welcome = {o["name"]: o for o in fake.commands["welcome"]["options"]}
            webinar = {o["name"]: o for o in fake.commands["webinar"]["options"]}
    finally:
        await fake.close()
    assert welcome["preview"]["name_localizations"] == {"fr": "aperçu"}
    assert welcome["failures"]["name_localizations"] == {"fr": "échecs"}
    [ident] = webinar["show"]["options"]
    assert ident["name_localizations"] == {"fr": "numéro"}
    assert [o.get("name_localizations") for o in webinar["reminders"]["options"]] == [{"fr": "délais"}]


def test_webinar_keys_are_read_with_the_same_fold_and_every_key_the_error_lists_works() -> None:
    typed = ('titre=Appel DÉBUT="mardi 14h" Durée=30 répéter=hebdomadaire Rôle=aucun',
             'TITRE=Appel debut="mardi 14h" duree=30 REPETER=hebdomadaire role=aucun')
    assert parse_inline(typed[0])[1].values == parse_inline(typed[1])[1].values
    assert set(parse_inline(typed[0])[1].values) == {"title", "start", "duration", "repeat", "mention"}
    with pytest.raises(UserError) as refused:
        parse_inline("couleur=bleu")
    for lang in ("en", "fr"):
        listed = Catalogs().t(lang, refused.value.key, **refused.value.values).rpartition(":")[2].strip(" .\u00a0")
        keys = [k.strip() for k in listed.split(",")]
        assert len(keys) == 9 and all(parse_inline(f"{k}=x")[1].values for k in keys), (lang, keys)
    assert {"début", "durée", "répéter", "rôle"} <= set(keys)  # the French list, shown as French writes it
