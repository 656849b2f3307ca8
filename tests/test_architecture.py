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


def runtime_imports(path: Path) -> set[str]:
    """Modules imported when the file runs (imports under `if TYPE_CHECKING:` are left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for n in ast.walk(node)}
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{path.relative_to(ROOT)}: {name}" for path in (ROOT / folder).rglob("*.py")
                  for name in runtime_imports(path)
                  if any(name == bad or name.startswith(bad + ".") for bad in forbidden))


def test_imports_point_down_where_the_layers_are_already_separated() -> None:
    # the core runs on its own: the store reaches it through bot/core/ports.py protocols
    assert not offenders("bot/core", ("bot.store", "bot.services", "bot.platforms", "bot.app", "handlers"))
    # a door translates payloads and renders replies; what it needs from the store goes through the core's ports
    assert not offenders("bot/platforms", ("bot.store",))
    # the store holds the SQL and the data it reads and writes; the services sit above it
    assert not offenders("bot/store", ("bot.services", "bot.platforms", "bot.app", "handlers"))


def test_the_core_names_nothing_above_it_even_for_types() -> None:
    # no import circle through type hints either: the core declares protocols (bot/core/ports.py), and the
    # handlers name their context with the services through bot.services.container.Ctx
    above = ("bot.store", "bot.services", "bot.platforms", "bot.app", "bot.settings", "bot.scheduler", "handlers")
    names = sorted(f"{path.relative_to(ROOT)}: {name}" for path in (ROOT / "bot/core").rglob("*.py")
                   for name in imported_modules(path) if any(name == n or name.startswith(n + ".") for n in above))
    assert not names, names


def every_import(path: Path) -> set[str]:
    """Every module `path` imports, typing-only imports included (`from bot import store` counts as bot.store)."""
    names = imported_modules(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


# The layers' directions (issue 18 #4). Modules not converted yet are listed with the rule they still break;
# these lists only shrink: a listed module that no longer breaks its rule fails the test until it is removed.
LAYER_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # folder: (forbidden imports, modules still allowed to break the rule)
    "handlers": (("bot.store",), ()),
    "bot/core": (("bot.store", "bot.services", "bot.platforms", "handlers"), ()),
    "bot/platforms": (("bot.store",), ()),
    "bot/store": (("bot.services",), ()),
}


def layer_breaks(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        bad = sorted(n for n in every_import(path) if any(n == f or n.startswith(f + ".") for f in forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_every_layer_imports_only_downwards_apart_from_the_listed_modules() -> None:
    for folder, (forbidden, allowed) in LAYER_RULES.items():
        breaks = layer_breaks(folder, forbidden)
        unlisted = {module: names for module, names in breaks.items() if module not in allowed}
        assert not unlisted, f"{folder} must not import {forbidden}: {unlisted}"


def test_the_allow_lists_stay_true() -> None:
    for folder, (forbidden, allowed) in LAYER_RULES.items():
        breaks = layer_breaks(folder, forbidden)
        clean = [module for module in allowed if module not in breaks]
        assert not clean, f"{clean} no longer import {forbidden}: take them off the allow-list of {folder}"


def test_the_rule_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from typing import TYPE_CHECKING\nfrom bot import store\nif TYPE_CHECKING:\n"
                      "    import bot.services.container\n", encoding="utf-8")
    assert {"bot.store", "bot.services.container"} <= every_import(source)


def transactions_opened(node: ast.AST) -> int:
    """How many `….transaction()` calls a function's body makes."""
    return sum(1 for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr == "transaction")


# Handlers whose feature has no service yet would open their own transactions: none are left.
OWN_TRANSACTIONS: tuple[str, ...] = ()


def test_handlers_leave_the_unit_of_work_to_the_feature_services() -> None:
    opening = {str(p.relative_to(ROOT)) for p in (ROOT / "handlers").glob("*.py")
               if transactions_opened(ast.parse(p.read_text(encoding="utf-8")))}
    assert opening == set(OWN_TRANSACTIONS), (sorted(opening - set(OWN_TRANSACTIONS)),
                                              sorted(set(OWN_TRANSACTIONS) - opening))

# A feature service's public methods, one transaction each: tests/test_service_transactions.py
