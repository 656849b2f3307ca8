"""Combining the lexical and the semantic signal into one ranking and one calibrated confidence.

Each topic gets a lexical score (BM25 plus closest phrasing, scaled to about 0..1) and a semantic score
(cosine with its closest phrasing, rescaled so that the model's usual "unrelated" level is 0). Topics are
ranked by a weighted sum of both. The confidence is a probability that the first topic is the right one:
a logistic model over a few signals of the question (the combined score and its lead over the runner-up,
each engine's score for that topic, how much of the question the lexical engine understood, how clearly the
semantic engine's first topic stands out, and whether both engines put the same topic first). Its weights,
the ranking weight and the thresholds are fitted per model on the tuning set (bench/faq_tune.py), never on
the held-out set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.services.faq.index import PHRASE_WEIGHT, Hit

MAX_SUGGESTIONS = 3
SUGGEST_RELATIVE = 0.45  # a suggestion's score must reach this share of the best score
FEATURES = ("combined", "lead", "combined_x_lead", "lexical", "coverage", "semantic", "semantic_lead", "agree",
            "off_topic_lead")


@dataclass(frozen=True)
class Calibration:
    """How the two signals are weighed, and where answering and suggesting start."""

    lexical_weight: float  # 1.0: lexical alone; 0.0: semantic alone
    floors: tuple[float, ...]  # per model: the cosine it gives unrelated texts (below counts as 0)
    weights: tuple[float, ...]  # the logistic model: one weight per FEATURES name, then the intercept
    answer: float  # confidence at or above: answer
    suggest: float  # at or above (below answer): "did you mean"
    veto: float = math.inf  # off_topic_lead at or above: the question is out of scope, whatever the rest says


@dataclass(frozen=True)
class Ranked:
    """A topic with its combined score and the two signals it came from."""

    topic: str
    score: float
    lexical: float
    semantic: float


def lexical_scores(hits: list[Hit]) -> dict[str, float]:
    """A lexical hit's score scaled to about 0..1 (its maximum is 1 + PHRASE_WEIGHT)."""
    return {h.topic: min(1.0, h.score / (1 + PHRASE_WEIGHT)) for h in hits}


def rescale(cosines: np.ndarray, floor: float) -> np.ndarray:
    """Cosine similarities mapped to 0..1, `floor` and below being 0."""
    return np.clip((cosines - floor) / (1.0 - floor), 0.0, 1.0)


def semantic_signal(cosines: list[np.ndarray], floors: tuple[float, ...]) -> np.ndarray | None:
    """Per topic 0..1: the mean over the models of each model's rescaled cosine."""
    if not cosines:
        return None
    if len(cosines) == 1:  # the mean of one (spares a stacked copy at every question)
        return rescale(cosines[0], floors[0])
    mean: np.ndarray = np.mean([rescale(c, f) for c, f in zip(cosines, floors, strict=True)], axis=0)
    return mean


@dataclass(frozen=True)
class Fused:
    """The combined ranking (best first) and the signals the confidence is computed from."""

    ranked: list[Ranked]
    features: tuple[float, ...]


def fuse(hits: list[Hit], ids: list[str], semantic: np.ndarray, lexical_weight: float, off_topic_lead: float = 0.0,
         limit: int = 4, positions: dict[str, int] | None = None) -> Fused:
    """Rank every topic by the weighted sum of both signals; describe the first one for the confidence.

    `off_topic_lead` is how much closer the question is to an off-topic phrase than to any topic (cosines);
    `positions` (each id's index in `ids`) can be passed to spare building it at every question."""
    lexical = lexical_scores(hits)
    coverage = {h.topic: h.coverage for h in hits}
    combined = (1 - lexical_weight) * semantic
    positions = positions if positions is not None else {topic: i for i, topic in enumerate(ids)}
    for topic, score in lexical.items():
        combined[positions[topic]] += lexical_weight * score
    order = np.argsort(-combined, kind="stable")[:limit]
    ranked = [Ranked(ids[i], float(combined[i]), lexical.get(ids[i], 0.0), float(semantic[i])) for i in order]
    if not ranked:
        return Fused([], ())
    two = np.sort(np.partition(semantic, -2)[-2:]) if len(semantic) > 1 else np.array([0.0, semantic[0]])
    best = ranked[0]
    lead = (best.score - ranked[1].score) / best.score if len(ranked) > 1 and best.score > 0 else 1.0
    agree = float(bool(hits) and hits[0].topic == ids[int(np.argmax(semantic))] == best.topic)
    features = (best.score, lead, best.score * lead, best.lexical, coverage.get(best.topic, 0.0), best.semantic,
                float(two[1] - two[0]), agree, off_topic_lead)
    return Fused(ranked, features)


def confidence(features: tuple[float, ...], weights: tuple[float, ...], veto: float = math.inf) -> float:
    """The probability (0..1) that the first topic is right, from the fitted logistic model; 0 when the
    question is clearly closer to an off-topic phrase than to any topic."""
    if not features or features[-1] >= veto:
        return 0.0
    z = weights[-1] + sum(w * x for w, x in zip(weights, features, strict=False))
    return round(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), 4)


def lexical_ranking(hits: list[Hit]) -> list[Ranked]:
    """The lexical engine's own ranking (used when no model is in service)."""
    return [Ranked(t, s, s, 0.0) for t, s in lexical_scores(hits).items()]


def decide(ranked: list[Ranked], conf: float, answer: float, suggest: float) -> tuple[str, tuple[str, ...]]:
    """("answer", (topic,)) / ("suggest", up to 3 topics close to the best) / ("none", ())."""
    if ranked and conf >= answer:
        return "answer", (ranked[0].topic,)
    if ranked and conf >= suggest:
        floor = ranked[0].score * SUGGEST_RELATIVE
        return "suggest", tuple(r.topic for r in ranked[:MAX_SUGGESTIONS] if r.score >= floor)
    return "none", ()
