"""The allocation: top slices, base and need shares, damping, rounding, and the explanation.

What lives here: ``calculate_allocations`` and the dataclasses it returns, and ``check_inputs``,
which checks the data against the formula and lists every problem. What must not: files, Flask,
SQLAlchemy, pandas, floats. All arithmetic is exact Decimal at 50 significant digits (set locally)
until the final rounding, which is the only place amounts are rounded.

The calculation, with D the pot less the top slices and N the number of spokes::

    amount_i = D * base / N  +  D * (1 - base) * sum_k  weight_k * value_ik / sum_j value_jk

then damping (``formulas.damping``), then each amount is rounded down to the unit and the units
left over go one each to the largest remainders (ties: recipient code alphabetically), so the
allocations plus the top slices add up to the pot exactly.

Worked example: pot 1000.00, a 10% top slice for the hub, base 0.4, one indicator (population)
with values A 1, B 1, C 2. The hub takes 100.00, so D = 900. Base: 900 * 0.4 / 3 = 120 each.
Need: 900 * 0.6 = 540 shared 1:1:2, so A 135, B 135, C 270. Amounts: A 255, B 255, C 390.

Rounding rules (what happens to the part of a pound or penny that cannot be split):

- Top slices are rounded down to the unit.
- With rounding unit 1 and a pot with pence, every allocation is whole pounds except one, which
  takes the pence: the first top slice when there is one, so every spoke's grant is whole pounds;
  otherwise the spoke next in the largest-remainder order (the one with the largest remainder
  that did not get a whole pound), which keeps it within one unit of its exact share.
- Damping bounds are rounded to the unit before damping: a floor up (``ceil(prev * (1 +
  floor))``), a ceiling down. Damping then works on exact amounts between those whole-unit
  bounds, so the final rounding cannot push a spoke below its floor or above its ceiling. When a
  spoke's rounded floor is above its rounded ceiling (they lie within one unit of each other),
  the floor wins. The cost: floors are checked against D after rounding up, so floors that fit
  exactly may be refused when they overrun by less than one unit per spoke.

The explanation's money columns are pence and add up across a row: ``base + need =
before_damping``, ``before_damping + damping + rounding = amount``, and each spoke's indicator
contributions add up to its ``need`` (split by largest remainder). The exact figures are kept
alongside (``exact_*``). Shares are exact; ``change_percent`` is rounded half up to 0.01.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal, localcontext

from core.money import PENNY, allocate_remainders, round_to_unit
from core.problems import DomainError, Problem, Problems
from formulas.damping import FLOOR, Bounds, BoundsError, fit_to_bounds
from formulas.spec import (
    PRECISION,
    FormulaSpec,
    IndicatorDataset,
    PreviousAllocations,
    Where,
    check_formula,
)


@dataclass(frozen=True)
class IndicatorExplanation:
    """One indicator's part in one spoke's need share."""

    indicator: str
    value: Decimal
    share: Decimal  # value / sum over spokes, exact to 50 significant digits
    weight: Decimal
    contribution: Decimal  # pence; a spoke's contributions add up to its need part
    exact_contribution: Decimal


@dataclass(frozen=True)
class RecipientExplanation:
    """How one spoke's allocation was reached, step by step (money in pence unless exact_)."""

    recipient: str
    indicators: tuple[IndicatorExplanation, ...]
    base: Decimal
    need: Decimal
    before_damping: Decimal
    damping: Decimal
    rounding: Decimal
    amount: Decimal  # the allocation: a whole number of rounding units (but see module notes)
    previous: Decimal | None
    change: Decimal | None
    change_percent: Decimal | None  # None without a previous amount or when it was 0
    floor: Decimal | None  # the bound used, rounded up to the unit
    ceiling: Decimal | None  # the bound used, rounded down to the unit
    held_at: str | None  # "floor" or "ceiling" when damping holds the spoke there
    exact_base: Decimal
    exact_need: Decimal
    exact_before_damping: Decimal
    exact_after_damping: Decimal


@dataclass(frozen=True)
class TopSliceAmount:
    recipient: str
    amount: Decimal
    percent: Decimal | None = None


@dataclass(frozen=True)
class AllocationResult:
    """Everything a run produced; ``allocations`` are sorted by recipient code."""

    spec: FormulaSpec  # as run: with the overriding pot, when one was given
    pot: Decimal
    top_slices: tuple[TopSliceAmount, ...]
    distributable: Decimal  # D: the pot less the top slices (and less any pence they took)
    allocations: tuple[RecipientExplanation, ...]
    damped: bool
    # indicators in the data that the formula gives no weight (a needs assessment holds many)
    unused_indicators: tuple[str, ...] = ()

    @property
    def rounding_unit(self) -> Decimal:
        return self.spec.rounding_unit

    @property
    def total(self) -> Decimal:
        """Top slices plus allocations: always exactly the pot."""
        parts = [s.amount for s in self.top_slices] + [a.amount for a in self.allocations]
        return sum(parts, Decimal(0))


def calculate_allocations(
    spec: FormulaSpec,
    indicators: IndicatorDataset,
    previous: PreviousAllocations | None = None,
    pot: Decimal | None = None,
) -> AllocationResult:
    """Run the formula on the data; ``pot`` overrides the formula's pot (e.g. when confirmed).

    Raises ``DomainError`` listing every problem with the formula or the data.
    """
    if pot is not None:
        spec = replace(spec, pot=pot)
    problems = check_inputs(spec, indicators, previous)
    if problems:
        raise DomainError("The formula cannot be run on this data", problems)
    with localcontext() as context:
        context.prec = PRECISION
        return _calculate(spec, indicators, previous)


def check_inputs(
    spec: FormulaSpec, indicators: IndicatorDataset, previous: PreviousAllocations | None
) -> Problems:
    """Every problem with the formula, the data, or the one against the other."""
    problems = check_formula(spec)
    pot = spec.pot
    problems.extend(_check_indicator_data(spec, indicators))
    spokes = {v.recipient for v in indicators.values}
    for top_slice in spec.top_slices:
        if top_slice.recipient in spokes:
            problems.add(
                f"{top_slice.recipient} has a top slice and is also a spoke in "
                f"{indicators.file or 'the indicator data'}",
                **spec.where("top_slice"),
            )
    fixed = sum((s.amount for s in spec.top_slices if s.amount is not None), Decimal(0))
    percents = sum((s.percent for s in spec.top_slices if s.percent is not None), Decimal(0))
    if pot >= 0 and fixed + pot * percents / 100 > pot:
        problems.add(f"the top slices take more than the pot of {pot}", **spec.where("top_slice"))
    if spec.damping is not None and previous is None:
        problems.add(
            "the formula has [damping] but no previous allocations were given to damp against",
            **spec.where("damping"),
        )
    if previous is not None:
        problems.extend(_check_previous(spec, previous, spokes))
    return problems


def _check_indicator_data(spec: FormulaSpec, data: IndicatorDataset) -> Problems:
    problems = Problems()
    file = data.file
    if not data.values:
        problems.add("there is no indicator data, so there are no spokes to share among", file=file)
        return problems
    weights = {w.indicator: w.weight for w in spec.indicators}
    spokes = sorted({v.recipient for v in data.values})
    seen: dict[tuple[str, str], int | None] = {}
    totals: dict[str, Decimal] = {}
    first_row: dict[str, int | None] = {}
    rows_of: dict[str, list[tuple[str, int | None]]] = {}
    for item in data.values:
        key = (item.recipient, item.indicator)
        rows_of.setdefault(item.recipient, []).append((item.indicator, item.row))
        if key in seen:
            problems.add(
                f"a second value for {item.recipient} and {item.indicator}"
                + (f" (the first is on row {seen[key]})" if seen[key] is not None else ""),
                file=file,
                row=item.row,
                column="indicator",
            )
        seen.setdefault(key, item.row)
        if item.indicator not in weights:
            continue  # not used: listed with the result, never checked or counted
        usable = item.value.is_finite() and item.value >= 0
        if not usable:
            problems.add(
                f"the value {item.value} must be a number from 0 up",
                file=file,
                row=item.row,
                column="value",
            )
        total = totals.get(item.indicator, Decimal(0))
        totals[item.indicator] = total + item.value if usable else total
        first_row.setdefault(item.indicator, item.row)
    for indicator in weights:
        if indicator not in totals:
            problems.add(
                f"indicator {indicator} is in the formula "
                f"{_describe_location(spec, f'indicators.{indicator}')} but has no rows",
                file=file,
                column="indicator",
            )
            continue
        missing = [s for s in spokes if (s, indicator) not in seen]
        for spoke in missing:
            problems.add(
                f"{spoke} has no value for indicator {indicator}{_values_it_has(rows_of[spoke])}",
                file=file,
                row=rows_of[spoke][0][1],
                column="recipient",
            )
        if totals[indicator] == 0:
            problems.add(
                f"indicator {indicator} is 0 for every spoke, so no one's share of it can be "
                "worked out",
                file=file,
                row=first_row[indicator],
                column="value",
            )
    return problems


def _values_it_has(rows: list[tuple[str, int | None]]) -> str:
    """`` (it has population on row 6, offences on row 12)``: where a recipient's values are."""
    parts = [
        f"{indicator} on row {row}" if row is not None else indicator for indicator, row in rows
    ]
    return f" (it has {', '.join(parts)})"


def _describe_location(spec: FormulaSpec, key: str) -> str:
    """``(formula.toml, row 17)``: where in the formula a key is, for messages about the data."""
    where = spec.where(key)
    parts = [where["file"]] if where["file"] else []
    parts += [f"row {where['row']}"] if where["row"] is not None else []
    return f"({', '.join(parts)})" if parts else ""


def _check_previous(spec: FormulaSpec, previous: PreviousAllocations, spokes: set[str]) -> Problems:
    problems = Problems()
    top_sliced = {s.recipient for s in spec.top_slices}
    seen: dict[str, int | None] = {}
    for item in previous.amounts:
        where = Where(file=previous.file, row=item.row, column="recipient")
        if item.recipient in seen:
            problems.add(f"a second amount for {item.recipient}", **where)
        seen.setdefault(item.recipient, item.row)
        if item.recipient not in spokes and item.recipient not in top_sliced:
            problems.add(
                f"{item.recipient} is neither a spoke in the indicator data nor a top-slice "
                "recipient (a misspelt code would leave a spoke undamped)",
                **where,
            )
        if item.amount < 0:
            problems.add(
                f"the amount {item.amount} is negative",
                file=previous.file,
                row=item.row,
                column="amount",
            )
    return problems


def _calculate(
    spec: FormulaSpec, data: IndicatorDataset, previous: PreviousAllocations | None
) -> AllocationResult:
    unit = spec.rounding_unit
    pot = spec.pot
    spokes = sorted({v.recipient for v in data.values})
    top_slices, distributable = _take_top_slices(spec, pot)

    values = {(v.recipient, v.indicator): v.value for v in data.values}
    totals = {
        w.indicator: sum((values[(s, w.indicator)] for s in spokes), Decimal(0))
        for w in spec.indicators
    }
    base_each = distributable * spec.base_share / len(spokes)
    need_pot = distributable * (1 - spec.base_share)
    shares = {
        (s, w.indicator): values[(s, w.indicator)] / totals[w.indicator]
        for s in spokes
        for w in spec.indicators
    }
    contributions = {
        (s, w.indicator): need_pot * w.weight * shares[(s, w.indicator)]
        for s in spokes
        for w in spec.indicators
    }
    needs = [
        sum((contributions[(s, w.indicator)] for w in spec.indicators), Decimal(0)) for s in spokes
    ]
    before = [base_each + need for need in needs]

    previous_amounts = _previous_by_recipient(previous)
    bounds = _bounds(spec, spokes, previous_amounts)
    damped = spec.damping is not None and previous is not None
    if damped:
        try:
            fitted = fit_to_bounds(before, bounds, distributable)
        except BoundsError as error:
            raise DampingError(
                "The damping bounds cannot be met", [_bounds_problem(spec, previous, error)], error
            ) from None
        after, held_at = list(fitted.amounts), list(fitted.held_at)
    else:
        after, held_at = list(before), [None] * len(spokes)

    amounts = _round_allocations(after, distributable, unit, spokes)
    explanations = tuple(
        _explain(
            spec,
            spoke,
            values,
            shares,
            contributions,
            exact=(base_each, needs[i], before[i], after[i]),
            amount=amounts[i],
            previous=previous_amounts.get(spoke),
            bounds=bounds[i],
            held_at=held_at[i],
        )
        for i, spoke in enumerate(spokes)
    )
    weighted = {w.indicator for w in spec.indicators}
    unused = tuple(sorted({v.indicator for v in data.values} - weighted))
    return AllocationResult(
        spec, pot, top_slices, distributable, explanations, damped, unused_indicators=unused
    )


def _take_top_slices(spec: FormulaSpec, pot: Decimal) -> tuple[tuple[TopSliceAmount, ...], Decimal]:
    """Round each top slice down to the unit; with unit 1 the first also takes the pot's pence.

    Example, unit 1: a pot of 1000.45 with a 12.5% hub slice. 125.05625 rounds down to 125; the
    1000.45 - 125 = 875.45 left has 0.45 below the unit, which goes to the hub: hub 125.45 and
    D = 875, so every spoke's allocation is whole pounds.
    """
    unit = spec.rounding_unit
    amounts = []
    for top_slice in spec.top_slices:
        if top_slice.amount is not None:
            raw = top_slice.amount
        else:
            raw = pot * (top_slice.percent or Decimal(0)) / 100
        amounts.append(round_to_unit(raw, unit, rounding=ROUND_DOWN))
    left = pot - sum(amounts, Decimal(0))
    if amounts:
        pence = left - round_to_unit(left, unit, rounding=ROUND_DOWN)
        amounts[0] += pence
        left -= pence
    slices = tuple(
        TopSliceAmount(s.recipient, amount, s.percent)
        for s, amount in zip(spec.top_slices, amounts, strict=True)
    )
    return slices, left


def _round_allocations(
    exact: list[Decimal], distributable: Decimal, unit: Decimal, spokes: list[str]
) -> list[Decimal]:
    """Largest remainder to the unit; a part-unit left over goes to the next in line.

    Only with unit 1, no top slice and a pot with pence is there a part-unit: the spokes share
    the whole pounds by largest remainder and the pence go to the spoke with the largest
    remainder that did not get a pound.
    """
    whole = round_to_unit(distributable, unit, rounding=ROUND_DOWN)
    # With a part-unit the exact shares add up to a little more than ``whole``; the count of
    # units to hand out is then whole minus the floors, which allocate_remainders computes.
    amounts = allocate_remainders(exact, whole, unit, tie_keys=spokes)
    part = distributable - whole
    if part:
        remainders = [(exact[i] - amounts[i], -i) for i in range(len(spokes))]
        _, minus_index = max(r for r in remainders if r[0] > 0)
        amounts[-minus_index] += part
    return amounts


def _previous_by_recipient(previous: PreviousAllocations | None) -> dict[str, Decimal]:
    if previous is None:
        return {}
    return {item.recipient: item.amount for item in previous.amounts}


def _bounds(spec: FormulaSpec, spokes: list[str], previous: Mapping[str, Decimal]) -> list[Bounds]:
    """Each spoke's floor (rounded up to the unit) and ceiling (rounded down, never below it).

    A spoke without a previous amount has no bounds. A previous amount of 0 is a bound like any
    other (with a ceiling it holds the spoke at 0), so a new spoke should have no row at all.
    """
    damping = spec.damping
    unit = spec.rounding_unit
    result = []
    for spoke in spokes:
        amount = previous.get(spoke)
        if damping is None or amount is None:
            result.append(Bounds())
            continue
        floor = ceiling = None
        if damping.floor is not None:
            floor = round_to_unit(amount * (1 + damping.floor), unit, rounding=ROUND_CEILING)
        if damping.ceiling is not None:
            ceiling = round_to_unit(amount * (1 + damping.ceiling), unit, rounding=ROUND_DOWN)
            if floor is not None and ceiling < floor:
                ceiling = floor
        result.append(Bounds(floor, ceiling))
    return result


class DampingError(DomainError):
    """The floors or ceilings cannot be met; ``bounds`` says which and by how much."""

    def __init__(self, message: str, problems: list[Problem], bounds: BoundsError) -> None:
        super().__init__(message, problems)
        self.bounds = bounds


def _bounds_problem(
    spec: FormulaSpec, previous: PreviousAllocations | None, error: BoundsError
) -> Problem:
    setting = "damping.floor" if error.kind == FLOOR else "damping.ceiling"
    return Problem(
        f"{error.message} (the bounds come from these previous amounts and "
        f"{' '.join(filter(None, (setting, _describe_location(spec, setting))))})",
        file=previous.file if previous is not None else spec.file,
        column="amount",
    )


def _explain(
    spec: FormulaSpec,
    spoke: str,
    values: Mapping[tuple[str, str], Decimal],
    shares: Mapping[tuple[str, str], Decimal],
    contributions: Mapping[tuple[str, str], Decimal],
    *,
    exact: tuple[Decimal, Decimal, Decimal, Decimal],
    amount: Decimal,
    previous: Decimal | None,
    bounds: Bounds,
    held_at: str | None,
) -> RecipientExplanation:
    """Pence columns that add up across the row, from the exact figures."""
    exact_base, exact_need, exact_before, exact_after = exact
    base = round_to_unit(exact_base)
    before = round_to_unit(exact_before)
    after = round_to_unit(exact_after)
    need = before - base
    names = [w.indicator for w in spec.indicators]
    exact_parts = [contributions[(spoke, name)] for name in names]
    # need is within a penny of the exact need, so the leftover pennies are between 0 and the
    # number of indicators, as allocate_remainders requires.
    parts = allocate_remainders(exact_parts, need, PENNY, tie_keys=names)
    indicators = tuple(
        IndicatorExplanation(
            w.indicator,
            values[(spoke, w.indicator)],
            shares[(spoke, w.indicator)],
            w.weight,
            part,
            exact_part,
        )
        for w, part, exact_part in zip(spec.indicators, parts, exact_parts, strict=True)
    )
    change = amount - previous if previous is not None else None
    percent = None
    if previous and change is not None:
        percent = round_to_unit(change * 100 / previous, PENNY)
    return RecipientExplanation(
        recipient=spoke,
        indicators=indicators,
        base=base,
        need=need,
        before_damping=before,
        damping=after - before,
        rounding=amount - after,
        amount=amount,
        previous=previous,
        change=change,
        change_percent=percent,
        floor=bounds.floor,
        ceiling=bounds.ceiling,
        held_at=held_at,
        exact_base=exact_base,
        exact_need=exact_need,
        exact_before_damping=exact_before,
        exact_after_damping=exact_after,
    )
