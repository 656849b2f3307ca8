"""The search behind bot.services.peers.matching: candidate edges, greedy matching, local improvement.

Pure and deterministic (a seeded random source picks among equally good candidates in big buckets).
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, Protocol

EXHAUSTIVE_UP_TO = 600  # below this many members every feasible pair is a candidate
KEEP = 8  # candidates kept per member on big instances (before symmetrising)
PER_INTEREST, PER_BUCKET, PER_OTHER_STAGE, PER_LANGUAGE = 2, 4, 2, 2
MAX_PASSES = 8
STAGE_COUNT = 6
AUGMENT_DEPTH, BRANCH = 3, 6
MOP_UP_SCAN = 64  # members alone at the end: how many other lone members each one looks at


class Encodable(Protocol):
    """The members encoded for the search, as position-indexed lists."""

    n: int
    lang: list[int]
    intr: list[int]
    stage: list[int]
    seeker: list[bool]

    def weight(self, i: int, j: int) -> int:
        """How good a pair `i`, `j` is (higher is better)."""


class Graph:
    """Members 0..n-1, a weight function (-1: forbidden) and each member's candidate partners."""

    def __init__(self, n: int, weight: Callable[[int, int], int], candidates: list[dict[int, int]],
                 max_weight: int) -> None:
        self.n = n
        self.max_weight = max_weight  # no pair weighs more: bounds the gain of a move before computing it
        self.weight_fn = weight
        self.candidates = candidates  # i -> {j: weight}

    def weight(self, i: int, j: int) -> int:
        """The pair's weight (0 with nobody), from the candidate lists or computed."""
        if i < 0 or j < 0:
            return 0
        known = self.candidates[i].get(j)
        return known if known is not None else self.weight_fn(i, j)


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def search_candidates(enc: Encodable, seed: int = 0, exhaustive_up_to: int = EXHAUSTIVE_UP_TO
                      ) -> list[dict[int, int]]:
    """Candidate partners with their weights: all feasible pairs when small, bucket samples when big."""
    if enc.n <= exhaustive_up_to:
        return _all_pairs(enc)
    rng = random.Random(seed)
    by_stage: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_interest: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    by_language: dict[int, list[int]] = defaultdict(list)
    for i in range(enc.n):
        for lang in _bits(enc.lang[i]):
            by_stage[(lang, enc.stage[i])].append(i)
            by_language[lang].append(i)
            for interest in _bits(enc.intr[i]):
                by_interest[(lang, enc.stage[i], interest)].append(i)
    for bucket in (*by_stage.values(), *by_interest.values(), *by_language.values()):
        rng.shuffle(bucket)
    candidates: list[dict[int, int]] = [{} for _ in range(enc.n)]
    for i in range(enc.n):
        pool: set[int] = set()
        for lang in _bits(enc.lang[i]):
            for rank, stage in enumerate(_stages_for(enc, i)):
                if rank == 0:
                    for interest in _bits(enc.intr[i]):
                        _sample(pool, by_interest.get((lang, stage, interest)), PER_INTEREST, rng)
                _sample(pool, by_stage.get((lang, stage)), PER_BUCKET if rank == 0 else PER_OTHER_STAGE, rng)
            _sample(pool, by_language.get(lang), PER_LANGUAGE, rng)
        pool.discard(i)
        scored = sorted(((enc.weight(i, j), j) for j in pool), reverse=True)[:KEEP]
        for w, j in scored:
            if w > 0:
                candidates[i][j] = w
                candidates[j][i] = w
    return candidates


def _all_pairs(enc: Encodable) -> list[dict[int, int]]:
    candidates: list[dict[int, int]] = [{} for _ in range(enc.n)]
    for i in range(enc.n):
        for j in range(i + 1, enc.n):
            w = enc.weight(i, j)
            if w > 0:
                candidates[i][j] = w
                candidates[j][i] = w
    return candidates


def _stages_for(enc: Encodable, i: int) -> tuple[int, ...]:
    """Stages worth searching for member i: own and adjacent; later ones for a mentor seeker."""
    s = enc.stage[i]
    if s < 0:
        return (s,)
    wanted = (s + 1, s + 2, s - 1, s) if enc.seeker[i] else (s, s - 1, s + 1)  # mentors first when seeking
    return tuple(t for t in wanted if 0 <= t < STAGE_COUNT)


def _sample(pool: set[int], bucket: list[int] | None, count: int, rng: random.Random) -> None:
    if not bucket:
        return
    if len(bucket) <= count:
        pool.update(bucket)
        return
    start = rng.randrange(len(bucket))
    pool.update(bucket[start:start + count])
    if start + count > len(bucket):
        pool.update(bucket[: start + count - len(bucket)])


def greedy(graph: Graph) -> list[int]:
    """Heaviest candidate edges first; mate[i] is i's partner or -1."""
    edges = sorted(((w, i, j) for i in range(graph.n) for j, w in graph.candidates[i].items() if i < j),
                   reverse=True)
    mate = [-1] * graph.n
    for _, i, j in edges:
        if mate[i] < 0 and mate[j] < 0:
            mate[i], mate[j] = j, i
    return mate


def improve(graph: Graph, mate: list[int], max_steps: int | None = None, start: list[int] | None = None) -> int:
    """Local search until nothing improves: re-pair two pairs, or augment for a member alone.

    A worklist holds members whose situation changed; each improvement strictly raises the total
    weight, so the search ends; `max_steps` (default 30 per member) bounds it on huge instances.
    """
    steps = max_steps if max_steps is not None else 30 * graph.n
    queue = deque(range(graph.n) if start is None else start)
    queued = [start is None] * graph.n
    for i in queue:
        queued[i] = True
    gained = 0
    while queue and steps > 0:
        i = queue.popleft()
        queued[i] = False
        steps -= 1
        touched, gain = _improve_one(graph, mate, i)
        gained += gain
        for k in touched:
            if k >= 0 and not queued[k]:
                queued[k] = True
                queue.append(k)
    return gained


def _improve_one(graph: Graph, mate: list[int], i: int) -> tuple[tuple[int, ...], int]:
    """The best single move around member i; returns the members it touched and the gain."""
    weight, candidates = graph.weight, graph.candidates
    a = mate[i]
    w_ia = weight(i, a)
    best_gain, best = 0, None
    for j, w_ij in candidates[i].items():
        b = mate[j]
        if j == a:
            continue
        base = w_ij - w_ia - (candidates[j].get(b) or weight(j, b) if b >= 0 else 0)
        if base + (graph.max_weight if a >= 0 and b >= 0 else 0) <= best_gain:
            continue  # even the best possible re-pairing of a and b would not beat the best move so far
        w_ab = weight(a, b) if a >= 0 and b >= 0 else 0
        gain = base + max(w_ab, 0)
        if gain > best_gain:
            best_gain, best = gain, (j, a, b, w_ab)
    if best is None:
        return _augment(graph, mate, i) if a < 0 else ((), 0)
    j, a, b, w_ab = best
    for k in (a, b):
        if k >= 0:
            mate[k] = -1
    _pair(mate, i, j)
    if w_ab > 0:
        _pair(mate, a, b)
        candidates[a][b] = candidates[b][a] = w_ab  # matched pairs stay cheap to look up
    return (i, j, a, b), best_gain


def _augment(graph: Graph, mate: list[int], u: int) -> tuple[tuple[int, ...], int]:
    """Member u, alone, gets a partner along a short alternating path ending at another member alone.

    u takes c1, c1's partner d1 takes c2, ..., the last partner takes a member alone (at most
    AUGMENT_DEPTH pairs re-formed, the BRANCH most promising pairs tried at each step).
    """
    best: list[Any] = [0, None]
    _augment_from(graph, mate, u, 0, [], {u}, best)
    if best[1] is None:
        return (), 0
    touched: list[int] = []
    for x, c in best[1]:
        _pair(mate, x, c)
        touched += [x, c]
    return tuple(touched), best[0]


def _augment_from(graph: Graph, mate: list[int], x: int, gain: int, path: list[tuple[int, int]],
                  seen: set[int], best: list[Any]) -> None:
    candidates = graph.candidates[x]
    for e, w in candidates.items():
        if mate[e] < 0 and e not in seen and gain + w > best[0]:
            best[0], best[1] = gain + w, [*path, (x, e)]
    if len(path) >= AUGMENT_DEPTH:
        return
    steps = [(w - graph.weight(c, mate[c]), c) for c, w in candidates.items()
             if mate[c] >= 0 and c not in seen and mate[c] not in seen]
    for net, c in heapq.nlargest(BRANCH, steps):
        d = mate[c]
        _augment_from(graph, mate, d, gain + net, [*path, (x, c)], seen | {c, d}, best)


def perturb(graph: Graph, mate: list[int], rounds: int, seed: int = 0, share: float = 0.15) -> int:
    """Iterated local search: break a few pairs, re-pair greedily, improve; keep what is better."""
    rng = random.Random(seed)
    best_total = total_weight(graph, mate)
    for _ in range(rounds):
        trial = list(mate)
        broken = [i for i in range(graph.n) if trial[i] > i and rng.random() < share]
        for i in broken:
            trial[trial[i]] = -1
            trial[i] = -1
        freed = [i for i in range(graph.n) if trial[i] < 0]
        edges = sorted(((w, i, j) for i in freed for j, w in graph.candidates[i].items()
                        if i < j and trial[j] < 0), key=lambda e: (-e[0], rng.random()))
        for _, i, j in edges:
            if trial[i] < 0 and trial[j] < 0:
                _pair(trial, i, j)
        improve(graph, trial, start=freed)
        total = total_weight(graph, trial)
        if total > best_total:
            best_total, mate[:] = total, trial
    return best_total


def total_weight(graph: Graph, mate: list[int]) -> int:
    """The summed weight of the pairs in `mate`."""
    return sum(graph.weight(i, mate[i]) for i in range(graph.n) if mate[i] > i)


def _pair(mate: list[int], i: int, j: int) -> None:
    if i >= 0:
        mate[i] = j
    if j >= 0:
        mate[j] = i


def mop_up(graph: Graph, mate: list[int], feasible_weight: Callable[[int, int], int]) -> list[int]:
    """Pair members still alone with each other (any feasible pair), adding those edges as candidates."""
    alone = [i for i in range(graph.n) if mate[i] < 0]
    paired: list[int] = []
    for pos, u in enumerate(alone):
        if mate[u] >= 0:
            continue
        options = [(feasible_weight(u, v), v) for v in alone[pos + 1: pos + 1 + MOP_UP_SCAN] if mate[v] < 0]
        w, v = max(options, default=(0, -1))
        if w > 0:
            _pair(mate, u, v)
            graph.candidates[u][v] = w
            graph.candidates[v][u] = w
            paired += [u, v]
    return paired
