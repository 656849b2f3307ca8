"""`python -m bench [--quick] [--only NAME ...]`: run every benchmark, print one table, write JSON.

Each benchmark writes bench/results/<name>.json; the table's rows go to bench/results/all.json.
Benchmarks from other features (bench/faq_bench.py, bench/matching_bench.py) are run when present and
their figures summarised; adding one is a line in EXTERNAL.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import RESULTS, machine, row, write

Runner = Callable[[bool], dict[str, Any]]


def _faq_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    from bench.faq_bench import held_out_rates, table

    print(table(result), file=sys.stderr)  # lexical, semantic and combined side by side
    build, combined = result["index_build"], result["latency_combined_1000_entries"]
    lexical = result["latency_1000_entries"]
    met, rates = result["meets_targets"], held_out_rates(result["quality"]["combined"]["held_out"])
    right = min(rates["en_right"], rates["fr_right"])
    return [row("FAQ: index 1,000 entries (CPU, max of runs)", build["cpu_max_s"], "s", "< 1", build["cpu_max_s"] < 1),
            row("FAQ: answer p99, 1,000 entries, lexical alone (CPU)", lexical["cpu"]["p99_ms"], "ms", "", None),
            row("FAQ: answer p99, 1,000 entries, combined (CPU)", combined["cpu"]["p99_ms"], "ms", "<= 10",
                met["p99_cpu"]),
            *_faq_runs_rows(result),
            row("FAQ: held-out answered right, lower of EN/FR", round(100 * right, 1), "%", ">= 92",
                met["right_per_language"]),
            row("FAQ: held-out wrong answers, higher of EN/FR",
                round(100 * max(rates["en_wrong"], rates["fr_wrong"]), 1), "%", "<= 2", met["wrong"]),
            row("FAQ: held-out out-of-scope abstention", round(100 * rates["abstention"], 1), "%", ">= 95",
                met["abstention"]),
            row("FAQ: start to first answer (cached embeddings)", result["first_answer_s"], "s", "<= 2",
                met["first_answer"]),
            row("FAQ: memory added by the model (real content)", result["model_memory_mb"], "MB", "<= 80",
                met["model_memory"]),
            row("FAQ: memory added by the model and 1,000 topics' vectors", result["model_memory_1000_mb"], "MB",
                "", None)]


def _faq_runs_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    runs = result.get("latency_combined_runs")
    if runs is None:
        return []
    median = runs["median_p99_ms"]["cpu"]
    return [row(f"FAQ: answer p99, combined (CPU), median of {runs['runs']} more runs", median, "ms", "<= 10",
                result["meets_targets"]["p99_cpu_median_of_runs"])]


def _matching_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    seconds, ratio = result["max_seconds_10k"], result["min_ratio"]
    return [row("Matching: plan 10,000 members", seconds, "s", "", None),
            row("Matching: quality vs exact optimum (min)", ratio, "x", "", None)]


def _feedback_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [row(f"Feedback: file one item (of {result['items']:,}, with its outbox rows)",
                result["file_ms_per_item"], "ms", "", None),
            row("Feedback: webhook deliveries with a valid signature", result["webhook_deliveries"], "", "all",
                bool(result["webhook_signatures_valid"]))]


# name -> (module, its rows); run only if the module exists (other features add their own).
EXTERNAL: dict[str, tuple[str, Callable[[dict[str, Any]], list[dict[str, Any]]]]] = {
    "faq": ("bench.faq_bench", _faq_rows),
    "matching": ("bench.matching_bench", _matching_rows),
    "feedback": ("bench.feedback_bench", _feedback_rows),
}


def _ours() -> dict[str, Runner]:
    from bench import desk_bench, fanout, memory, outbox_bench, postgres_bench, slack_http

    return {"slack_http": slack_http.run, "fanout_slack": fanout.run_slack, "fanout_discord": fanout.run_discord,
            "outbox": outbox_bench.run, "memory": memory.run, "desk": desk_bench.run, "postgres": postgres_bench.run}


def _external(module_name: str, to_rows: Callable[[dict[str, Any]], list[dict[str, Any]]]) -> Runner | None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None

    def run(quick: bool) -> dict[str, Any]:
        affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # they print their own tables
                result: dict[str, Any] = module.run()
        finally:
            if affinity is not None:
                os.sched_setaffinity(0, affinity)  # the FAQ bench pins itself to one core
        return {**result, "rows": to_rows(result)}

    return run


def benchmarks() -> dict[str, Runner]:
    found = dict(_ours())
    for name, (module_name, to_rows) in EXTERNAL.items():
        runner = _external(module_name, to_rows)
        if runner is not None:
            found[name] = runner
    return found


def table(rows: list[dict[str, Any]]) -> str:
    header = ("metric", "value", "goal", "result")
    lines = [(r["metric"], f"{r['value']} {r['unit']}".strip(), r["goal"] or "-",
              "-" if r["pass"] is None else ("pass" if r["pass"] else "FAIL")) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=False)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in lines]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (500-member fan-outs, fewer rates)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    args = parser.parse_args(argv)
    available = benchmarks()
    chosen = args.only or list(available)
    unknown = [n for n in chosen if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}")
    rows: list[dict[str, Any]] = []
    for name in chosen:
        print(f"running {name}...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        result = available[name](args.quick)
        result["bench_seconds"] = round(time.perf_counter() - start, 1)
        write(name, result)
        rows += [{**r, "benchmark": name} for r in result["rows"]]
    summary = {"quick": args.quick, **machine(), "benchmarks": chosen, "rows": rows}
    (RESULTS / "all.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(table(rows))
    print(f"\n{machine()['cpus']} CPUs, load average {machine()['load_average']}, "
          f"{'quick' if args.quick else 'full'} run; JSON in {RESULTS}")
    return 0 if all(r["pass"] is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
