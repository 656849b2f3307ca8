"""The calibrated decision on fixed questions, per language: the issue's first-contact questions, a French
paraphrase and its English twin, third languages, out-of-scope questions and small talk."""

from __future__ import annotations

import pytest

from bot.services.faq import FaqService


@pytest.fixture(scope="module")
def faq() -> FaqService:
    service = FaqService()
    assert service.load().semantic is not None, "the semantic model must load in the tests (offline, bundled)"
    return service


@pytest.mark.parametrize(("question", "lang"), [
    ("what is openIMIS?", "en"),
    ("how does openIMIS work", "en"),
    ("comment fonctionne openIMIS", "fr"),
    ("Bonjour, je découvre openIMIS : de quoi s'agit-il ?", "fr"),
])
def test_first_contact_questions_reach_the_overview(faq, question, lang):
    decision = faq.ask(question)
    assert decision.lang == lang
    assert decision.answer_id == "what-is-openimis" or "what-is-openimis" in decision.suggestions, decision


@pytest.mark.parametrize(("english", "french", "topic"), [
    ("Is openIMIS free to use?", "Est-ce que openIMIS est gratuit ?", "licence-cost"),
    ("Does the mobile app work without internet?", "L'application mobile marche-t-elle sans connexion ?",
     "offline-mobile"),
    ("Which countries run openIMIS?", "Dans quels pays openIMIS est-il utilisé ?", "countries"),
    ("How do I report a bug?", "Comment signaler un bogue ?", "report-bug"),
])
def test_a_french_paraphrase_and_its_english_twin_reach_the_same_topic(faq, english, french, topic):
    en, fr = faq.ask(english), faq.ask(french)
    assert (en.decision, en.answer_id, en.lang) == ("answer", topic, "en")
    assert (fr.decision, fr.answer_id, fr.lang) == ("answer", topic, "fr")


@pytest.mark.parametrize("question", [
    "quel temps fait-il ?", "what's the weather", "who won the football match last night",
    "donne-moi une recette de crêpes", "what is the capital of Peru",
])
def test_out_of_scope_questions_are_never_answered(faq, question):
    decision = faq.ask(question)
    assert decision.decision in ("none", "suggest") and decision.answer_id is None, decision


@pytest.mark.parametrize("question", ["quel temps fait-il ?", "what's the weather"])
def test_the_weather_gets_none(faq, question):
    assert faq.ask(question).decision == "none"


@pytest.mark.parametrize(("question", "member_lang"), [
    ("openIMIS ni programu ya aina gani?", "fr"),
    ("como instalar o openIMIS com docker?", "en"),
])
def test_a_third_language_is_answered_in_the_members_language_or_not_at_all(faq, question, member_lang):
    decision = faq.ask(question, fallback=member_lang)
    assert decision.lang == member_lang
    assert decision.decision in ("answer", "suggest", "none")
    if decision.decision == "answer":
        assert decision.answer_id in ("what-is-openimis", "install-docker")


def test_a_third_language_question_out_of_scope_gets_none(faq):
    decision = faq.ask("hali ya hewa ya Nairobi kesho itakuwaje?", fallback="en")
    assert decision.answer_id is None


@pytest.mark.parametrize(("text", "kind", "lang"), [
    ("hi", "greeting", "en"), ("Hello there!", "greeting", "en"), ("bonjour", "greeting", "fr"),
    ("Salut le bot !", "greeting", "fr"), ("thanks a lot", "thanks", "en"), ("merci beaucoup", "thanks", "fr"),
    ("who are you?", "about", "en"), ("qui es-tu ?", "about", "fr"), ("help", "help", "en"),
    ("aide", "help", "fr"), ("hi, who are you?", "about", "en"),
])
def test_small_talk_is_recognised_before_the_faq(faq, text, kind, lang):
    decision = faq.ask(text, fallback=lang)
    assert (decision.decision, decision.small_talk, decision.answer_id, decision.lang) == (
        "smalltalk", kind, None, lang)


@pytest.mark.parametrize("text", ["Bonjour, je découvre openIMIS : de quoi s'agit-il ?", "hi, how do I install docker",
                                  "help me install openIMIS", "merci, et la licence ?"])
def test_a_greeting_with_a_question_goes_to_the_faq(faq, text):
    assert faq.ask(text).decision != "smalltalk"
