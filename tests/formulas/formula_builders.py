"""Builders for formula tests: keyword defaults, so each test sets only what matters.

>>> build_spec(base_share="0.4").base_share
Decimal('0.4')
"""

from __future__ import annotations

from decimal import Decimal

from core.financial_year import FinancialYear
from formulas.spec import (
    Damping,
    FormulaSpec,
    IndicatorDataset,
    IndicatorValue,
    IndicatorWeight,
    PreviousAllocations,
    PreviousAmount,
    TopSlice,
)

FORMULA_TOML = """\
name = "Test formula"
version = "1"
grant = "VRU"
financial_year = "2024-25"
pot = "1000.00"
rounding_unit = "0.01"

[[top_slice]]
recipient = "hub"
percent = "10"

[base]
share = "0.4"

[indicators]
population = "0.5"
offences = "0.5"

[damping]
floor = "-0.10"
ceiling = "0.10"
"""

INDICATORS_CSV = """\
recipient,indicator,value,source,as_of
alpha,population,100,ONS,2024-03-31
alpha,offences,20,Police,2024-03-31
beta,population,300,ONS,2024-03-31
beta,offences,20,Police,2024-03-31
gamma,population,100,ONS,2024-03-31
gamma,offences,60,Police,2024-03-31
"""

PREVIOUS_CSV = """\
recipient,amount
alpha,210.00
beta,300.00
gamma,320.00
"""


def build_spec(
    *,
    pot: str = "1000.00",
    rounding_unit: str = "0.01",
    base_share: str = "0",
    weights: dict[str, str] | None = None,
    top_slices: tuple[TopSlice, ...] = (),
    floor: str | None = None,
    ceiling: str | None = None,
    file: str = "formula.toml",
) -> FormulaSpec:
    damping = None
    if floor is not None or ceiling is not None:
        damping = Damping(
            Decimal(floor) if floor is not None else None,
            Decimal(ceiling) if ceiling is not None else None,
        )
    weights = weights if weights is not None else {"population": "1"}
    return FormulaSpec(
        name="Test formula",
        version="1",
        financial_year=FinancialYear(2024),
        pot=Decimal(pot),
        rounding_unit=Decimal(rounding_unit),
        indicators=tuple(IndicatorWeight(k, Decimal(v)) for k, v in weights.items()),
        base_share=Decimal(base_share),
        top_slices=top_slices,
        damping=damping,
        file=file,
    )


def build_data(values: dict[str, dict[str, str]], *, file: str = "needs.csv") -> IndicatorDataset:
    """``{"alpha": {"population": "1"}}``: rows numbered from 2 in the order given."""
    rows = []
    for recipient, by_indicator in values.items():
        for indicator, value in by_indicator.items():
            rows.append((recipient, indicator, Decimal(value)))
    return IndicatorDataset(
        tuple(
            IndicatorValue(r, i, v, "test", None, row=n)
            for n, (r, i, v) in enumerate(rows, start=2)
        ),
        file=file,
    )


def build_population(**values: str) -> IndicatorDataset:
    """One indicator, ``population``: ``build_population(alpha="1", beta="2")``."""
    return build_data({r: {"population": v} for r, v in values.items()})


def build_previous(*, file: str = "previous.csv", **amounts: str) -> PreviousAllocations:
    return PreviousAllocations(
        tuple(
            PreviousAmount(r, Decimal(a), row=n)
            for n, (r, a) in enumerate(amounts.items(), start=2)
        ),
        file=file,
    )
