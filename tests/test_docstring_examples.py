"""The worked examples in docstrings are run, so they cannot drift from the code they explain."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "core",
    "formulas",
    "allocations",
    "grants",
    "commissioning",
    "exports",
    "demo",
    "auth",
    "audit",
    "backup",
    "reference",
    "web",
    "reports",
)
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for package in PACKAGES
    for path in (ROOT / package).rglob("*.py")
    if ">>>" in path.read_text(encoding="utf-8")
) + sorted(p.stem for p in ROOT.glob("*.py") if ">>>" in p.read_text(encoding="utf-8"))


def test_there_are_worked_examples_to_run():
    assert {"core.money", "core.financial_year", "formulas.data"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_worked_examples_hold(name: str):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
