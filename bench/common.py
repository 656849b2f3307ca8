"""Shared by the benchmarks: result rows, percentiles, where results go."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def row(metric: str, value: float | int | str, unit: str, goal: str, passed: bool | None) -> dict[str, Any]:
    """One line of the summary table; `passed` None = informative, no goal."""
    return {"metric": metric, "value": value, "unit": unit, "goal": goal, "pass": passed}


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
            "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def write(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return path
