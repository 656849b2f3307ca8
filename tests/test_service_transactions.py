"""Each public method of a feature service is one transaction (issue 18 #4), counting the transactions of the
functions it calls in bot/services too (a method that hands its work to `run_round` opens what `run_round`
opens). Calls are resolved through the module's own definitions, its imports and `self.`, read with `ast`."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Module:
    """One module's functions, classes and the names its imports bind."""

    name: str
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local name -> (module, name there)


def source_of(module: str) -> Path | None:
    """The file of a bot.services module (None for any other module)."""
    if not module.startswith("bot.services"):
        return None
    base = ROOT / module.replace(".", "/")
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


@cache
def load(module: str) -> Module | None:
    """The parsed module, or None outside bot/services."""
    path = source_of(module)
    if path is None:
        return None
    found = Module(module)
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, FunctionNode):
            found.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.classes[node.name] = node
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found.imports[alias.asname or alias.name] = (node.module, alias.name)
    return found


def opened_here(function: FunctionNode) -> int:
    """The `….transaction()` calls written in the function itself."""
    return sum(1 for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr == "transaction")


def callee(module: Module, cls: ast.ClassDef | None, call: ast.Call) -> tuple[Module, ast.ClassDef | None,
                                                                               FunctionNode] | None:
    """The bot/services function a call runs: `f()`, `module.f()` or `self.f()`; None for anything else."""
    func = call.func
    if isinstance(func, ast.Name):
        if func.id in module.functions:
            return module, None, module.functions[func.id]
        origin, name = module.imports.get(func.id, ("", ""))
        target = load(origin)
        return (target, None, target.functions[name]) if target and name in target.functions else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id == "self" and cls is not None:
            method = next((f for f in cls.body if isinstance(f, FunctionNode) and f.name == func.attr), None)
            return (module, cls, method) if method is not None else None
        origin, name = module.imports.get(func.value.id, ("", ""))
        target = load(f"{origin}.{name}") if origin else None
        return (target, None, target.functions[func.attr]) if target and func.attr in target.functions else None
    return None


def transactions(module: Module, cls: ast.ClassDef | None, function: FunctionNode,
                 seen: frozenset[int] = frozenset()) -> int:
    """The transactions a call of `function` opens, those of the bot/services functions it calls included."""
    total = opened_here(function)
    for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
        found = callee(module, cls, call)
        if found is not None and id(found[2]) not in seen | {id(function)}:
            total += transactions(*found, seen=seen | {id(function)})
    return total


def feature_services() -> list[tuple[Module, ast.ClassDef]]:
    modules = [load("bot.services." + p.parent.name + ".service") for p in (ROOT / "bot/services").glob("*/service.py")]
    return [(m, c) for m in modules if m for c in m.classes.values()
            if any(getattr(b, "id", "") == "Feature" for b in c.bases)]


def test_each_public_method_of_a_feature_service_is_one_transaction_with_what_it_calls() -> None:
    services = feature_services()
    assert len(services) >= 7
    counts = {f"{cls.name}.{fn.name}": transactions(module, cls, fn) for module, cls in services for fn in cls.body
              if isinstance(fn, ast.AsyncFunctionDef) and not fn.name.startswith("_")}
    assert len(counts) > 40
    assert {name: n for name, n in counts.items() if n > 1} == {}


def test_the_count_follows_calls_into_other_modules_and_self() -> None:
    peers = load("bot.services.peers.service")
    assert peers is not None
    service = peers.classes["PeersService"]
    start = next(f for f in service.body if isinstance(f, ast.AsyncFunctionDef) and f.name == "start_round")
    assert opened_here(start) == 0 and transactions(peers, service, start) == 1  # run_round's, in bot.services.peers
