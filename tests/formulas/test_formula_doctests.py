"""The worked examples in the formula modules' docstrings are tests too."""

import doctest
import importlib

import pytest

MODULES = [
    "formulas.spec",
    "formulas.data",
    "formulas.damping",
    "formulas.calculate",
    "formulas.files",
    "formulas.report",
    "tests.formulas.formula_builders",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
