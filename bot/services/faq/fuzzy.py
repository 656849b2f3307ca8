"""Typo tolerance: find a known word within a small edit distance through a character-trigram index."""

from __future__ import annotations

from collections import Counter, defaultdict


def trigrams(word: str) -> set[str]:
    """The word's character trigrams, its start and end marked."""
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def max_edits(word: str) -> int:
    """How many typos we forgive: none under 4 letters, one up to 7, two from 8."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of two letters counts once); limit+1 when above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class FuzzyVocabulary:
    """Known words, and the closest known word to an unknown one."""

    def __init__(self, counts: Counter[str], candidates: int = 24) -> None:
        self.counts = counts
        self.candidates = candidates
        self.by_gram: dict[str, list[str]] = defaultdict(list)
        for word in counts:
            if len(word) >= 3:
                for gram in trigrams(word):
                    self.by_gram[gram].append(word)

    def closest(self, word: str) -> str | None:
        """The most frequent known word at the smallest distance within max_edits(word), or None."""
        limit = max_edits(word)
        if limit == 0:
            return None
        shared: Counter[str] = Counter()
        for gram in trigrams(word):
            shared.update(self.by_gram.get(gram, ()))
        best: tuple[int, int, str] | None = None
        for candidate, _ in shared.most_common(self.candidates):
            if candidate[0] != word[0]:
                continue  # typos rarely hit the first letter; allowing it turns "bread" into "read"
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                key = (distance, -self.counts[candidate], candidate)
                best = key if best is None or key < best else best
        return best[2] if best else None
