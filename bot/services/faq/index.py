"""A lexical ranker: BM25 over language-tagged Snowball stems, plus the closest listed phrasing.

Both languages of a topic live in one document, each word stemmed with its own language's stemmer
(stems are tagged "en:" / "fr:", so they never collide). A question's words are stemmed in its
detected language first, and unknown words are corrected to a known word within one or two typos.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.services.faq.content import Entry
from bot.services.faq.fuzzy import FuzzyVocabulary
from bot.services.faq.text import LANGS, content_words, stem, words

# How much a word counts depending on where it appears in a topic.
FIELD_WEIGHTS = {"questions": 1.0, "tags": 1.5, "answer": 0.4}
FUZZY_DISCOUNT = 0.8  # a corrected typo is a little less certain than an exact word
UNKNOWN_WEIGHT = 0.8  # share of the maximum idf given to a word we do not know at all
PHRASE_WEIGHT = 0.5  # weight of the closest phrasing (question or tag) in the ranking score


@dataclass(frozen=True)
class QueryTerm:
    """A meaningful word of the question, resolved to an indexed term (or None when unknown)."""

    word: str
    term: str | None
    weight: float


@dataclass(frozen=True)
class Hit:
    """A ranked topic: combined score, share of the question's weight it covers, closest phrasing (0..1)."""

    topic: str
    score: float
    coverage: float
    phrase: float


class Index:
    """An in-memory inverted index over FAQ topics (both languages in one document per topic)."""

    def __init__(self, entries: Iterable[Entry], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids: list[str] = []
        self.k1, self.b = k1, b
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        lengths: list[float] = []
        surface: Counter[str] = Counter()
        self.word_terms: dict[str, dict[str, str]] = defaultdict(dict)  # word -> lang -> term
        self.phrases: list[tuple[int, frozenset[str]]] = []  # (doc, terms) for each question and tag
        for doc, entry in enumerate(entries):
            self.ids.append(entry.id)
            lengths.append(self._add(doc, entry, postings, surface))
        self.size = len(self.ids)
        average = (sum(lengths) / self.size) if self.size else 1.0
        self.norm = [k1 * (1 - b + b * length / average) for length in lengths]
        self.postings = {term: list(docs.items()) for term, docs in postings.items()}
        self.idf = {term: self._idf(len(docs)) for term, docs in self.postings.items()}
        self.unknown_idf = self._idf(0) * UNKNOWN_WEIGHT
        self.fuzzy = FuzzyVocabulary(surface)
        self._index_phrases()

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def _add(self, doc: int, entry: Entry, postings: dict[str, dict[int, float]], surface: Counter[str]) -> float:
        length = 0.0
        for lang in LANGS:
            version = entry.version(lang)
            fields = {"questions": version.questions, "tags": version.tags, "answer": (version.answer,)}
            for field, texts in fields.items():
                weight = FIELD_WEIGHTS[field]
                for text in texts:
                    terms = self._terms(text, lang, surface)
                    if field != "answer" and terms:
                        self.phrases.append((doc, frozenset(terms)))
                    for term in terms:
                        postings[term][doc] = postings[term].get(doc, 0.0) + weight
                        length += weight
        return length

    def _terms(self, text: str, lang: str, surface: Counter[str]) -> list[str]:
        terms = []
        for word in content_words(words(text)):
            term = stem(word, lang)
            surface[word] += 1
            self.word_terms[word].setdefault(lang, term)
            terms.append(term)
        return terms

    def _index_phrases(self) -> None:
        self.phrase_postings: dict[str, list[int]] = defaultdict(list)
        self.phrase_norm: list[float] = []
        for number, (_, terms) in enumerate(self.phrases):
            for term in terms:
                self.phrase_postings[term].append(number)
            self.phrase_norm.append(sum(self.idf[t] for t in terms))

    # ---- questions --------------------------------------------------------------------------

    def resolve(self, question: str, lang: str | None) -> list[QueryTerm]:
        """The question's meaningful words mapped to indexed terms (stemmed, else typo-corrected)."""
        order = (lang, *[x for x in LANGS if x != lang]) if lang else LANGS
        resolved: dict[str, QueryTerm] = {}
        for word in content_words(words(question)):
            if word not in resolved:
                resolved[word] = self._resolve_word(word, order)
        return list(resolved.values())

    def _resolve_word(self, word: str, order: tuple[str | None, ...]) -> QueryTerm:
        for candidate_lang in order:
            term = stem(word, str(candidate_lang))
            if term in self.postings:
                return QueryTerm(word, term, 1.0)
        known = self.fuzzy.closest(word)
        if known is None:
            return QueryTerm(word, None, 1.0)
        terms = self.word_terms[known]
        term = next(terms[x] for x in (*order, *LANGS) if x in terms)
        return QueryTerm(word, term, FUZZY_DISCOUNT)

    def search(self, question: str, lang: str | None, limit: int = 4) -> tuple[list[Hit], list[QueryTerm]]:
        """The best topics for `question` (best first) and how its words were understood."""
        terms = self._unique(self.resolve(question, lang))
        total = sum(self._weight(qt) for qt in terms)
        if not total:
            return [], terms
        bm25, matched = self._bm25(terms)
        phrase = self._phrases(terms, total)
        combined = {doc: bm25[doc] / total + PHRASE_WEIGHT * phrase.get(doc, 0.0) for doc in bm25}
        ranked = sorted(combined, key=lambda d: (-combined[d], self.ids[d]))[:limit]
        hits = [Hit(self.ids[d], combined[d], matched[d] / total, phrase.get(d, 0.0)) for d in ranked]
        return hits, terms

    @staticmethod
    def _unique(terms: list[QueryTerm]) -> list[QueryTerm]:
        seen: set[str] = set()
        out = []
        for qt in terms:
            if qt.term is None or qt.term not in seen:
                out.append(qt)
                seen.add(qt.term or "")
        return out

    def _weight(self, qt: QueryTerm) -> float:
        return self.idf[qt.term] if qt.term else self.unknown_idf

    def _bm25(self, terms: list[QueryTerm]) -> tuple[dict[int, float], dict[int, float]]:
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, float] = defaultdict(float)
        for qt in terms:
            if qt.term is None:
                continue
            idf = self.idf[qt.term]
            for doc, tf in self.postings[qt.term]:
                scores[doc] += qt.weight * idf * tf * (self.k1 + 1) / (tf + self.norm[doc])
                matched[doc] += qt.weight * idf
        return scores, matched

    def _phrases(self, terms: list[QueryTerm], total: float) -> dict[int, float]:
        """Per topic, the best idf-weighted Dice overlap between the question and one listed phrasing."""
        overlap: dict[int, float] = defaultdict(float)
        for qt in terms:
            if qt.term is not None:
                for number in self.phrase_postings.get(qt.term, ()):
                    overlap[number] += qt.weight * self.idf[qt.term]
        best: dict[int, float] = {}
        for number, shared in overlap.items():
            doc = self.phrases[number][0]
            dice = 2 * shared / (total + self.phrase_norm[number])
            if dice > best.get(doc, 0.0):
                best[doc] = dice
        return best
