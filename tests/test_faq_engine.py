"""The FAQ engine: thresholds, languages, accents and typos, and the text helpers it relies on."""

from __future__ import annotations

import pytest

from bot.services.faq import FaqService, Thresholds
from bot.services.faq.fusion import MAX_SUGGESTIONS
from bot.services.faq.fuzzy import edit_distance
from bot.services.faq.text import detect_language, fold, words


@pytest.fixture(scope="module")
def faq() -> FaqService:
    return FaqService()


def test_fold_and_words_drop_accents_and_french_elisions():
    assert fold("Qu’est-ce qu'ÉTÉ œuvre") == "qu'est-ce qu'ete oeuvre"
    assert words("L'assurance d'openIMIS, c'est génial !") == ["assurance", "openimis", "est", "genial"]


@pytest.mark.parametrize(("text", "lang"), [
    ("how do I install it", "en"), ("comment l'installer ?", "fr"), ("où est la démo", "fr"),
    ("docker", None), ("FHIR", None), ("is there a demo", "en"), ("ca marche sans internet", "fr"),
])
def test_language_detection(text, lang):
    assert detect_language(text) == lang


def test_edit_distance_counts_a_swap_once_and_stops_above_the_limit():
    assert edit_distance("dokcer", "docker", 1) == 1
    assert edit_distance("instal", "install", 1) == 1
    assert edit_distance("kitten", "sitting", 1) == 2  # above the limit: limit + 1


def test_confident_question_is_answered(faq):
    decision = faq.ask("How do I install openIMIS with Docker?")
    assert (decision.decision, decision.answer_id, decision.lang) == ("answer", "install-docker", "en")
    assert decision.confidence >= faq.thresholds.answer


def test_below_the_answer_threshold_up_to_three_close_topics_are_suggested():
    faq = FaqService(thresholds=Thresholds(answer=1.01, suggest=0.0))
    decision = faq.ask("qui finance le projet")  # the project's funders, or money for an implementation?
    assert decision.decision == "suggest" and decision.answer_id is None
    assert 1 <= len(decision.suggestions) <= MAX_SUGGESTIONS
    assert {"governance-funding", "implementation-funding"} <= set(decision.suggestions)


@pytest.mark.parametrize("question", ["how do I bake bread", "raconte moi une blague", "lol"])
def test_out_of_scope_question_gets_none(faq, question):
    decision = faq.ask(question)
    assert decision.decision == "none" and decision.answer_id is None and decision.suggestions == ()


def test_out_of_scope_question_sharing_a_word_is_at_most_a_suggestion(faq):
    decision = faq.ask("what's the weather in Paris today")  # "today" is in a countries phrasing
    assert decision.decision != "answer"


def test_thresholds_decide_exactly_at_the_boundaries():
    question = "qui finance le projet"
    confidence = FaqService().ask(question).confidence
    at = FaqService(thresholds=Thresholds(answer=confidence, suggest=0.0)).ask(question)
    above = FaqService(thresholds=Thresholds(answer=confidence + 0.001, suggest=confidence)).ask(question)
    below = FaqService(thresholds=Thresholds(answer=1.0, suggest=confidence + 0.001)).ask(question)
    assert (at.decision, above.decision, below.decision) == ("answer", "suggest", "none")
    assert at.answer_id == above.suggestions[0]


@pytest.mark.parametrize(("question", "topic"), [
    ("instalation avec dockr", "install-docker"),  # typos
    ("deploiement sur notre serveur", "install-docker"),  # no accents
    ("Déploiement sur notre serveur", "install-docker"),
    ("applicaton mobile hors ligne", "offline-mobile"),
    ("is there a licens fee", "licence-cost"),
    ("wich countrys use openimis", "countries"),
])
def test_typos_and_missing_accents_still_find_the_topic(faq, question, topic):
    decision = faq.ask(question)
    assert decision.answer_id == topic or topic in decision.suggestions


def test_answers_in_the_question_language_whatever_the_fallback(faq):
    assert faq.ask("comment installer openIMIS ?", fallback="en").lang == "fr"
    assert faq.ask("how do I install openIMIS?", fallback="fr").lang == "en"


def test_unclear_language_uses_the_member_choice_and_lang_can_be_forced(faq):
    assert faq.ask("docker", fallback="fr").lang == "fr"
    assert faq.ask("docker", fallback="en").lang == "en"
    assert faq.ask("comment installer openIMIS ?", lang="en").lang == "en"


def test_same_engine_answers_both_languages_with_the_same_topic(faq):
    english = faq.ask("Which database should we use, PostgreSQL or SQL Server?")
    french = faq.ask("Quelle base de données choisir, PostgreSQL ou SQL Server ?")
    assert english.answer_id == french.answer_id == "database-choice"


@pytest.mark.parametrize(("question", "topic"), [
    ("Where is openIMIS deployed?", "countries"),
    ("how do I deploy openIMIS with docker?", "install-docker"),
])
def test_where_and_how_questions_about_deployment_are_told_apart(faq, question, topic):
    decision = faq.ask(question)
    assert (decision.decision, decision.answer_id) == ("answer", topic)
