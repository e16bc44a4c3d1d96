"""The code's shape, read from the source with ``ast`` (no module is imported, so this runs in well under a second).

- No import cycle between the project's modules (imports inside functions count too).
- Layers point one way: the front ends (``cli/``, ``ui/`` + ``streamlit_app.py``) -> the planning core
  (``planner/``) -> the data layer (``foods/``). foods never imports the planner, a front end, PuLP or
  Streamlit; planner never imports a front end, Streamlit or requests, not even through a foods module;
  the two front ends never import each other.
- Short units: a function over 60 lines, or a module over 500, says why in its docstring or first comment
  ("Long because: ..."). ``LONG_FUNCTIONS_TO_SPLIT`` and ``LONG_MODULES_TO_SPLIT`` list the ones still to
  split, with their size today: a new long unit, or a listed one that grows, fails; a listed one that was
  split must leave the list.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("foods", "planner", "cli", "ui")
SCRIPTS = ("streamlit_app.py",)
LAYER = {"foods": "foods", "planner": "planner", "cli": "cli", "ui": "ui", "streamlit_app": "ui"}
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500
REASON = "Long because:"

# Third-party packages a layer must not import (directly, or for planner through the foods modules it uses).
FORBIDDEN_LIBRARIES = {"foods": {"pulp", "streamlit"}, "planner": {"streamlit", "requests"}}
# Project layers a layer must not import.
FORBIDDEN_LAYERS = {"foods": {"planner", "cli", "ui"}, "planner": {"cli", "ui"}, "cli": {"ui"}, "ui": {"cli"}}

# Functions over MAX_FUNCTION_LINES still to split: "path::qualified name" -> lines today (may only shrink).
LONG_FUNCTIONS_TO_SPLIT: dict[str, int] = {}
# Modules over MAX_MODULE_LINES still to split: path -> lines today (may only shrink).
LONG_MODULES_TO_SPLIT: dict[str, int] = {
    "foods/dishes.py": 513,
    "foods/fdc.py": 946,
    "foods/recipe_import.py": 701,
    "planner/columns.py": 647,
    "planner/milp.py": 646,
    "ui/plan_view.py": 576,
}


@dataclass(frozen=True)
class Module:
    name: str  # dotted: planner.model, streamlit_app
    path: Path
    source: str
    tree: ast.Module

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def layer(self) -> str:
        return LAYER[self.name.split(".")[0]]


@lru_cache(maxsize=1)
def modules() -> dict[str, Module]:
    paths = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))] + [ROOT / s for s in SCRIPTS]
    out = {}
    for path in paths:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        source = path.read_text(encoding="utf-8")
        out[name] = Module(name, path, source, ast.parse(source, filename=str(path)))
    return out


def _imported_names(module: Module, mods: dict[str, Module]) -> set[str]:
    """Every dotted name the module imports, anywhere in it: ``from planner import edits`` is the module
    planner.edits, ``from planner.model import Rules`` is planner.model, ``import pandas as pd`` is pandas."""
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import: from .x import y
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                names.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in mods else base)
    return names


@lru_cache(maxsize=1)
def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(project module -> the project modules it imports, project module -> the top-level libraries it imports)."""
    mods = modules()
    project, libraries = {}, {}
    for name, module in mods.items():
        inside, outside = set(), set()
        for imported in _imported_names(module, mods):
            if imported in mods:
                inside.add(imported)
            elif imported.split(".")[0] not in LAYER:
                outside.add(imported.split(".")[0])
        inside.discard(name)
        project[name], libraries[name] = inside, outside
    return project, libraries


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a -> b -> ... -> a) for each group of modules that import each other (Tarjan's SCC)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_cycle_in(graph, group) for group in groups]


def _cycle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest way from the group's first module back to itself, through the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start} in {sorted(group)}")  # pragma: no cover


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for w in graph[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen


def test_the_checker_sees_every_layer():
    mods = modules()
    assert {m.layer for m in mods.values()} == set(FORBIDDEN_LAYERS)
    project, libraries = import_graph()
    assert "planner.model" in project["planner.dishplan"]
    assert "pulp" in libraries["planner.solve"] and "streamlit" in libraries["ui.common"]


def test_a_cycle_is_found_and_named():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    cycles = _cycles(import_graph()[0])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_layers_point_down():
    project, libraries = import_graph()
    wrong = []
    for name, module in sorted(modules().items()):
        for imported in sorted(project[name]):
            if modules()[imported].layer in FORBIDDEN_LAYERS[module.layer]:
                wrong.append(f"{module.rel} imports {imported} ({module.layer} must not import "
                             f"{modules()[imported].layer})")
        forbidden = FORBIDDEN_LIBRARIES.get(module.layer, set())
        for via in sorted(_reachable(project, name)):
            for library in sorted(libraries[via] & forbidden):
                through = "" if via == name else f" through {via}"
                wrong.append(f"{module.rel} imports {library}{through} ({module.layer} must not)")
    assert not wrong, "\n".join(wrong)


def _says_why(source_lines: list[str], first: int, last: int, docstring: str | None) -> bool:
    """The docstring, or a comment in the unit's first lines (before its first statement), gives the reason."""
    if docstring and REASON in docstring:
        return True
    return any(REASON in line for line in source_lines[first - 1:last] if line.strip().startswith("#"))


def long_functions() -> dict[str, int]:
    """Every function over MAX_FUNCTION_LINES without a stated reason: "path::qualified name" -> lines."""
    out: dict[str, int] = {}
    for module in modules().values():
        lines = module.source.splitlines()

        def visit(node: ast.AST, prefix: str) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    qualname = prefix + child.name
                    if not isinstance(child, ast.ClassDef):
                        size = child.end_lineno - child.lineno + 1
                        body_start = child.body[0].lineno if child.body else child.lineno
                        if size > MAX_FUNCTION_LINES and not _says_why(lines, child.lineno, body_start + 1,
                                                                       ast.get_docstring(child)):
                            out[f"{module.rel}::{qualname}"] = size
                    visit(child, qualname + ".")
                else:
                    visit(child, prefix)

        visit(module.tree, "")
    return out


def long_modules() -> dict[str, int]:
    """Every module over MAX_MODULE_LINES whose docstring's first paragraph gives no reason: path -> lines."""
    out = {}
    for module in modules().values():
        size = len(module.source.splitlines())
        first_paragraph = (ast.get_docstring(module.tree) or "").split("\n\n")[0]
        if size > MAX_MODULE_LINES and REASON not in first_paragraph:
            out[module.rel] = size
    return out


def _check_sizes(found: dict[str, int], allowed: dict[str, int], unit: str, limit: int) -> None:
    problems = []
    for key, size in sorted(found.items()):
        if key not in allowed:
            problems.append(f"{key}: {size} lines, over {limit}: split it (or say why: '{REASON} ...')")
        elif size > allowed[key]:
            problems.append(f"{key}: grew to {size} lines ({allowed[key]} listed); split it instead")
    for key in sorted(set(allowed) - set(found)):
        problems.append(f"{key} is split now (or gone): remove it from the list of {unit}s to split")
    assert not problems, "\n".join(problems)


def test_functions_are_short():
    _check_sizes(long_functions(), LONG_FUNCTIONS_TO_SPLIT, "function", MAX_FUNCTION_LINES)


def test_modules_are_short():
    _check_sizes(long_modules(), LONG_MODULES_TO_SPLIT, "module", MAX_MODULE_LINES)


@pytest.mark.parametrize("source, expected", [
    ("def f():\n" + "    x = 1\n" * 60, {"m.py::f": 61}),
    ("def f():\n    '''Long because: one table.'''\n" + "    x = 1\n" * 60, {}),
    ("def f():\n    # Long because: one table.\n" + "    x = 1\n" * 60, {}),
    ("class C:\n    def g(self):\n" + "        x = 1\n" * 60, {"m.py::C.g": 61}),
    ("def f():\n" + "    x = 1\n" * 59, {}),
])
def test_the_length_rule_reads_reasons(tmp_path, monkeypatch, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    fake = {"m": Module("m", path, source, ast.parse(source))}
    monkeypatch.setattr(Module, "rel", property(lambda self: self.path.name))
    monkeypatch.setattr(sys.modules[__name__], "modules", lambda: fake)
    assert long_functions() == expected
