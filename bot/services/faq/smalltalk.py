"""Small talk: greetings, thanks, "who are you" and "help" in English and French.

A message is small talk when, once folded, it is made only of such phrases and a few filler words
("hi there", "Bonjour !", "merci beaucoup le bot", "hello, who are you?"). Anything more ("Bonjour, je
découvre openIMIS : de quoi s'agit-il ?") is a question for the FAQ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.faq.text import fold

# (kind, language) -> phrases (folded, without punctuation); the reply says what the bot can do for every kind.
# Greetings in other languages ("" language) are answered in the member's language.
PHRASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("greeting", "en"): (
        "hi", "hello", "hey", "hiya", "howdy", "yo", "good morning", "good afternoon", "good evening", "good day",
        "greetings", "hi there", "hello there", "hey there", "how are you", "how are you doing", "whats up", "sup",
    ),
    ("greeting", "fr"): (
        "bonjour", "bonsoir", "salut", "coucou", "allo", "hello tout le monde", "bonne journee", "ca va",
        "comment ca va", "comment allez vous", "comment vas tu", "bonjour a tous",
    ),
    ("greeting", ""): ("jambo", "habari", "ola", "oi", "namaste", "hola"),
    ("thanks", "en"): (
        "thanks", "thank you", "thx", "ty", "many thanks", "thanks a lot", "thank you so much", "cheers",
        "great thanks", "perfect thanks",
    ),
    ("thanks", "fr"): ("merci", "merci beaucoup", "merci bien", "mille mercis", "super merci", "top merci",
                       "parfait merci"),
    ("thanks", ""): ("asante", "obrigado", "obrigada", "dhanyabad", "gracias"),
    ("about", "en"): (
        "who are you", "what are you", "what can you do", "what do you do", "are you a bot", "are you human",
        "who is this", "what is this bot", "introduce yourself",
    ),
    ("about", "fr"): (
        "qui es tu", "qui etes vous", "tu es qui", "vous etes qui", "c est qui", "que sais tu faire",
        "que peux tu faire", "que pouvez vous faire", "tu sers a quoi", "es tu un robot", "tu es un bot",
        "c est quoi ce bot", "presente toi",
    ),
    ("help", "en"): ("help", "help me", "help please", "please help", "menu", "commands"),
    ("help", "fr"): ("aide", "aidez moi", "aide moi", "a l aide", "au secours", "commandes"),
}
_FILLER = """bot robot there all everyone everybody folks team again so much very a lot please pls svp stp le la les
toi vous tous tout monde ok okay oh ah and et encore beaucoup community communaute"""
FILLER = frozenset(_FILLER.split())
MAX_WORDS = 8
_NON_WORD = re.compile(r"[^a-z0-9]+")
_BY_LENGTH = sorted(((tuple(p.split()), kind, lang) for (kind, lang), phrases in PHRASES.items() for p in phrases),
                    key=lambda item: -len(item[0]))
PRIORITY = ("help", "about", "thanks", "greeting")  # when several kinds are present, the most useful reply wins


@dataclass(frozen=True)
class SmallTalk:
    """A greeting, thanks or question about the bot, rather than a question for the FAQ."""

    kind: str  # "greeting" | "thanks" | "about" | "help"
    lang: str | None  # the language of the words used, when they tell ("en" / "fr")


def recognise(text: str) -> SmallTalk | None:
    """What kind of small talk `text` is, and in which language; None for anything else."""
    tokens = _NON_WORD.sub(" ", fold(text)).split()
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    found: dict[str, str] = {}
    langs: list[str] = []
    i = 0
    while i < len(tokens):
        match = next(((p, k, lang) for p, k, lang in _BY_LENGTH if tuple(tokens[i:i + len(p)]) == p), None)
        if match:
            found.setdefault(match[1], match[2])
            langs += [match[2]] if match[2] else []
            i += len(match[0])
        elif tokens[i] in FILLER:
            i += 1
        else:
            return None
    if not found:
        return None  # filler words alone ("ok", "a"): not small talk
    kind = next(k for k in PRIORITY if k in found)
    return SmallTalk(kind, found[kind] or (langs[0] if langs else None))


def small_talk(text: str) -> str | None:
    """The small-talk kind of `text` ("greeting", "thanks", "about", "help"), or None for anything else."""
    found = recognise(text)
    return found.kind if found else None
