"""Peer-matching benchmark: planning time for 10,000 members, and quality against the exact optimum.

Run alone with `python -m bench.matching_bench`; `run()` returns the figures and writes
bench/results/matching.json. The exact optimum uses networkx.max_weight_matching (a dev dependency)
on the complete constraint graph with the planner's own pair weights.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from bot.core.taxonomy import STAGES
from bot.services.peers.matching import Candidate, Encoded, plan_round, recent_pairs

RESULTS = Path(__file__).resolve().parent / "results" / "matching.json"
# (country, languages it speaks, UTC offset in minutes): openIMIS countries and neighbours
COUNTRIES = [
    ("TZ", ("en", "sw"), 180), ("CM", ("fr", "en"), 60), ("TD", ("fr", "ar"), 60), ("NE", ("fr",), 60),
    ("NP", ("en", "ne"), 345), ("BD", ("en", "bn"), 360), ("BI", ("fr",), 120), ("ZM", ("en",), 120),
    ("ET", ("en",), 180), ("SN", ("fr",), 0), ("MR", ("fr", "ar"), 0), ("CD", ("fr",), 60),
    ("GM", ("en",), 0), ("CH", ("fr", "en", "de"), 60), ("DE", ("en", "de"), 60),
]
INTERESTS = ("enrolment", "claims", "policy", "contributions", "payments", "reporting", "fhir", "mobile",
             "social-protection", "deployment", "training", "dhis2")


def random_members(n: int, seed: int = 0, exclude_rate: float = 0.02, mentor_rate: float = 0.0) -> list[Candidate]:
    """A realistic community: languages follow countries, 1-4 interests, a few exclusions."""
    rng = random.Random(seed)
    ids = [f"m{i}" for i in range(n)]
    members = []
    for member_id in ids:
        country, spoken, offset = rng.choice(COUNTRIES)
        languages = tuple(lang for lang in spoken if rng.random() < 0.85) or spoken[:1]
        if "en" not in languages and rng.random() < 0.25:
            languages += ("en",)
        exclude = tuple(rng.sample(ids, 1)) if rng.random() < exclude_rate else ()
        members.append(Candidate(
            id=member_id, stage=rng.choice(STAGES), languages=languages, country=country,
            interests=tuple(rng.sample(INTERESTS, rng.randint(1, 4))), utc_offset_minutes=offset,
            exclude=exclude, wants_mentor=rng.random() < mentor_rate))
    return members


def random_history(members: list[Candidate], rounds: int, seed: int = 0) -> list[list[list[str]]]:
    """Past rounds of random pairs."""
    rng = random.Random(seed + 7)
    history = []
    for _ in range(rounds):
        ids = [m.id for m in members]
        rng.shuffle(ids)
        history.append([ids[k:k + 2] for k in range(0, len(ids) - 1, 2)])
    return history


def exact_optimum(members: list[Candidate], history: list[list[list[str]]], mode: str,
                  window: int) -> tuple[int, int]:
    """The best possible pair-matching weight, by maximum-weight matching on every feasible pair;
    also the quality tiers alone (stage, interests, country, hours) of that optimum."""
    import networkx as nx

    enc = Encoded(members, recent_pairs(history, window), mode)
    graph = nx.Graph()
    for i in range(enc.n):
        for j in range(i + 1, enc.n):
            w = enc.weight(i, j)
            if w > 0:
                graph.add_edge(i, j, weight=w)
    matching = nx.max_weight_matching(graph, maxcardinality=False)
    return sum(enc.weight(i, j) for i, j in matching), sum(enc.quality(i, j) for i, j in matching)


def time_plan(n: int, seed: int = 1, mode: str = "peer") -> dict[str, Any]:
    members = random_members(n, seed, mentor_rate=0.1 if mode == "peer" else 0.0)
    history = random_history(members, 3, seed)
    start, cpu = time.perf_counter(), time.process_time()
    plan = plan_round(members, history, mode=mode, repeat_window=3)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    grouped = sum(len(g) for g in plan.groups)
    return {"members": n, "mode": mode, "seconds": round(seconds, 3), "cpu_seconds": round(cpu_seconds, 3),
            "groups": len(plan.groups), "trios": sum(len(g) == 3 for g in plan.groups), "grouped": grouped,
            "unmatched": len(plan.unmatched)}


def quality(n: int, seed: int, mode: str = "peer") -> dict[str, Any]:
    members = random_members(n, seed, mentor_rate=0.15 if mode == "peer" else 0.0)
    history = random_history(members, 2, seed)
    plan = plan_round(members, history, mode=mode, repeat_window=3)
    best, best_tiers = exact_optimum(members, history, mode, 3)
    enc = Encoded(members, recent_pairs(history, 3), mode)
    tiers = sum(enc.quality(i, j) for i, j in plan.pairs)
    return {"members": n, "seed": seed, "mode": mode, "planner": plan.pair_score, "optimum": best,
            "ratio": round(plan.pair_score / best, 4) if best else 1.0,
            "tier_ratio": round(tiers / best_tiers, 4) if best_tiers else 1.0}


def run() -> dict[str, Any]:
    """Measure, print a table, write bench/results/matching.json, and return the figures."""
    timings = [time_plan(10_000, seed=1), time_plan(10_000, seed=2), time_plan(10_000, seed=3, mode="mentor")]
    instances = [(n, seed, mode) for n in (50, 100, 200, 300) for seed in (1, 2, 3)
                 for mode in ("peer", "mentor")]
    ratios = [quality(n, seed, mode) for n, seed, mode in instances]
    result = {"timing": timings, "quality": ratios,
              "min_ratio": min(r["ratio"] for r in ratios),
              "mean_ratio": round(sum(r["ratio"] for r in ratios) / len(ratios), 4),
              "min_tier_ratio": min(r["tier_ratio"] for r in ratios),
              "max_seconds_10k": max(t["seconds"] for t in timings),
              "max_cpu_seconds_10k": max(t["cpu_seconds"] for t in timings)}
    _print(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def _print(result: dict[str, Any]) -> None:
    print("peer matching: planning time")
    print(f"{'members':>8} {'mode':>7} {'seconds':>8} {'cpu s':>7} {'groups':>7} {'trios':>6} {'unmatched':>9}")
    for t in result["timing"]:
        print(f"{t['members']:>8} {t['mode']:>7} {t['seconds']:>8.3f} {t['cpu_seconds']:>7.3f} {t['groups']:>7} "
              f"{t['trios']:>6} {t['unmatched']:>9}")
    print("peer matching: quality against the exact optimum (networkx max_weight_matching)")
    print(f"{'members':>8} {'seed':>5} {'mode':>7} {'planner':>9} {'optimum':>9} {'ratio':>7} {'tiers':>7}")
    for r in result["quality"]:
        print(f"{r['members']:>8} {r['seed']:>5} {r['mode']:>7} {r['planner']:>9} {r['optimum']:>9} "
              f"{r['ratio']:>7.4f} {r['tier_ratio']:>7.4f}")
    print(f"min ratio {result['min_ratio']:.4f}, mean {result['mean_ratio']:.4f}, "
          f"min ratio of the quality tiers alone {result['min_tier_ratio']:.4f}, "
          f"10k planned in at most {result['max_seconds_10k']:.3f} s ({result['max_cpu_seconds_10k']:.3f} s CPU)")


if __name__ == "__main__":
    run()
