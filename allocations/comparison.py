"""Compare scenarios side by side (pure: plain run results in, rows out).

The first run is the baseline; every other run shows its difference from it per recipient, in
pounds and percent. The user chooses the baseline (``baseline_first``); by default it is the
approved run. Runs of different grants or years compare different pots, so ``describe_mixed``
says so.

>>> base = {"allocations": [{"recipient": "bristol", "amount": "100.00"}], "top_slices": []}
>>> other = {"allocations": [{"recipient": "bristol", "amount": "110.00"}], "top_slices": []}
>>> row = compare_results([base, other]).rows[0]
>>> row.recipient, row.cells[1].difference, row.cells[1].difference_percent
('bristol', Decimal('10.00'), Decimal('10.00'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ComparisonCell:
    amount: Decimal | None
    difference: Decimal | None  # against the baseline (the first run); None for the baseline
    difference_percent: Decimal | None


@dataclass(frozen=True)
class ComparisonRow:
    recipient: str
    is_top_slice: bool
    cells: tuple[ComparisonCell, ...]


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]
    totals: tuple[ComparisonCell, ...]


@dataclass(frozen=True)
class RunFacts:
    """What the comparison needs to know about a run beyond its result."""

    id: int
    title: str
    grant: str | None
    financial_year: str | None
    is_approved: bool


def default_baseline(runs: Sequence[RunFacts]) -> int | None:
    """The approved run among ``runs``, else the first.

    >>> runs = [RunFacts(1, "A", "VRU", "2024-25", False), RunFacts(2, "B", "VRU", "2024-25", True)]
    >>> default_baseline(runs)
    2
    """
    for run in runs:
        if run.is_approved:
            return run.id
    return runs[0].id if runs else None


def baseline_first(runs: Sequence[RunFacts], baseline_id: int | None) -> list[RunFacts]:
    """``runs`` with the baseline moved to the front (unchanged when it is not among them)."""
    baseline = [r for r in runs if r.id == baseline_id]
    return baseline + [r for r in runs if r.id != baseline_id]


def describe_mixed(runs: Sequence[RunFacts]) -> str | None:
    """A warning when the runs are not all of one grant and one year, else None.

    >>> print(describe_mixed([RunFacts(1, "A", "VRU", "2024-25", True),
    ...                       RunFacts(2, "B", "SVD", "2025-26", False)]))
    ... # doctest: +NORMALIZE_WHITESPACE
    These runs are for different grants (SVD, VRU) and different years (2024-25, 2025-26):
    their pots differ, so the differences are not like for like.
    """
    parts = []
    grants = sorted({r.grant or "no grant" for r in runs})
    years = sorted({r.financial_year or "no year" for r in runs})
    if len(grants) > 1:
        parts.append(f"different grants ({', '.join(grants)})")
    if len(years) > 1:
        parts.append(f"different years ({', '.join(years)})")
    if not parts:
        return None
    return (
        f"These runs are for {' and '.join(parts)}: their pots differ, so the differences are "
        "not like for like."
    )


def amounts_by_recipient(result: Mapping[str, Any]) -> dict[str, tuple[Decimal, bool]]:
    amounts = {a["recipient"]: (Decimal(a["amount"]), False) for a in result["allocations"]}
    for top_slice in result["top_slices"]:
        amounts[top_slice["recipient"]] = (Decimal(top_slice["amount"]), True)
    return amounts


def compare_results(results: Sequence[Mapping[str, Any]]) -> Comparison:
    """Rows per recipient (top slices first, then spokes by code) across ``results``."""
    if not results:
        return Comparison((), ())
    per_run = [amounts_by_recipient(r) for r in results]
    kinds: dict[str, bool] = {}
    for amounts in per_run:
        for code, (_, is_top_slice) in amounts.items():
            kinds[code] = kinds.get(code, False) or is_top_slice
    order = sorted(kinds, key=lambda code: (not kinds[code], code))
    rows = []
    for code in order:
        values = [amounts.get(code, (None, False))[0] for amounts in per_run]
        rows.append(ComparisonRow(code, kinds[code], _cells(values)))
    totals = [sum((a for a, _ in amounts.values()), Decimal("0.00")) for amounts in per_run]
    return Comparison(tuple(rows), _cells(totals))


def _cells(values: Sequence[Decimal | None]) -> tuple[ComparisonCell, ...]:
    baseline = values[0]
    cells = [ComparisonCell(baseline, None, None)]
    for value in values[1:]:
        if value is None or baseline is None:
            cells.append(ComparisonCell(value, None, None))
            continue
        difference = value - baseline
        percent = (
            None
            if baseline == 0
            else (difference / baseline * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        )
        cells.append(ComparisonCell(value, difference, percent))
    return tuple(cells)


@dataclass(frozen=True)
class ColumnTotals:
    """The spokes' columns of a run added up: base + need + damping + rounding = amount."""

    base: Decimal
    need: Decimal
    damping: Decimal
    rounding: Decimal
    amount: Decimal
    previous: Decimal | None  # None unless every spoke has a previous amount
    change: Decimal | None
    change_percent: Decimal | None


def column_totals(result: Mapping[str, Any]) -> ColumnTotals:
    """The totals under a stored run's spoke columns.

    >>> spoke = {"base": "40.00", "need": "60.00", "damping": "-5.00", "rounding": "0.50",
    ...          "amount": "95.50", "previous": "90.00", "change": "5.50"}
    >>> totals = column_totals({"allocations": [spoke, spoke]})
    >>> totals.base + totals.need + totals.damping + totals.rounding == totals.amount
    True
    >>> totals.amount, totals.change, totals.change_percent
    (Decimal('191.00'), Decimal('11.00'), Decimal('6.11'))
    """
    rows = result["allocations"]

    def total(key: str) -> Decimal:
        return sum((Decimal(row[key]) for row in rows), Decimal("0.00"))

    has_previous = bool(rows) and all(row.get("previous") is not None for row in rows)
    previous = total("previous") if has_previous else None
    change = total("change") if has_previous else None
    percent = None
    if previous and change is not None:
        percent = (change / previous * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ColumnTotals(
        total("base"),
        total("need"),
        total("damping"),
        total("rounding"),
        total("amount"),
        previous,
        change,
        percent,
    )
