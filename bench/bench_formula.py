"""Benchmark: the funding formula with damping against a bare largest-remainder split.

For 5, 330 and 10,000 recipients (seeded random indicators and previous amounts, floor -5%,
ceiling +10%), time ``formulas.calculate.calculate_allocations`` and
``core.money.split_largest_remainder`` of the same pot in the same run, and print both with
their ratio. The formula does far more (three indicators, a base share, validation, damping,
the explanation), so the ratio says what that costs over the bare split that any allocation
needs anyway.

Run from the repository root: ``python bench/bench_formula.py``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.financial_year import FinancialYear
from core.money import PENNY, split_largest_remainder
from formulas.calculate import calculate_allocations
from formulas.spec import (
    Damping,
    FormulaSpec,
    IndicatorDataset,
    IndicatorValue,
    IndicatorWeight,
    PreviousAllocations,
    PreviousAmount,
)

SIZES = (5, 330, 10_000)
SEED = 20240401
WEIGHTS = {
    "population": "0.5",
    "serious_violence_offences": "0.3",
    "universal_credit_claims": "0.2",
}


def build_case(
    n: int, rng: random.Random
) -> tuple[FormulaSpec, IndicatorDataset, PreviousAllocations]:
    """n spokes with random indicators; previous amounts 90-105% of an equal share, so the pot
    has grown a little and both floors and ceilings bite."""
    pot = Decimal(n * 250_000) + Decimal(rng.randrange(100)) / 100
    spec = FormulaSpec(
        name=f"Benchmark, {n} recipients",
        version="1",
        financial_year=FinancialYear(2024),
        pot=pot,
        rounding_unit=PENNY,
        indicators=tuple(IndicatorWeight(k, Decimal(v)) for k, v in WEIGHTS.items()),
        base_share=Decimal("0.25"),
        damping=Damping(Decimal("-0.05"), Decimal("0.10")),
    )
    codes = [f"spoke-{i:05d}" for i in range(n)]
    values = [
        IndicatorValue(code, indicator, Decimal(rng.randrange(1_000, 1_000_000)), "bench")
        for code in codes
        for indicator in WEIGHTS
    ]
    equal_share = pot / n
    previous = [
        PreviousAmount(
            code, (equal_share * Decimal(rng.randrange(900, 1050)) / 1000).quantize(PENNY)
        )
        for code in codes
    ]
    return spec, IndicatorDataset(tuple(values)), PreviousAllocations(tuple(previous))


def time_best(run: Callable[[], object], repeats: int) -> float:
    """The best of ``repeats`` wall-clock times in seconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = random.Random(SEED)
    print(f"{'recipients':>10}  {'formula (ms)':>12}  {'bare split (ms)':>15}  {'ratio':>7}  held")
    for n in SIZES:
        spec, data, previous = build_case(n, rng)
        result = calculate_allocations(spec, data, previous)
        assert result.total == spec.pot
        held = sum(1 for a in result.allocations if a.held_at)
        codes = sorted({v.recipient for v in data.values})
        population = {v.recipient: v.value for v in data.values if v.indicator == "population"}
        weights = [population[code] for code in codes]
        repeats = 5 if n < 10_000 else 3
        formula_seconds = time_best(partial(calculate_allocations, spec, data, previous), repeats)
        split_seconds = time_best(
            partial(split_largest_remainder, spec.pot, weights, tie_keys=codes), repeats
        )
        print(
            f"{n:>10,}  {formula_seconds * 1000:>12.2f}  {split_seconds * 1000:>15.2f}  "
            f"{formula_seconds / split_seconds:>7.1f}  {held:,}"
        )


if __name__ == "__main__":
    main()
