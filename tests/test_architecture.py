"""The neutral core, services and handlers never import a platform SDK."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord", "aiohttp.web")
NEUTRAL = ("bot/core", "bot/services", "bot/store", "handlers")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_neutral_code_imports_no_platform_sdk() -> None:
    files = [p for folder in NEUTRAL for p in (ROOT / folder).rglob("*.py")]
    assert len(files) > 10
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    )
    assert not offenders, offenders


def test_modules_stay_small() -> None:
    big = [f"{p.relative_to(ROOT)} ({n})" for p in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/*.py")]
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450]
    assert not big, f"modules over ~400 lines: {big}"
