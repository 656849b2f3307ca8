"""What the member reads for a decision, in the decision's language (shared by the chat and the CLI)."""

from __future__ import annotations

from bot.core.i18n import Catalogs
from bot.core.values.places import language_name
from bot.services.faq.engine import Decision, FaqService

LABEL_LIMIT = 75  # Slack button labels hold 75 characters, Discord 80


def topic_title(service: FaqService, topic_id: str, lang: str) -> str:
    """The first listed phrasing of a topic, used as its title in suggestions."""
    entry = service.entry(topic_id)
    return entry.version(lang).questions[0] if entry else topic_id


def short_label(text: str) -> str:
    """`text` cut to a button label's length, with an ellipsis."""
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


def answer_text(catalogs: Catalogs, service: FaqService, topic_id: str, lang: str) -> str:
    """A topic's answer with its links, then "Was this helpful?"."""
    entry = service.entry(topic_id)
    if entry is None:
        return catalogs.t(lang, "faq.topic_gone")
    version = entry.version(lang)
    answer = version.answer
    if not entry.has(lang):  # a topic published in one language so far: say so in one line
        served = next(code for code, v in entry.versions.items() if v is version)
        answer = catalogs.t(lang, "faq.only_in", language=language_name(served, lang)) + "\n" + answer
    if version.links:
        return catalogs.t(lang, "faq.answer_links", answer=answer, links="  ".join(version.links))
    return catalogs.t(lang, "faq.answer", answer=answer)


def small_talk_text(catalogs: Catalogs, kind: str, lang: str, community: str, help_channel: str) -> str:
    """A short friendly reply to a greeting, thanks, "who are you" or "help": what the bot can do."""
    return catalogs.t(lang, f"smalltalk.{kind}", community=community, channel=help_channel)


def decision_text(catalogs: Catalogs, service: FaqService, decision: Decision, help_channel: str,
                  community: str = "openIMIS community") -> str:
    """The whole reply text for a decision: small talk, an answer, a "did you mean" list, or where to ask."""
    if decision.decision == "smalltalk" and decision.small_talk:
        return small_talk_text(catalogs, decision.small_talk, decision.lang, community, help_channel)
    if decision.decision == "answer" and decision.answer_id:
        return answer_text(catalogs, service, decision.answer_id, decision.lang)
    if decision.decision == "suggest":
        titles = [topic_title(service, t, decision.lang) for t in decision.suggestions]
        listing = "\n".join(f"{n}. {title}" for n, title in enumerate(titles, 1))
        return catalogs.t(decision.lang, "faq.suggest", suggestions=listing, channel=help_channel)
    return catalogs.t(decision.lang, "faq.none", channel=help_channel)
