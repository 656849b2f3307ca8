"""Text normalisation for FAQ matching: accent folding, tokens, stop words, stemming, language guess."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

LANGS = ("en", "fr")
WORD = re.compile(r"[a-z0-9]+")


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN_STOP = _set("""
a about above after again all am an and any are as at be because been being below between both but by can
could did do does doing done down during each few for from further get got had has have having he her here
hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
other our ours out over own please same she should so some such than that the their theirs them then there
these they this those through to too under until up very was we were what when which while
why will with would you your yours hi hello hey thanks thank pls plz u ur im dont cant wanna want need know
tell anyone someone something somebody whats hows way exactly actually really basically also anything
guys folks ok okay yes yeah maybe kindly quick question
""")

FR_STOP = _set("""
a au aux avec ce ces cet cette c d de des du elle elles en et est etre eu il ils j je l la le les leur leurs
lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas pour qu que quel quelle quelles quels
qui s sa sans se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y es suis sommes etes
fait faire peut peux puis veux voudrais voudrait aimerais savoir dire comment quoi ou est-ce estce
bonjour salut merci svp stp sil plait il y avoir ya dois doit faut quelqu quelqu'un chose cest quest questce
exactement vraiment aussi alors donc bien ok oui stp
""")

# Words that tell the language apart even when short (folded forms).
EN_MARKERS = _set("the is are what how where who which can does do with of and to i my your it")
FR_MARKERS = _set(
    "le la les est quoi comment ou qui quel quelle des du je mon ma mes votre vous nous avec pour sur et un une "
    "dans faut peut cest quest estce"
)
FRENCH_CHARS = set("éèêëàâçîïôûùœ")


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Latin letters with accents (Latin-1 and Latin Extended-A) mapped to plain ones, once: folding is then a
# str.translate at C speed. Characters outside the table are kept and later ignored by the word pattern.
FOLD_TABLE = {code: _fold_char(chr(code)) for code in range(0xC0, 0x250) if _fold_char(chr(code)) != chr(code)}
FOLD_TABLE.update({ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss"})
FOLD_TABLE.update({ord(k): v for k, v in {"’": "'", "`": "'", "´": "'", "ʼ": "'"}.items()})


def fold(text: str) -> str:
    """Lower case, without accents, with straight apostrophes: 'Qu’est-ce' -> "qu'est-ce"."""
    return text.lower().translate(FOLD_TABLE)


ELISION = re.compile(r"\b(?:l|d|j|qu|n|s|c|m|t|jusqu|lorsqu|puisqu)'")


def words(text: str) -> list[str]:
    """Folded word tokens; French elisions such as l', d', qu' are dropped from the word they stick to."""
    return WORD.findall(ELISION.sub(" ", fold(text)))


def content_words(tokens: list[str]) -> list[str]:
    """Tokens that carry meaning: not a stop word in either language, and not a lone letter."""
    return [t for t in tokens if t not in EN_STOP and t not in FR_STOP and (len(t) > 1 or t.isdigit())]


_STEMMERS = {"en": snowballstemmer.stemmer("english"), "fr": snowballstemmer.stemmer("french")}


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """The Snowball stem of a folded word in `lang`, prefixed by the language so stems never collide."""
    if word.isdigit() or len(word) <= 2:
        return word
    return f"{lang}:{_STEMMERS[lang].stemWord(word)}"


def detect_language(text: str) -> str | None:
    """'en', 'fr', or None when the text gives no clear sign (too short, or mixed)."""
    lowered = text.lower()
    fr = sum(2 for ch in lowered if ch in FRENCH_CHARS)
    en = 0
    for token in words(text):
        fr += token in FR_MARKERS or token in FR_STOP
        en += token in EN_MARKERS or token in EN_STOP
    fr += 2 * len(re.findall(r"\b(?:qu|l|d|j|c|n)['’]", lowered))
    if fr == en:
        return None
    return "fr" if fr > en else "en"
