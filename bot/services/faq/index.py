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

import numpy as np

from bot.services.faq.content import Entry
from bot.services.faq.fuzzy import FuzzyVocabulary
from bot.services.faq.text import LANGS, content_words, stem, words

# How much a word counts depending on where it appears in a topic.
FIELD_WEIGHTS = {"questions": 1.0, "tags": 1.5, "answer": 0.4}
FUZZY_DISCOUNT = 0.8  # a corrected typo is a little less certain than an exact word
UNKNOWN_WEIGHT = 0.8  # share of the maximum idf given to a word we do not know at all
PHRASE_WEIGHT = 0.5  # weight of the closest phrasing (question or tag) in the ranking score
CANDIDATES = 40  # topics (best by BM25) whose phrasings are compared with the question


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
        self.phrases: list[list[frozenset[str]]] = []  # per topic: the terms of each question and tag
        for doc, entry in enumerate(entries):
            self.ids.append(entry.id)
            self.phrases.append([])
            lengths.append(self._add(doc, entry, postings, surface))
        self.size = len(self.ids)
        average = (sum(lengths) / self.size) if self.size else 1.0
        self.norm = [k1 * (1 - b + b * length / average) for length in lengths]
        self.idf = {term: self._idf(len(docs)) for term, docs in postings.items()}
        # BM25 contribution of each (term, topic), computed once: a question only adds them up (as arrays:
        # with 1,000 topics a common word has about as many postings).
        self.postings = {term: (np.fromiter(docs, dtype=np.intp, count=len(docs)),
                                np.array([self.idf[term] * tf * (k1 + 1) / (tf + self.norm[doc])
                                          for doc, tf in docs.items()])) for term, docs in postings.items()}
        self.unknown_idf = self._idf(0) * UNKNOWN_WEIGHT
        self.fuzzy = FuzzyVocabulary(surface)
        self._index_phrases()

    def _index_phrases(self) -> None:
        """Every topic's phrasings in one row: their idf norms, where each topic's start, and per term the
        phrasings holding it (a question's overlap with all of them is then a few array additions)."""
        flat = [terms for doc in self.phrases for terms in doc]
        self.phrase_norms = np.array([sum(self.idf[t] for t in terms) for terms in flat])
        starts = np.cumsum([0] + [len(doc) for doc in self.phrases])
        self.phrased = np.flatnonzero(starts[1:] > starts[:-1])  # the topics with at least one phrasing
        self.phrase_starts = starts[self.phrased]  # where each of those topics' phrasings start
        holding: dict[str, list[int]] = defaultdict(list)
        for i, terms in enumerate(flat):
            for term in terms:
                holding[term].append(i)
        self.term_phrases = {term: np.array(ids, dtype=np.intp) for term, ids in holding.items()}

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def _add(self, doc: int, entry: Entry, postings: dict[str, dict[int, float]], surface: Counter[str]) -> float:
        counts: dict[str, float] = defaultdict(float)  # weighted term frequencies of this topic, both languages
        for lang in LANGS:
            version = entry.version(lang)
            for field, texts in (("questions", version.questions), ("tags", version.tags)):
                weight = FIELD_WEIGHTS[field]
                for text in texts:
                    terms = self._terms(text, lang, surface)
                    if terms:
                        self.phrases[doc].append(frozenset(terms))
                    for term in terms:
                        counts[term] += weight
            for term, times in Counter(self._terms(version.answer, lang, surface)).items():
                counts[term] += FIELD_WEIGHTS["answer"] * times
        for term, weight in counts.items():
            postings[term][doc] = weight
        return sum(counts.values())

    def _terms(self, text: str, lang: str, surface: Counter[str]) -> list[str]:
        found = content_words(words(text))
        surface.update(found)
        terms = []
        for word in found:
            term = stem(word, lang)
            if lang not in self.word_terms[word]:
                self.word_terms[word][lang] = term
            terms.append(term)
        return terms

    # ---- questions --------------------------------------------------------------------------

    def resolve(self, question: str, lang: str | None) -> list[QueryTerm]:
        """The question's meaningful words mapped to indexed terms (stemmed, else typo-corrected)."""
        order = (lang, *[x for x in LANGS if x != lang]) if lang else LANGS
        resolved: dict[str, QueryTerm] = {}
        for word in self._join_split_words(content_words(words(question))):
            if word not in resolved:
                resolved[word] = self._resolve_word(word, order)
        return list(resolved.values())

    def _join_split_words(self, tokens: list[str]) -> list[str]:
        """Mend a word typed in two pieces when the joined form is known: 'open imis' -> 'openimis'."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if i + 1 < len(tokens) and tokens[i] + tokens[i + 1] in self.word_terms:
                out.append(tokens[i] + tokens[i + 1])
                i += 2
            else:
                out.append(tokens[i])
                i += 1
        return out

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
        bm25, matched, touched = self._bm25(terms)
        order = touched[np.argsort(-bm25[touched], kind="stable")][:CANDIDATES].tolist()
        weights = {qt.term: qt.weight * self.idf[qt.term] for qt in terms if qt.term is not None}
        phrase = self._best_phrases(order, weights, total)
        combined = {doc: float(bm25[doc]) / total + PHRASE_WEIGHT * phrase[doc] for doc in order}
        ranked = sorted(combined, key=lambda d: (-combined[d], self.ids[d]))[:limit]
        hits = [Hit(self.ids[d], combined[d], float(matched[d]) / total, phrase[d]) for d in ranked]
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

    def _bm25(self, terms: list[QueryTerm]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per topic, the BM25 score and the question's idf weight it matches; and the topics matched."""
        scores, matched = np.zeros(self.size), np.zeros(self.size)
        for qt in terms:
            if qt.term is None:
                continue
            docs, contributions = self.postings[qt.term]
            scores[docs] += qt.weight * contributions  # a topic appears once per term: no repeated index
            matched[docs] += qt.weight * self.idf[qt.term]
        return scores, matched, np.flatnonzero(matched)

    def _best_phrases(self, docs: list[int], weights: dict[str, float], total: float) -> dict[int, float]:
        """Per topic, the best idf-weighted Dice overlap between the question and one of its phrasings."""
        overlap = np.zeros(len(self.phrase_norms))
        for term, weight in weights.items():
            holding = self.term_phrases.get(term)
            if holding is not None:
                overlap[holding] += weight
        dice = 2 * overlap / (total + self.phrase_norms)
        best = np.zeros(self.size)
        if len(self.phrased):  # the best of each topic's phrasings, for every topic at once
            best[self.phrased] = np.maximum.reduceat(dice, self.phrase_starts)
        return dict(zip(docs, best[docs].tolist(), strict=True))
