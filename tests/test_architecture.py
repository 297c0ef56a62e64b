"""The shape of the house: the pure packages stay pure, and every module says what it is for.

``core/`` and ``formulas/`` may use the standard library and each other, never Flask, its
extensions, SQLAlchemy, WTForms or pandas: they must run (and be tested) without an app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = ("core", "formulas")
FORBIDDEN_IN_PURE = ("flask", "sqlalchemy", "pandas", "wtforms")
PROJECT_PACKAGES = (
    "core",
    "auth",
    "audit",
    "reference",
    "home",
    "web",
    "demo",
    "formulas",
    "allocations",
    "grants",
    "commissioning",
    "exports",
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
        for path in python_files(*PURE_PACKAGES)
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
