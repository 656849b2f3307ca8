"""bot.core.values: every kind of closed value typed in English or French, errors listing labels (never
slugs) in the reader's language, and every label shown in a choice list accepted back when typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import values
from bot.core.values import BadValue
from bot.core.values.vocab import VOCABULARIES

CASES = [
    ("stage", "pilot", "pilot"), ("stage", "pilote", "pilot"), ("stage", "phase pilote", "pilot"),
    ("stage", "PHASE PILOTE", "pilot"), ("stage", "Scale-up", "scale-up"), ("stage", "passage à l'échelle", "scale-up"),
    ("stage", "conception", "design"), ("stage", "paramétrage", "adaptation"), ("stage", "exploitation", "operations"),
    ("role", "developer", "developer"), ("role", "développeur", "developer"), ("role", "dev", "developer"),
    ("role", "Développeuse", "developer"), ("role", "bailleur de fonds", "policy-maker"), ("role", "autre", "other"),
    ("role", "étudiante", "academic"), ("interest", "claims", "claims"), ("interest", "prestations", "claims"),
    ("interest", "Cotisations et paiements", "contributions"), ("interest", "paquets de prestations", "products"),
    ("interest", "protection sociale", "social-protection"), ("interest", "hébergement", "deployment"),
    ("session_language", "bilingue", "bilingual"), ("session_language", "Français", "fr"),
    ("session_language", "english", "en"), ("yes_no", "oui", "yes"), ("yes_no", "Non", "no"),
    ("yes_no", "y", "yes"), ("yes_no", "d'accord", "yes"), ("switch", "désactivé", "off"), ("switch", "off", "off"),
    ("switch", "par défaut", "default"), ("switch", "défaut", "default"), ("switch", "activé", "on"),
    ("country", "Tchad", "TD"), ("country", "chad", "TD"), ("country", "RDC", "CD"), ("country", "DRC", "CD"),
    ("country", "Congo-Kinshasa", "CD"), ("country", "congo kinshasa", "CD"), ("country", "Côte d'Ivoire", "CI"),
    ("country", "cote divoire", "CI"), ("country", "Ivory Coast", "CI"), ("country", "Cameroun", "CM"),
    ("country", "cm", "CM"), ("country", "Népal", "NP"), ("country", "Tanzanie", "TZ"),
    ("language", "anglais", "en"), ("language", "Kiswahili", "sw"), ("language", "français", "fr"),
    ("language", "Español", "es"), ("language", "pt", "pt"),
]


@pytest.mark.parametrize(("kind", "text", "code"), CASES)
def test_english_and_french_names_and_synonyms(kind: str, text: str, code: str) -> None:
    for locale in ("en", "fr"):
        assert values.parse(kind, text, locale) == code


def test_a_restricted_choice_refuses_the_others() -> None:
    with pytest.raises(BadValue) as caught:
        values.parse("stage", "je ne mets pas en œuvre openIMIS", "fr", among=("pilot", "design"))
    assert "Phase pilote · Conception du régime et planification" in caught.value.text
    assert "Je ne mets pas" not in caught.value.text


@pytest.mark.parametrize("kind", ["stage", "role", "interest", "session_language", "switch"])
def test_errors_list_labels_in_the_readers_language_never_slugs(kind: str) -> None:
    with pytest.raises(BadValue) as french:
        values.parse(kind, "zzz-nothing", "fr")
    with pytest.raises(BadValue) as english:
        values.parse(kind, "zzz-nothing", "en")
    labels_fr = [o.label for o in values.choices(kind, "fr")]
    assert all(label in french.value.text for label in labels_fr)
    assert all(o.label in english.value.text for o in values.choices(kind, "en"))
    slugs = [code for code in VOCABULARIES[kind].codes if code not in " ".join(labels_fr).lower()]
    assert not [s for s in slugs if s in french.value.text], french.value.text
    assert "« " not in french.value.text and "«\u00a0" in french.value.text  # French typography
    assert "\u00a0: " in french.value.text
    assert french.value.key == english.value.key == f"values.bad.{kind}"


def test_stage_error_in_french_shows_french_labels() -> None:
    with pytest.raises(BadValue) as caught:
        values.parse("stage", "pilot project 2", "fr")
    text = caught.value.text
    assert "Phase pilote" in text and "Passage à l'échelle" in text
    assert "scale-up" not in text and "operations" not in text


def test_yes_no_and_countries_say_what_to_do() -> None:
    with pytest.raises(BadValue) as caught:
        values.parse_yes_no("peut-être", "fr")
    assert caught.value.text == "Répondez « oui » ou « non », s’il vous plaît (vous avez écrit « peut-être »)."
    with pytest.raises(BadValue) as caught:
        values.parse("country", "Congo", "fr")
    assert "Congo-Kinshasa" in caught.value.text and "Congo-Brazzaville" in caught.value.text
    with pytest.raises(BadValue) as caught:
        values.parse("country", "Camerun", "en")
    assert "Did you mean: Cameroon" in caught.value.text


def test_lists_split_on_commas_and_on_et_when_needed() -> None:
    assert values.parse_list("interest", "prestations, cotisations et rapports", "fr") == (
        "claims", "contributions", "reporting")
    assert values.parse_list("interest", "Rapports et tableaux de bord", "fr") == ("reporting",)
    assert values.parse_list("language", "anglais et français", "fr") == ("en", "fr")
    with pytest.raises(BadValue):
        values.parse_list("language", "anglais, zorglub", "fr")


def test_labels_read_in_each_language() -> None:
    assert values.label("yes_no", True, "fr") == "oui" and values.label("yes_no", False, "en") == "no"
    assert values.label("country", "TD", "fr") == "Tchad" and values.label("country", "TD", "en") == "Chad"
    assert values.label("stage", "pilot", "fr") == "Phase pilote"
    assert values.label("switch", "off", "fr") == "désactivé"


SHOWN = [(kind, option.label) for kind in values.KINDS for locale in ("fr", "en")
         for option in values.choices(kind, locale)]


@given(st.sampled_from(SHOWN), st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  {s} "]))
def test_every_label_shown_is_accepted_back_when_typed(shown: tuple[str, str], variant: object) -> None:
    kind, label = shown
    assert callable(variant)
    code = values.parse(kind, variant(label), "fr")
    assert values.label(kind, code, "fr") == label or values.label(kind, code, "en") == label


def test_every_french_choice_round_trips_exhaustively() -> None:
    for kind in values.KINDS:
        for option in values.choices(kind, "fr"):
            assert values.parse(kind, option.label, "fr") == option.value, (kind, option)
