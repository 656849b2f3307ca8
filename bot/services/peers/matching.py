"""Peer matching: plan one round of groups (pure computation, no I/O).

Hard constraints: every group shares a language; members who excluded each other are never grouped;
a pair from the last K rounds is only used when a member has no other choice (a repeated pair carries
a penalty larger than any difference in quality, but smaller than leaving two members alone).

The objective is lexicographic per pair, encoded as an integer whose tiers cannot overtake each other:
stage (same > adjacent > other; in mentor mode a later stage for the member who asked) > shared
interests > different countries > overlapping working hours (quality 0..298). Each pair also carries a
base weight far above any quality, so the planner first matches as many members as it can.

Search: candidate partners per member from buckets (language x stage x interest), a greedy matching on
the candidate edges, then local improvement (pair swaps and short augmenting paths). Odd members left
over join an existing pair as a group of three when they share a language with both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.taxonomy import STAGES
from bot.services.peers.matching_search import (
    EXHAUSTIVE_UP_TO,
    Graph,
    greedy,
    improve,
    mop_up,
    perturb,
    search_candidates,
)

PAIR_BASE = 10_000  # matching one more pair outweighs everything else
REPEAT_PENALTY = 2_000  # a pair from the last K rounds: only when it lets someone be matched at all
STAGE_SAME, STAGE_NEAR = 200, 100  # same stage (or a mentor one stage on) / adjacent (or mentor further on)
INTEREST_STEP, INTEREST_CAP = 20, 4
COUNTRY_BONUS = 10
HOURS_CAP = 8
WORK_START, WORK_END = 9, 17  # local working hours used for the overlap
MODES = ("peer", "mentor")
MAX_WEIGHT = PAIR_BASE + STAGE_SAME + INTEREST_STEP * INTEREST_CAP + COUNTRY_BONUS + HOURS_CAP
PERTURB_ROUNDS = 400  # iterated local search on instances small enough for every pair to be a candidate
PERTURB_WORK = 12_000_000  # fewer rounds as instances grow (each round costs about n * n)


@dataclass(frozen=True)
class Candidate:
    """A member taking part in a round, as the planner sees them."""

    id: str
    stage: str | None
    languages: tuple[str, ...]
    country: str | None = None
    interests: tuple[str, ...] = ()
    utc_offset_minutes: int | None = None
    exclude: tuple[str, ...] = ()
    wants_mentor: bool = False


@dataclass(frozen=True)
class Unmatched:
    """A member left without a group, and why."""

    id: str
    reason: str  # no_shared_language | excluded | alone | no_partner_available


@dataclass(frozen=True)
class Plan:
    """A round's groups and unmatched members, with their scores."""

    groups: tuple[tuple[str, ...], ...]
    unmatched: tuple[Unmatched, ...]
    score: int  # sum of group scores (a trio counts its pair plus the newcomer's best link)
    pair_score: int  # weight of the pair matching before trios were formed (compared with the optimum)
    pairs: tuple[tuple[int, int], ...] = ()  # that pair matching, as member positions in the input


    def to_json(self) -> dict[str, object]:
        """The plan as JSON data."""
        return {"groups": [list(g) for g in self.groups],
                "unmatched": [{"id": u.id, "reason": u.reason} for u in self.unmatched],
                "score": self.score}


@dataclass(frozen=True)
class Why:
    """Why a group was matched, for the introduction."""

    stage: str  # same | adjacent | mentor | other
    languages: tuple[str, ...]
    interests: tuple[str, ...]
    countries: tuple[str, ...]
    cross_border: bool
    overlap_hours: int


def utc_offset_minutes(timezone: str | None, at: datetime) -> int | None:
    """The zone's offset from UTC at `at`, in minutes (None for an unknown zone)."""
    if not timezone:
        return None
    try:
        offset = at.astimezone(ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return int(offset.total_seconds() // 60) if offset is not None else None


def hours_mask(offset_minutes: int | None) -> int:
    """Bit h set when UTC hour h is inside local working hours (0 when the zone is unknown)."""
    if offset_minutes is None:
        return 0
    shift = round(offset_minutes / 60)
    return sum(1 << ((h - shift) % 24) for h in range(WORK_START, WORK_END))


class Encoded:
    """Members as small integers and bit masks, so a pair weight is a handful of integer operations."""

    def __init__(self, members: list[Candidate], recent: set[frozenset[str]], mode: str) -> None:
        self.members = members
        self.n = len(members)
        index = {m.id: i for i, m in enumerate(members)}
        self.index = index
        bits: dict[str, int] = {}
        self.lang = [_mask(m.languages, bits) for m in members]
        self.lang_bits = bits
        interest_bits: dict[str, int] = {}
        self.intr = [_mask(m.interests, interest_bits) for m in members]
        countries: dict[str | None, int] = {None: -1}
        self.country = [countries.setdefault(m.country, len(countries)) if m.country else -1 for m in members]
        self.stage = [STAGES.index(m.stage) if m.stage in STAGES else -1 for m in members]
        self.hours = [hours_mask(m.utc_offset_minutes) for m in members]
        self.seeker = [mode == "mentor" or m.wants_mentor for m in members]
        self.excl: list[set[int]] = [set() for _ in members]
        for i, m in enumerate(members):
            for other in m.exclude:
                j = index.get(other)
                if j is not None and j != i:
                    self.excl[i].add(j)
                    self.excl[j].add(i)
        self.recent = {_key(index[a], index[b], self.n) for pair in recent if len(pair) == 2
                       for a, b in [tuple(pair)] if a in index and b in index}

    def feasible(self, i: int, j: int) -> bool:
        """Whether `i` and `j` can meet: a common language, neither excluding the other."""
        return i != j and bool(self.lang[i] & self.lang[j]) and j not in self.excl[i]

    def stage_tier(self, i: int, j: int) -> int:
        """How well `i` and `j`'s stages fit (a mentor-seeker wants one stage further)."""
        si, sj = self.stage[i], self.stage[j]
        if si < 0 or sj < 0:
            return 0
        if self.seeker[i] or self.seeker[j]:
            gap = max(sj - si if self.seeker[i] else 0, si - sj if self.seeker[j] else 0)
            return STAGE_SAME if gap == 1 else STAGE_NEAR if gap > 1 else 0
        gap = abs(si - sj)
        return STAGE_SAME if gap == 0 else STAGE_NEAR if gap == 1 else 0

    def quality(self, i: int, j: int) -> int:
        """Pair quality 0..298: the lexicographic tiers as one integer."""
        shared = min((self.intr[i] & self.intr[j]).bit_count(), INTEREST_CAP)
        cross = self.country[i] != self.country[j] and self.country[i] >= 0 and self.country[j] >= 0
        overlap = min((self.hours[i] & self.hours[j]).bit_count(), HOURS_CAP)
        return self.stage_tier(i, j) + shared * INTEREST_STEP + (COUNTRY_BONUS if cross else 0) + overlap

    def weight(self, i: int, j: int) -> int:
        """Pair weight; -1 when the pair breaks a hard constraint. (quality() inlined: this is the hot path.)"""
        if i == j or not self.lang[i] & self.lang[j] or j in self.excl[i]:
            return -1
        si, sj = self.stage[i], self.stage[j]
        if si < 0 or sj < 0:
            tier = 0
        elif self.seeker[i] or self.seeker[j]:
            gap = max(sj - si if self.seeker[i] else 0, si - sj if self.seeker[j] else 0)
            tier = STAGE_SAME if gap == 1 else STAGE_NEAR if gap > 1 else 0
        else:
            tier = STAGE_SAME if si == sj else STAGE_NEAR if si - sj in (1, -1) else 0
        shared = (self.intr[i] & self.intr[j]).bit_count()
        ci, cj = self.country[i], self.country[j]
        weight = (PAIR_BASE + tier + INTEREST_STEP * (shared if shared < INTEREST_CAP else INTEREST_CAP)
                  + (COUNTRY_BONUS if ci != cj and ci >= 0 and cj >= 0 else 0)
                  + (self.hours[i] & self.hours[j]).bit_count())  # at most HOURS_CAP bits each
        if self.recent and (i * self.n + j if i < j else j * self.n + i) in self.recent:
            weight -= REPEAT_PENALTY
        return weight


def _mask(values: tuple[str, ...], bits: dict[str, int]) -> int:
    mask = 0
    for value in values:
        mask |= 1 << bits.setdefault(value.strip().lower(), len(bits))
    return mask


def _key(i: int, j: int, n: int) -> int:
    return min(i, j) * n + max(i, j)


def recent_pairs(history: list[list[list[str]]], window: int) -> set[frozenset[str]]:
    """Every pair that met in the last `window` rounds (history is oldest first)."""
    pairs: set[frozenset[str]] = set()
    for round_groups in history[-window:] if window > 0 else []:
        for group in round_groups:
            pairs.update(frozenset((a, b)) for a in group for b in group if a < b)
    return pairs


def plan_round(members: list[Candidate], history: list[list[list[str]]] | None = None, *,
               mode: str = "peer", repeat_window: int = 3, seed: int = 0,
               exhaustive_up_to: int = EXHAUSTIVE_UP_TO) -> Plan:
    """Plan one round: pairs, at most one trio per leftover, and the unmatched with a reason."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    unique = list({m.id: m for m in members}.values())
    enc = Encoded(unique, recent_pairs(history or [], repeat_window), mode)
    graph = Graph(enc.n, enc.weight, search_candidates(enc, seed, exhaustive_up_to), MAX_WEIGHT)
    mate = greedy(graph)
    mop_up(graph, mate, enc.weight)
    improve(graph, mate)
    if mop_up(graph, mate, enc.weight):
        improve(graph, mate)
    if enc.n <= exhaustive_up_to:
        perturb(graph, mate, min(PERTURB_ROUNDS, max(20, PERTURB_WORK // max(enc.n * enc.n, 1))), seed)
    pair_score = sum(graph.weight(i, mate[i]) for i in range(enc.n) if mate[i] > i)
    groups = [[i, mate[i]] for i in range(enc.n) if mate[i] > i]
    leftovers = [i for i in range(enc.n) if mate[i] < 0]
    score = pair_score + _form_trios(enc, groups, leftovers)
    grouped = {i for g in groups for i in g}
    unmatched = tuple(Unmatched(unique[i].id, _reason(enc, i)) for i in leftovers if i not in grouped)
    ordered = sorted(tuple(sorted(unique[i].id for i in g)) for g in groups)
    pairs = tuple((i, mate[i]) for i in range(enc.n) if mate[i] > i)
    return Plan(tuple(ordered), unmatched, score, pair_score, pairs)


def _form_trios(enc: Encoded, groups: list[list[int]], leftovers: list[int]) -> int:
    """Each leftover joins the best pair that shares a language with them; returns the score added."""
    added = 0
    for u in leftovers:
        best, best_gain = None, -1
        for group in groups:
            if len(group) != 2:
                continue
            a, b = group
            if not enc.lang[u] & enc.lang[a] & enc.lang[b]:
                continue
            wa, wb = enc.weight(u, a), enc.weight(u, b)
            if wa < 0 or wb < 0:
                continue
            if max(wa, wb) > best_gain:
                best, best_gain = group, max(wa, wb)
        if best is not None:
            best.append(u)
            added += best_gain
    return added


def _reason(enc: Encoded, i: int) -> str:
    if enc.n == 1:
        return "alone"
    speakers = [j for j in range(enc.n) if j != i and enc.lang[i] & enc.lang[j]]
    if not speakers:
        return "no_shared_language"
    if all(j in enc.excl[i] for j in speakers):
        return "excluded"
    return "no_partner_available"


def explain(group: list[Candidate], mode: str = "peer") -> Why:
    """What a group has in common: stage relation, shared languages and interests, countries, hours."""
    enc = Encoded(group, set(), mode)
    tiers = [enc.stage_tier(i, j) for i in range(enc.n) for j in range(i + 1, enc.n)]
    seeking = any(enc.seeker)
    best = max(tiers, default=0)
    stage = ("mentor" if seeking and best else "same" if best == STAGE_SAME else
             "adjacent" if best == STAGE_NEAR else "other")
    languages = tuple(sorted(set.intersection(*(set(m.languages) for m in group)))) if group else ()
    interests = tuple(sorted(set.intersection(*(set(m.interests) for m in group)))) if group else ()
    countries = tuple(sorted({m.country for m in group if m.country}))
    hours = enc.hours[0] if group else 0
    for mask in enc.hours[1:]:
        hours &= mask
    return Why(stage, languages, interests, countries, len(countries) > 1, hours.bit_count())


def suggest(member: Candidate, others: list[Candidate], history: list[list[list[str]]] | None = None, *,
            repeat_window: int = 3, limit: int = 3) -> list[tuple[Candidate, int]]:
    """The best `limit` members this member could contact now, with their pair weight."""
    pool = [member, *(o for o in others if o.id != member.id)]
    enc = Encoded(pool, recent_pairs(history or [], repeat_window), "peer")
    scored = [(enc.weight(0, j), j) for j in range(1, enc.n)]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], pool[s[1]].id))
    return [(pool[j], w) for w, j in ranked[:limit]]
