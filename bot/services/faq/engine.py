"""The FAQ engine: a knowledge base, its index, and the answer / suggest / none decision."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.faq.content import DEFAULT_DIR, ContentError, Entry, load_dir
from bot.services.faq.index import Hit, Index
from bot.services.faq.text import LANGS, detect_language

log = logging.getLogger(__name__)

ANSWER_THRESHOLD = 0.50  # confidence at or above: answer with the top topic
SUGGEST_THRESHOLD = 0.30  # at or above (and below ANSWER): "did you mean" with up to 3 topics
MAX_SUGGESTIONS = 3
SUGGEST_RELATIVE = 0.45  # a suggestion's score must reach this share of the best score
DATABASE = "database"  # Entry.source of a topic published into the database


@dataclass(frozen=True)
class Thresholds:
    answer: float = ANSWER_THRESHOLD
    suggest: float = SUGGEST_THRESHOLD


@dataclass(frozen=True)
class Decision:
    """What the engine makes of a question (no text: rendering needs the catalogs)."""

    question: str
    lang: str  # the language to answer in
    detected: str | None  # the language the question seems to be in
    decision: str  # "answer" | "suggest" | "none"
    answer_id: str | None
    suggestions: tuple[str, ...]
    confidence: float
    hits: tuple[Hit, ...] = ()


def confidence(hits: list[Hit]) -> float:
    """0..1 from how much of the question the best topic covers and how clearly it beats the next one."""
    if not hits:
        return 0.0
    best = hits[0]
    margin = 1.0 if len(hits) == 1 else (best.score - hits[1].score) / best.score
    base = max(best.coverage, best.phrase)
    return round(base * (0.55 + 0.45 * margin), 4)


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    index: Index
    errors: list[ContentError] = field(default_factory=list)

    @classmethod
    def build(cls, entries: list[Entry], errors: list[ContentError] | None = None) -> KnowledgeBase:
        return cls({e.id: e for e in entries}, Index(entries), list(errors or []))


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    topics: int
    errors: tuple[ContentError, ...]


class FaqService:
    """Holds the knowledge base in service; loads lazily, reloads all-or-nothing."""

    def __init__(self, directory: Path | str | None = None, thresholds: Thresholds | None = None) -> None:
        self.directory = Path(directory) if directory else DEFAULT_DIR
        self.thresholds = thresholds or Thresholds()
        self._kb: KnowledgeBase | None = None
        self._extra: dict[str, Entry] = {}  # topics published into the database (content folder read-only)

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            entries, errors = load_dir(self.directory)
            for error in errors:
                log.error("FAQ content rejected: %s", error)
            self._kb = KnowledgeBase.build(self._with_extra(entries), errors)
            log.info("FAQ loaded: %d topics from %s", len(entries), self.directory)
        return self._kb

    def load(self) -> KnowledgeBase:
        """The knowledge base in service (loaded on first use)."""
        return self.kb

    def reload(self) -> ReloadResult:
        """Read the folder again; if any file is malformed, keep the content in service and report why."""
        entries, errors = load_dir(self.directory)
        if errors:
            for error in errors:
                log.warning("FAQ reload refused: %s", error)
            return ReloadResult(False, len(self.kb.entries), tuple(errors))
        self._kb = KnowledgeBase.build(self._with_extra(entries))
        log.info("FAQ reloaded: %d topics", len(self._kb.entries))
        return ReloadResult(True, len(self._kb.entries), ())

    def set_extra(self, entries: list[Entry]) -> None:
        """Serve these topics beside the folder's (a file of the same id wins); rebuilds the index at once."""
        self._extra = {e.id: e for e in entries}
        if self._kb is not None:
            self._kb = KnowledgeBase.build(self._with_extra(list(self._kb.entries.values())), self._kb.errors)

    def _with_extra(self, entries: list[Entry]) -> list[Entry]:
        on_disk = [e for e in entries if e.source != DATABASE]
        ids = {e.id for e in on_disk}
        return on_disk + [e for topic, e in self._extra.items() if topic not in ids]

    def entry(self, topic_id: str) -> Entry | None:
        return self.kb.entries.get(topic_id)

    def ask(self, question: str, lang: str = "auto", fallback: str = "en") -> Decision:
        """Rank the topics for `question` and decide; `lang` forces the answer language unless 'auto'."""
        detected = detect_language(question)
        answer_lang = lang if lang in LANGS else (detected or (fallback if fallback in LANGS else "en"))
        hits, _ = self.kb.index.search(question, detected or answer_lang)
        conf = confidence(hits)
        if hits and conf >= self.thresholds.answer:
            return Decision(question, answer_lang, detected, "answer", hits[0].topic, (), conf, tuple(hits))
        if hits and conf >= self.thresholds.suggest:
            floor = hits[0].score * SUGGEST_RELATIVE
            picks = tuple(h.topic for h in hits[:MAX_SUGGESTIONS] if h.score >= floor)
            return Decision(question, answer_lang, detected, "suggest", None, picks, conf, tuple(hits))
        return Decision(question, answer_lang, detected, "none", None, (), conf, tuple(hits))
