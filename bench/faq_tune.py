"""FAQ quality: lexical alone, each model alone and each combination, tuned on the tuning set only.

For every mode, the fusion parameters and thresholds are chosen by a grid search on the tuning set,
tests/data/faq_eval.tsv, faq_eval2.tsv and faq_eval3.tsv (the best lower of the EN and FR "answered right"
rates, with at most 2 % wrong answers per language and at least 95 % abstention on out-of-scope questions); the chosen
parameters are then applied, unchanged, to the held-out set tests/data/faq_holdout2.tsv, whose questions are
never looked at by the search.

Run: `python -m bench.faq_tune` (a table; `--json` for the figures). The engine's CALIBRATIONS come from here.
`--tuning-only` leaves the held-out set unread and lists the tuning questions each mode gets wrong or does not
answer (the error analysis to improve the engine and the content on).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.services.faq.content import DEFAULT_DIR, load_dir
from bot.services.faq.engine import FUSED_CANDIDATES, LEXICAL_ONLY, lexical_confidence
from bot.services.faq.evaluation import NONE, Case, read_cases
from bot.services.faq.fusion import FEATURES, Calibration, confidence, decide, fuse, semantic_signal
from bot.services.faq.index import Hit, Index
from bot.services.faq.semantic import SemanticIndex, default_cache_dir, load_model
from bot.services.faq.smalltalk import small_talk
from bot.services.faq.text import LANGS, detect_language

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
TUNING, HELD_OUT = (DATA / "faq_eval.tsv", DATA / "faq_eval2.tsv", DATA / "faq_eval3.tsv"), DATA / "faq_holdout2.tsv"
MAX_WRONG, MIN_ABSTENTION, NONE_SHARE = 0.02, 0.95, 0.95
MAIN_LANGS = ("en", "fr")
MODES = {"lexical": (), "wordllama": ("wordllama",), "e5": ("e5",), "lexical+wordllama": ("wordllama",),
         "lexical+e5": ("e5",), "wordllama+e5": ("wordllama", "e5"), "lexical+wordllama+e5": ("wordllama", "e5"),
         "e5static": ("e5static",), "lexical+e5static": ("e5static",), "lexical+e5static+e5": ("e5static", "e5"),
         "e5nano": ("e5nano",), "lexical+e5nano": ("e5nano",)}
FLOORS = {"wordllama": (0.2, 0.3, 0.4, 0.5), "e5": (0.75, 0.8, 0.85), "e5static": (0.3, 0.4, 0.5),
          "e5nano": (0.75, 0.8, 0.85)}
WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6)
VETOES = (0.0, 0.01, 0.02, 0.03, 0.05, math.inf)  # off-topic lead that makes a question out of scope
THRESHOLDS = tuple(round(x, 3) for x in np.arange(0.05, 1.3, 0.01))


@dataclass
class Prepared:
    """A question with everything the decision needs, computed once."""

    case: Case
    small_talk: bool
    hits: list[Hit]
    lexical_conf: float
    cosines: dict[str, np.ndarray]
    off_topic: dict[str, float]  # per model: cosine with the closest off-topic phrase


def prepare(cases: list[Case], index: Index, semantic: dict[str, SemanticIndex]) -> list[Prepared]:
    out = []
    for case in cases:
        lang = detect_language(case.question) or (case.lang if case.lang in LANGS else "en")
        hits, _ = index.search(case.question, lang, limit=FUSED_CANDIDATES)
        scores = {name: s.scores(case.question) for name, s in semantic.items()}
        out.append(Prepared(case, small_talk(case.question) is not None, hits, lexical_confidence(hits),
                            {name: c for name, (c, _) in scores.items()}, {name: o for name, (_, o) in scores.items()}))
    return out


Outcome = tuple[str, float, tuple[str, ...]]  # (best topic, confidence, suggestion candidates)


def signals(prepared: list[Prepared], ids: list[str], models: tuple[str, ...], lexical: bool, weight: float,
            floors: tuple[float, ...]) -> list[tuple[str, tuple[float, ...], tuple[str, ...]]]:
    """Per question: the fused first topic, its features, and the suggestion candidates."""
    out = []
    for p in prepared:
        signal = semantic_signal([p.cosines[m] for m in models], floors)
        off_lead = float(np.mean([p.off_topic[m] - p.cosines[m].max() for m in models]))
        fused = fuse(p.hits if lexical else [], ids, signal, weight, off_lead)  # type: ignore[arg-type]
        _, picks = decide(fused.ranked, 0.5, answer=1.0, suggest=0.0)
        out.append((fused.ranked[0].topic if fused.ranked else "", fused.features, picks))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 0.1, steps: int = 50) -> np.ndarray:
    """Weights (then the intercept) of a ridge-regularised logistic regression, by Newton's method."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = ridge * np.eye(len(w))
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(design @ w, -30, 30)))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def outcomes(prepared: list[Prepared], rows: list, weights: tuple[float, ...] | None,
             veto: float = math.inf) -> list[Outcome]:
    """Confidence per question (lexical engine alone when weights is None); small talk is ("", -1, ())."""
    out: list[Outcome] = []
    for p, row in zip(prepared, rows, strict=True):
        if p.small_talk:
            out.append(("", -1.0, ()))
        elif weights is None:
            out.append((p.hits[0].topic if p.hits else "", p.lexical_conf, tuple(h.topic for h in p.hits[:3])))
        else:
            out.append((row[0], confidence(row[1], weights, veto), row[2]))
    return out


def score(prepared: list[Prepared], results: list[tuple[str, float, tuple[str, ...]]], answer: float,
          suggest: float) -> dict:
    langs: dict[str, dict[str, int]] = {}
    oos = {"questions": 0, "answered": 0, "said_none": 0}
    for p, (top, conf, picks) in zip(prepared, results, strict=True):
        decision = "answer" if conf >= answer and top else "suggest" if conf >= suggest and top else "none"
        if p.case.expected == NONE:
            oos["questions"] += 1
            oos["answered"] += decision == "answer"
            oos["said_none"] += decision == "none"
            continue
        s = langs.setdefault(p.case.lang, {"questions": 0, "right": 0, "wrong": 0, "top3": 0})
        s["questions"] += 1
        s["right"] += decision == "answer" and top == p.case.expected
        s["wrong"] += decision == "answer" and top != p.case.expected
        s["top3"] += (decision == "answer" and top == p.case.expected) or (
            decision == "suggest" and p.case.expected in picks)
    return {"langs": langs, "out_of_scope": oos}


def acceptable(figures: dict) -> bool:
    oos = figures["out_of_scope"]
    if oos["questions"] and (oos["questions"] - oos["answered"]) / oos["questions"] < MIN_ABSTENTION:
        return False
    return all(s["wrong"] <= MAX_WRONG * s["questions"] for lang, s in figures["langs"].items() if lang in MAIN_LANGS)


def merit(figures: dict) -> tuple[float, ...]:
    """Best lower EN/FR "answered right" rate; ties go to the better sum, then fewer wrong, then more abstention."""
    langs, oos = figures["langs"], figures["out_of_scope"]
    rates = [langs[lang]["right"] / langs[lang]["questions"] for lang in MAIN_LANGS]
    wrong = sum(s["wrong"] for s in langs.values())
    return min(rates), sum(rates), -wrong, -oos["answered"]


def best_thresholds(prepared: list[Prepared], results: list) -> tuple[float, float, dict] | None:
    """The answer threshold with the best merit under the constraints, and a suggest threshold below it
    that still says "none" to NONE_SHARE of the out-of-scope questions."""
    best: tuple[tuple[float, ...], float, dict] | None = None
    for answer in THRESHOLDS:
        figures = score(prepared, results, answer, answer)
        if acceptable(figures) and (best is None or merit(figures) > best[0]):
            best = (merit(figures), answer, figures)
    if best is None:
        return None
    answer = best[1]
    for suggest in THRESHOLDS:
        if suggest > answer:
            break
        figures = score(prepared, results, answer, suggest)
        oos = figures["out_of_scope"]
        if oos["said_none"] >= NONE_SHARE * oos["questions"]:
            return answer, suggest, figures
    return answer, answer, best[2]


def search(prepared: list[Prepared], ids: list[str], mode: str) -> tuple[Calibration | None, dict | None]:
    """The ranking weight and floors (grid), the logistic model (fitted) and the thresholds with the best merit."""
    models = MODES[mode]
    if not models:
        return None, None
    lexical = mode.startswith("lexical")
    best: tuple[tuple[float, ...], Calibration, dict] | None = None
    for weight, floors in itertools.product(WEIGHTS if lexical else (0.0,),
                                            itertools.product(*(FLOORS[m] for m in models))):
        rows = signals(prepared, ids, models, lexical, weight, floors)
        train = [(row[1], row[0] == p.case.expected) for p, row in zip(prepared, rows, strict=True)
                 if not p.small_talk and row[1]]
        coefficients = fit_logistic(np.array([f for f, _ in train]), np.array([float(y) for _, y in train]))
        weights = tuple(round(float(c), 4) for c in coefficients)
        for veto in VETOES:
            found = best_thresholds(prepared, outcomes(prepared, rows, weights, veto))
            if found and (best is None or merit(found[2]) > best[0]):
                best = (merit(found[2]), Calibration(weight, floors, weights, found[0], found[1], veto), found[2])
    return (best[1], best[2]) if best else (None, None)


def run(modes: list[str], held_out_too: bool = True, fixed: dict[str, Calibration] | None = None) -> dict:
    """Each mode's calibration searched on the tuning set (or taken from `fixed`: the one in service), then its
    figures on the tuning set and, unless `held_out_too` is False, on the held-out set."""
    entries, errors = load_dir(DEFAULT_DIR)
    assert not errors, errors
    index, ids = Index(entries), [e.id for e in entries]
    names = sorted({m for mode in modes for m in MODES[mode]})
    semantic = {}
    for name in names:
        model = load_model(name)
        if model is not None:  # (e5static needs `community-bot faq build-model` first; the log says why not)
            semantic[name] = SemanticIndex(entries, model, default_cache_dir())
    missing = {mode for mode in modes if not set(MODES[mode]) <= set(semantic)}
    modes = [mode for mode in modes if mode not in missing]
    tuning = prepare([case for path in TUNING for case in read_cases(path)], index, semantic)
    held_out = prepare(read_cases(HELD_OUT), index, semantic) if held_out_too else []
    report: dict = {mode: {"error": "its model did not load (see the log)"} for mode in sorted(missing)}
    for mode in modes:
        started = time.perf_counter()
        if fixed and mode in fixed:
            cal = fixed[mode]
            rows = signals(tuning, ids, MODES[mode], mode.startswith("lexical"), cal.lexical_weight, cal.floors)
            tuned = score(tuning, outcomes(tuning, rows, cal.weights, cal.veto), cal.answer, cal.suggest)
        else:
            cal, tuned = search(tuning, ids, mode)
        if mode == "lexical":
            cal_out, answer, suggest = None, LEXICAL_ONLY.answer, LEXICAL_ONLY.suggest
            tuned = score(tuning, outcomes(tuning, [None] * len(tuning), None), answer, suggest)
        elif cal is None:
            report[mode] = {"error": "no parameters meet the constraints on the tuning set"}
            continue
        else:
            cal_out, answer, suggest = cal, cal.answer, cal.suggest
        if not held_out_too:
            report[mode] = {"calibration": asdict(cal) if cal else asdict(LEXICAL_ONLY), "tuning": tuned,
                            "misses": misses(tuning, ids, mode, cal_out)}
            continue
        if cal_out is None:
            results = outcomes(held_out, [None] * len(held_out), None)
        else:
            rows = signals(held_out, ids, MODES[mode], mode.startswith("lexical"), cal_out.lexical_weight,
                           cal_out.floors)
            results = outcomes(held_out, rows, cal_out.weights, cal_out.veto)
        held = score(held_out, results, answer, suggest)
        report[mode] = {"calibration": asdict(cal) if cal else asdict(LEXICAL_ONLY), "tuning": tuned,
                        "held_out": held, "search_s": round(time.perf_counter() - started, 1)}
    return report


def misses(prepared: list[Prepared], ids: list[str], mode: str, cal: Calibration | None) -> list[str]:
    """The tuning questions not answered right, one line each: what happened, the confidence, the question."""
    if cal is None:
        results, answer, suggest = outcomes(prepared, [None] * len(prepared), None), LEXICAL_ONLY.answer, \
            LEXICAL_ONLY.suggest
    else:
        rows = signals(prepared, ids, MODES[mode], mode.startswith("lexical"), cal.lexical_weight, cal.floors)
        results, answer, suggest = outcomes(prepared, rows, cal.weights, cal.veto), cal.answer, cal.suggest
    lines = []
    for p, (top, conf, _) in zip(prepared, results, strict=True):
        decision = "answer" if conf >= answer and top else "suggest" if conf >= suggest and top else "none"
        right = decision != "answer" if p.case.expected == NONE else decision == "answer" and top == p.case.expected
        if p.small_talk or right:
            continue
        shown = top if decision == "answer" else f"{decision} (first {top})"
        lines.append(f"{p.case.lang} expected {p.case.expected:<26} got {shown:<40} {conf:.2f}  {p.case.question}")
    return lines


def _rates(figures: dict) -> str:
    cells = []
    for lang in ("en", "fr"):
        s = figures["langs"][lang]
        cells.append(f"{lang} {s['right'] / s['questions']:6.1%} right {s['wrong'] / s['questions']:5.1%} wrong "
                     f"{s['top3'] / s['questions']:6.1%} top3")
    other = [s for lang, s in figures["langs"].items() if lang not in MAIN_LANGS]
    if other:
        total = sum(s["questions"] for s in other)
        cells.append(f"other {sum(s['right'] for s in other) / total:6.1%} right "
                     f"{sum(s['wrong'] for s in other)}/{total} wrong")
    oos = figures["out_of_scope"]
    cells.append(f"oos abstained {(oos['questions'] - oos['answered']) / oos['questions']:6.1%}")
    return " | ".join(cells)


def table(report: dict) -> str:
    lines = []
    for mode, fig in report.items():
        if "error" in fig:
            lines.append(f"{mode:<22} {fig['error']}")
            continue
        lines.append(f"{mode:<22} tuning   {_rates(fig['tuning'])}")
        if "held_out" in fig:
            lines.append(f"{'':<22} held-out {_rates(fig['held_out'])}")
        lines += [f"{'':<22}   miss: {line}" for line in fig.get("misses", [])]
        cal = dict(fig["calibration"], features=FEATURES)
        lines.append(f"{'':<22} {cal}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tuning-only", action="store_true", help="leave the held-out set unread; list misses")
    parser.add_argument("modes", nargs="*", default=list(MODES))
    args = parser.parse_args()
    result = run(args.modes, held_out_too=not args.tuning_only)
    print(json.dumps(result, indent=2) if args.json else table(result))
