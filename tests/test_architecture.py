"""The shape of the house: the pure packages stay pure, and every module says what it is for.

``core/`` and ``formulas/`` may use the standard library and each other, never Flask, its
extensions, SQLAlchemy, WTForms or pandas: they must run (and be tested) without an app.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ("core", "formulas")
# Pure modules inside feature packages: arithmetic and rules on plain values.
PURE_MODULES = (
    "commissioning/vocabulary.py",
    "commissioning/rounds/scoring.py",
    "commissioning/gaps/mapping.py",
    "commissioning/providers/diligence.py",
    "commissioning/gaps/heatmap.py",
)
FORBIDDEN_IN_PURE = ("flask", "sqlalchemy", "pandas", "wtforms")
PROJECT_PACKAGES = (
    "core",
    "auth",
    "audit",
    "backup",
    "reference",
    "home",
    "web",
    "demo",
    "formulas",
    "allocations",
    "grants",
    "partnership",
    "reminders",
    "commissioning",
    "exports",
    "reports",
)
TOP_LEVEL_MODULES = ("app.py", "config.py", "database.py", "extensions.py", "cli.py")


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in FORBIDDEN_IN_PURE or top.startswith("flask_")


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in ``source``, wherever it appears."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def forbidden_imports(source: str) -> list[tuple[int, str]]:
    return [(line, module) for line, module in imported_modules(source) if is_forbidden(module)]


def python_files(*folders: str) -> list[Path]:
    return sorted(
        p for folder in folders if (ROOT / folder).is_dir() for p in (ROOT / folder).rglob("*.py")
    )


# The checker itself, on examples, so a scanner that finds nothing cannot pass unnoticed.
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import flask", ["flask"]),
        ("from flask import g", ["flask"]),
        ("import flask_login", ["flask_login"]),
        ("from flask_sqlalchemy import SQLAlchemy", ["flask_sqlalchemy"]),
        ("import sqlalchemy.orm as orm", ["sqlalchemy.orm"]),
        ("from sqlalchemy import select", ["sqlalchemy"]),
        ("import pandas as pd", ["pandas"]),
        ("from wtforms import Form", ["wtforms"]),
        ("def f():\n    import pandas\n", ["pandas"]),  # imports inside functions count too
        ("import os, flask", ["flask"]),
        ("from decimal import Decimal\nimport dataclasses", []),
        ("from core.money import to_money", []),
        ("from . import spec", []),
        ("import flasky", []),  # only the package itself, not a name that starts alike
    ],
)
def test_forbidden_import_checker(source, expected):
    assert [module for _, module in forbidden_imports(source)] == expected


def test_pure_packages_exist_to_be_checked():
    assert python_files("core"), "core/ has no Python files: the purity check checks nothing"


def test_pure_packages_import_no_framework():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in [*python_files(*PURE_PACKAGES), *(ROOT / m for m in PURE_MODULES)]
        for line, module in forbidden_imports(path.read_text(encoding="utf-8"))
    ]
    assert not offending, (
        "core/ and formulas/ must stay free of Flask, SQLAlchemy, WTForms and pandas:\n"
        + "\n".join(offending)
    )


def project_modules() -> list[Path]:
    modules = python_files(*PROJECT_PACKAGES)
    modules += [ROOT / name for name in TOP_LEVEL_MODULES if (ROOT / name).exists()]
    return modules


def test_every_project_module_opens_with_a_docstring():
    modules = project_modules()
    missing = [
        str(path.relative_to(ROOT))
        for path in modules
        if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()
    ]

    assert len(modules) > 20  # the walk found the project
    assert not missing, "these modules do not open with a docstring:\n" + "\n".join(missing)


# --- one direction: no import cycles, and views never reach into another capability's views ---


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_imports(name: str, source: str, known: set[str]) -> list[tuple[int, str]]:
    """(line, project module) for every import in ``source`` of module ``name`` that names a
    module of the project: ``from grants.plans import queries`` is ``grants.plans.queries``."""
    package = name if name in PACKAGE_NAMES else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            targets.append((node.lineno, base))
        else:
            continue
        for line, target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and (line, target) not in found:
                found.append((line, target))
    # ``from grants.plans import queries`` names both the package and the module: keep the module.
    modules = {target for _, target in found}
    return [
        (line, target)
        for line, target in found
        if not any(other.startswith(target + ".") for other in modules)
    ]


def import_graph(sources: dict[str, str]) -> dict[str, list[tuple[int, str]]]:
    known = set(sources)
    return {name: project_imports(name, source, known) for name, source in sources.items()}


def import_cycles(graph: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """Each cycle once, as the modules around it (the first repeated at the end)."""
    cycles, done, on_path = [], set(), []

    def visit(module: str) -> None:
        on_path.append(module)
        for _, target in graph.get(module, []):
            if target in on_path:
                cycle = [*on_path[on_path.index(target) :], target]
                if sorted(cycle[:-1]) not in [sorted(c[:-1]) for c in cycles]:
                    cycles.append(cycle)
            elif target not in done:
                visit(target)
        on_path.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return cycles


def is_views(module: str) -> bool:
    leaf = module.rpartition(".")[2]
    return leaf == "views" or leaf.endswith("_views")


def capability(module: str) -> str:
    return module.rpartition(".")[0]


def views_reaching_other_views(graph: dict[str, list[tuple[int, str]]]) -> list[str]:
    return [
        f"{module} (line {line}) imports {target}"
        for module, targets in sorted(graph.items())
        if is_views(module)
        for line, target in targets
        if is_views(target) and capability(target) != capability(module)
    ]


def cycle_text(graph: dict[str, list[tuple[int, str]]], cycle: list[str]) -> str:
    steps = []
    for module, target in itertools.pairwise(cycle):
        line = next(line for line, t in graph[module] if t == target)
        steps.append(f"{module} (line {line}) imports {target}")
    return "; ".join(steps)


PACKAGE_NAMES: set[str] = set()


def project_sources() -> dict[str, str]:
    sources = {module_name(p): p.read_text(encoding="utf-8") for p in project_modules()}
    PACKAGE_NAMES.update(module_name(p) for p in project_modules() if p.name == "__init__.py")
    return sources


# The checker itself, on small made-up projects, so a checker that finds nothing cannot pass.
def test_the_cycle_checker_finds_a_cycle_and_names_the_imports():
    graph = import_graph(
        {
            "grants.plans.services": "from grants.plans import queries\n",
            "grants.plans.queries": "import os\n\nfrom grants.returns.queries import x\n",
            "grants.returns.queries": "def f():\n    from grants.plans.services import y\n",
            "grants.figures": "from decimal import Decimal\n",
        }
    )

    cycles = import_cycles(graph)

    assert [cycle_text(graph, c) for c in cycles] == [
        "grants.plans.queries (line 3) imports grants.returns.queries; "
        "grants.returns.queries (line 2) imports grants.plans.services; "
        "grants.plans.services (line 1) imports grants.plans.queries"
    ]


def test_the_cycle_checker_passes_a_project_in_one_direction():
    graph = import_graph(
        {
            "grants.plans.views": "from grants.plans import queries, services\n",
            "grants.plans.services": "from grants.plans import queries\n",
            "grants.plans.queries": "from grants import figures\n",
            "grants.figures": "",
        }
    )

    assert graph["grants.plans.views"] == [
        (1, "grants.plans.queries"),
        (1, "grants.plans.services"),
    ]
    assert import_cycles(graph) == []


def test_the_views_checker_names_a_view_importing_another_capabilitys_views():
    graph = import_graph(
        {
            "grants.awards.views": "from grants.agreements.views import bp\n",
            "grants.agreements.views": "from grants.awards import queries\n",
            "grants.awards.queries": "",
            "app": "from grants.awards.views import bp\n",  # the factory registers every view
        }
    )

    assert views_reaching_other_views(graph) == [
        "grants.awards.views (line 1) imports grants.agreements.views"
    ]


def test_no_module_imports_itself_round_a_cycle():
    graph = import_graph(project_sources())
    assert len(graph) > 50  # the walk found the project

    cycles = import_cycles(graph)

    assert not cycles, "import cycles:\n" + "\n".join(cycle_text(graph, c) for c in cycles)


def test_views_reach_other_capabilities_only_through_their_services_and_queries():
    offending = views_reaching_other_views(import_graph(project_sources()))

    assert not offending, "a view imports another capability's views:\n" + "\n".join(offending)


def test_no_project_module_is_much_over_500_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in project_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 550
    ]

    assert not long, "split these modules (about 500 lines at most):\n" + "\n".join(long)
