"""The figures of the quarterly returns, worked out from plain numbers (pure).

What lives here: the arithmetic of point 6 of the grants issue, as frozen dataclasses in and
figures out: per plan line, the quarter's profile, actual, year to date, forecast outturn and the
variance against profile (and whether it needs a reason); per recipient and grant, the spend to
date, forecast outturn, forecast (or final) underspend, match funding and its share, the
interventions share, the claim for each quarter and the labour / non-labour split; and the same
totalled over every recipient of a grant. What must not: Flask, SQLAlchemy, or any query; the
callers (``grants.returns.queries``) gather the numbers from the database and pass them in.

Rules of the arithmetic:

- Money is exact ``Decimal`` throughout and never rounded: sums and differences of amounts in
  pence are already whole pence.
- Percentages are rounded half up to two decimal places (``core.money.round_to_unit`` with a
  unit of 0.01); a percentage of nothing (a share of zero spend) is ``None``, never zero.
- Thresholds compare the exact variance, not the rounded percentage shown.

Worked example (a line budgeted 40,000.00, profiled 10,000.00 a quarter, at Q2)::

    >>> line = LineInput(line_ref="V2", annual_budget=Decimal("40000.00"),
    ...     profile=(Decimal("10000.00"),) * 4, earlier_actuals=(Decimal("9000.00"),),
    ...     actual=Decimal("12500.00"), forecast_remaining=Decimal("20000.00"))
    >>> figures = calculate_line(line, 2, Thresholds(Decimal("10"), Decimal("5000.00")))
    >>> figures.year_to_date, figures.forecast_outturn
    (Decimal('21500.00'), Decimal('41500.00'))
    >>> figures.variance, figures.variance_percent, figures.needs_reason
    (Decimal('2500.00'), Decimal('25.00'), True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import PENNY, ZERO, round_to_unit
from grants.vocabulary import Category, CostType, MatchKind

HUNDRED = Decimal(100)
QUARTERS = (1, 2, 3, 4)


# --- percentages -------------------------------------------------------------------------------


def calculate_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half up to 2 places; ``None`` when
    ``whole`` is zero (a share of nothing is not 0%).

    >>> calculate_percent(Decimal("1.00"), Decimal("3.00"))
    Decimal('33.33')
    >>> calculate_percent(Decimal("1.00"), Decimal("8.00"))
    Decimal('12.50')
    >>> calculate_percent(Decimal("0.01"), Decimal("0.32"))  # 3.125: half up, not to even
    Decimal('3.13')
    >>> calculate_percent(Decimal("-0.01"), Decimal("0.32"))  # halves go away from zero
    Decimal('-3.13')
    >>> calculate_percent(Decimal("5.00"), Decimal("0.00")) is None
    True
    """
    if whole == 0:
        return None
    return round_to_unit(part * HUNDRED / whole, PENNY)


# --- one plan line in one quarter -----------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """When a variance against profile needs a reason: above ``percent`` of the quarter's
    profile OR above ``amount`` pounds (the award's two settings)."""

    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LineInput:
    """One plan line in one quarter's return.

    ``earlier_actuals`` are the line's actuals in the counted (submitted or approved) returns of
    the earlier quarters of the year; ``actual`` is this quarter's; ``forecast_remaining`` is the
    spend still expected in the quarters after this one.
    """

    line_ref: str
    annual_budget: Decimal
    profile: tuple[Decimal, Decimal, Decimal, Decimal]
    earlier_actuals: tuple[Decimal, ...]
    actual: Decimal
    forecast_remaining: Decimal


@dataclass(frozen=True)
class LineFigures:
    line_ref: str
    annual_budget: Decimal
    profile: Decimal  # the plan's profile for this quarter
    actual: Decimal
    year_to_date: Decimal
    forecast_remaining: Decimal
    forecast_outturn: Decimal  # year to date + forecast remaining
    variance: Decimal  # actual - profile (positive: spent more than profiled)
    variance_percent: Decimal | None  # of the profile; None when the profile is zero
    needs_reason: bool

    @property
    def outturn_against_budget(self) -> Decimal:
        """Forecast outturn less the annual budget (negative: the line will underspend)."""
        return self.forecast_outturn - self.annual_budget


def is_reason_required(profile: Decimal, actual: Decimal, thresholds: Thresholds) -> bool:
    """Whether the variance ``actual - profile`` is above either threshold (strictly).

    Against a zero profile any spend is an unbounded percentage, so it needs a reason.

    >>> t = Thresholds(percent=Decimal("10"), amount=Decimal("5000.00"))
    >>> is_reason_required(Decimal("1000.00"), Decimal("1100.00"), t)  # exactly 10%: not above
    False
    >>> is_reason_required(Decimal("1000.00"), Decimal("1100.01"), t)  # 10.001%
    True
    >>> is_reason_required(Decimal("100000.00"), Decimal("94999.99"), t)  # -5.00001%, -5,000.01
    True
    >>> is_reason_required(Decimal("0.00"), Decimal("0.01"), t)
    True
    >>> is_reason_required(Decimal("0.00"), Decimal("0.00"), t)
    False
    """
    variance = abs(actual - profile)
    if variance > thresholds.amount:
        return True
    if profile == 0:
        return variance != 0
    return variance * HUNDRED > thresholds.percent * profile


def calculate_line(line: LineInput, quarter: int, thresholds: Thresholds) -> LineFigures:
    """The figures of one line in the return for ``quarter`` (1-4); see the module example.

    >>> line = LineInput("S1", Decimal("8000.00"), (Decimal("2000.00"),) * 4, (), Decimal("0.00"),
    ...                  Decimal("6000.00"))
    >>> f = calculate_line(line, 1, Thresholds(Decimal("10"), Decimal("5000.00")))
    >>> f.variance, f.variance_percent, f.needs_reason, f.outturn_against_budget
    (Decimal('-2000.00'), Decimal('-100.00'), True, Decimal('-2000.00'))
    """
    _check_quarter(quarter)
    profile = line.profile[quarter - 1]
    year_to_date = sum(line.earlier_actuals, ZERO) + line.actual
    variance = line.actual - profile
    return LineFigures(
        line_ref=line.line_ref,
        annual_budget=line.annual_budget,
        profile=profile,
        actual=line.actual,
        year_to_date=year_to_date,
        forecast_remaining=line.forecast_remaining,
        forecast_outturn=year_to_date + line.forecast_remaining,
        variance=variance,
        variance_percent=calculate_percent(variance, profile),
        needs_reason=is_reason_required(profile, line.actual, thresholds),
    )


# --- one recipient, one grant, one year ----------------------------------------------------------


@dataclass(frozen=True)
class SpendLine:
    """One line of a counted return: what the recipient spent on it in the quarter."""

    line_ref: str
    category: Category
    cost_type: CostType
    actual: Decimal
    forecast_remaining: Decimal = ZERO


@dataclass(frozen=True)
class MatchAmount:
    kind: MatchKind
    amount: Decimal


@dataclass(frozen=True)
class QuarterSpend:
    """A counted return: the quarter, its spend lines and its match funding."""

    quarter: int
    lines: tuple[SpendLine, ...]
    match: tuple[MatchAmount, ...] = ()

    @property
    def actual(self) -> Decimal:
        return sum((line.actual for line in self.lines), ZERO)

    @property
    def forecast_remaining(self) -> Decimal:
        return sum((line.forecast_remaining for line in self.lines), ZERO)


@dataclass(frozen=True)
class Claim:
    """The claim for one quarter: the quarter's eligible spend, capped by what is left of the
    allocation after the earlier claims."""

    quarter: int
    eligible_spend: Decimal
    amount: Decimal
    cumulative: Decimal

    @property
    def is_capped(self) -> bool:
        return self.amount < self.eligible_spend


def calculate_claims(allocation: Decimal, quarters: Iterable[QuarterSpend]) -> tuple[Claim, ...]:
    """The claim for each quarter, in quarter order (payment is quarterly in arrears).

    >>> spend = [QuarterSpend(q, (SpendLine("A", Category.STAFFING, CostType.LABOUR,
    ...          Decimal(a)),)) for q, a in ((1, "400.00"), (2, "500.00"), (3, "300.00"))]
    >>> [(c.quarter, c.amount, c.cumulative) for c in calculate_claims(Decimal("1000.00"), spend)]
    [(1, Decimal('400.00'), Decimal('400.00')), (2, Decimal('500.00'), Decimal('900.00')), \
(3, Decimal('100.00'), Decimal('1000.00'))]
    """
    claims = []
    claimed = ZERO
    for spend in _in_quarter_order(quarters):
        left = max(allocation - claimed, ZERO)
        amount = min(spend.actual, left)
        claimed += amount
        claims.append(
            Claim(
                quarter=spend.quarter,
                eligible_spend=spend.actual,
                amount=amount,
                cumulative=claimed,
            )
        )
    return tuple(claims)


def calculate_final_underspend(allocation: Decimal, spent: Decimal) -> Decimal:
    """What is left of the allocation at year end: the allocation less what can be claimed
    (claims are capped by the allocation, so this is never negative; spend above the allocation
    is the recipient's own).

    >>> calculate_final_underspend(Decimal("40883.00"), Decimal("35180.52"))
    Decimal('5702.48')
    >>> calculate_final_underspend(Decimal("100.00"), Decimal("120.00"))
    Decimal('0.00')
    """
    return max(allocation - spent, ZERO)


@dataclass(frozen=True)
class RecipientInput:
    """What one recipient has reported against one grant for the year.

    ``quarters`` are the counted returns (one per quarter at most). ``planned_budget`` is the
    approved plan's total for the grant: with no return yet the plan is the forecast.
    ``final_underspend`` is set once finance has closed the year.
    """

    recipient: str
    stream: str
    allocation: Decimal
    quarters: tuple[QuarterSpend, ...] = ()
    planned_budget: Decimal | None = None
    final_underspend: Decimal | None = None


@dataclass(frozen=True)
class Conditions:
    """The award's conditions the figures are held to (``None``: no award set up yet, so
    nothing to hold them to)."""

    min_match_percent: Decimal | None = None
    min_interventions_percent: Decimal | None = None


@dataclass(frozen=True)
class SpendFigures:
    """Spend and match funding to date, and the shares worked out from them (shared by a
    recipient's figures and a grant's totals)."""

    allocation: Decimal
    spent_to_date: Decimal
    forecast_outturn: Decimal
    match_cash: Decimal
    match_in_kind: Decimal
    interventions_spend: Decimal
    labour_spend: Decimal
    non_labour_spend: Decimal
    min_match_percent: Decimal | None
    min_interventions_percent: Decimal | None

    @property
    def forecast_underspend(self) -> Decimal:
        """Allocation less forecast outturn; negative when an overspend is forecast."""
        return self.allocation - self.forecast_outturn

    @property
    def match_total(self) -> Decimal:
        return self.match_cash + self.match_in_kind

    @property
    def match_share(self) -> Decimal | None:
        """Match funding as a percentage of grant spend to date."""
        return calculate_percent(self.match_total, self.spent_to_date)

    @property
    def meets_match_minimum(self) -> bool | None:
        """Whether the exact match share reaches the minimum (``None`` before any spend, or
        with no minimum set)."""
        if self.min_match_percent is None or self.spent_to_date == 0:
            return None
        return self.match_total * HUNDRED >= self.min_match_percent * self.spent_to_date

    @property
    def interventions_share(self) -> Decimal | None:
        return calculate_percent(self.interventions_spend, self.spent_to_date)

    @property
    def meets_interventions_minimum(self) -> bool | None:
        if self.min_interventions_percent is None or self.spent_to_date == 0:
            return None
        return (
            self.interventions_spend * HUNDRED
            >= self.min_interventions_percent * self.spent_to_date
        )


@dataclass(frozen=True)
class RecipientFigures(SpendFigures):
    recipient: str = ""
    stream: str = ""
    claims: tuple[Claim, ...] = ()
    latest_quarter: int | None = None
    final_underspend: Decimal | None = None

    @property
    def is_closed(self) -> bool:
        return self.final_underspend is not None

    @property
    def underspend(self) -> Decimal:
        """The final underspend once the year is closed, else the forecast."""
        return (
            self.final_underspend if self.final_underspend is not None else self.forecast_underspend
        )

    @property
    def claimed(self) -> Decimal:
        return self.claims[-1].cumulative if self.claims else ZERO


def calculate_recipient(data: RecipientInput, conditions: Conditions) -> RecipientFigures:
    """A recipient's figures for one grant from its counted returns.

    Forecast outturn is the spend to date plus the latest return's forecast for the quarters
    left; before any return, the approved plan's budget (or, with no plan, the allocation).

    >>> lines = lambda *a: tuple(SpendLine(r, c, t, Decimal(x), Decimal(f)) for r, c, t, x, f in a)
    >>> q1 = QuarterSpend(1, lines(("S1", Category.STAFFING, CostType.LABOUR, "3000.00", "0"),
    ...     ("I1", Category.INTERVENTIONS, CostType.NON_LABOUR, "5000.00", "0")),
    ...     (MatchAmount(MatchKind.CASH, Decimal("1000.00")),))
    >>> q2 = QuarterSpend(2, lines(("S1", Category.STAFFING, CostType.LABOUR, "3000.00", "6000.00"),
    ...     ("I1", Category.INTERVENTIONS, CostType.NON_LABOUR, "1000.00", "10000.00")),
    ...     (MatchAmount(MatchKind.IN_KIND, Decimal("1400.00")),))
    >>> f = calculate_recipient(RecipientInput("bristol", "VRU", Decimal("30000.00"), (q1, q2)),
    ...                         Conditions(min_match_percent=Decimal("20")))
    >>> f.spent_to_date, f.forecast_outturn, f.forecast_underspend
    (Decimal('12000.00'), Decimal('28000.00'), Decimal('2000.00'))
    >>> f.match_total, f.match_share, f.meets_match_minimum
    (Decimal('2400.00'), Decimal('20.00'), True)
    >>> f.interventions_share, f.labour_spend, f.non_labour_spend
    (Decimal('50.00'), Decimal('6000.00'), Decimal('6000.00'))
    """
    quarters = _in_quarter_order(data.quarters)
    lines = [line for spend in quarters for line in spend.lines]
    match = [item for spend in quarters for item in spend.match]
    spent = sum((line.actual for line in lines), ZERO)
    if quarters:
        outturn = spent + quarters[-1].forecast_remaining
    else:
        outturn = data.planned_budget if data.planned_budget is not None else data.allocation
    return RecipientFigures(
        recipient=data.recipient,
        stream=data.stream,
        allocation=data.allocation,
        spent_to_date=spent,
        forecast_outturn=outturn,
        match_cash=_match_of(match, MatchKind.CASH),
        match_in_kind=_match_of(match, MatchKind.IN_KIND),
        interventions_spend=sum(
            (line.actual for line in lines if line.category is Category.INTERVENTIONS), ZERO
        ),
        labour_spend=_spend_of(lines, CostType.LABOUR),
        non_labour_spend=_spend_of(lines, CostType.NON_LABOUR),
        min_match_percent=conditions.min_match_percent,
        min_interventions_percent=conditions.min_interventions_percent,
        claims=calculate_claims(data.allocation, quarters),
        latest_quarter=quarters[-1].quarter if quarters else None,
        final_underspend=data.final_underspend,
    )


# --- every recipient of one grant ----------------------------------------------------------------


@dataclass(frozen=True)
class StreamTotals(SpendFigures):
    """A grant's figures over all its recipients: the overall match share, and for SVD the
    labour and non-labour spend against the award's amounts."""

    stream: str = ""
    recipients: int = 0
    claimed: Decimal = ZERO
    final_underspend: Decimal | None = None
    labour_amount: Decimal | None = None
    non_labour_amount: Decimal | None = None

    @property
    def underspend(self) -> Decimal:
        return (
            self.final_underspend if self.final_underspend is not None else self.forecast_underspend
        )

    @property
    def labour_remaining(self) -> Decimal | None:
        return None if self.labour_amount is None else self.labour_amount - self.labour_spend

    @property
    def non_labour_remaining(self) -> Decimal | None:
        return (
            None
            if self.non_labour_amount is None
            else self.non_labour_amount - self.non_labour_spend
        )


def calculate_stream_totals(
    stream: str,
    figures: Sequence[RecipientFigures],
    conditions: Conditions,
    *,
    labour_amount: Decimal | None = None,
    non_labour_amount: Decimal | None = None,
) -> StreamTotals:
    """Add up the recipients of one grant; the shares are worked out from the totals (the
    overall match share is total match over total spend, not an average of shares).

    >>> def spent(allocation, spent, outturn, cash, labour, non_labour):
    ...     return RecipientFigures(
    ...         allocation=Decimal(allocation), spent_to_date=Decimal(spent),
    ...         forecast_outturn=Decimal(outturn), match_cash=Decimal(cash),
    ...         match_in_kind=ZERO, interventions_spend=ZERO, labour_spend=Decimal(labour),
    ...         non_labour_spend=Decimal(non_labour), min_match_percent=Decimal("20"),
    ...         min_interventions_percent=None)
    >>> a = spent("100.00", "50.00", "90.00", "5.00", "50.00", "0.00")
    >>> b = spent("300.00", "150.00", "310.00", "55.00", "0.00", "150.00")
    >>> t = calculate_stream_totals("SVD", [a, b], Conditions(Decimal("20")),
    ...     labour_amount=Decimal("120.00"), non_labour_amount=Decimal("280.00"))
    >>> t.spent_to_date, t.forecast_underspend, t.match_share, t.meets_match_minimum
    (Decimal('200.00'), Decimal('0.00'), Decimal('30.00'), True)
    >>> t.labour_spend, t.labour_remaining, t.non_labour_remaining
    (Decimal('50.00'), Decimal('70.00'), Decimal('130.00'))
    """
    closed = [f.final_underspend for f in figures if f.final_underspend is not None]
    return StreamTotals(
        stream=stream,
        recipients=len(figures),
        allocation=_total(f.allocation for f in figures),
        spent_to_date=_total(f.spent_to_date for f in figures),
        forecast_outturn=_total(f.forecast_outturn for f in figures),
        match_cash=_total(f.match_cash for f in figures),
        match_in_kind=_total(f.match_in_kind for f in figures),
        interventions_spend=_total(f.interventions_spend for f in figures),
        labour_spend=_total(f.labour_spend for f in figures),
        non_labour_spend=_total(f.non_labour_spend for f in figures),
        min_match_percent=conditions.min_match_percent,
        min_interventions_percent=conditions.min_interventions_percent,
        claimed=_total(f.claimed for f in figures),
        final_underspend=_total(closed) if figures and len(closed) == len(figures) else None,
        labour_amount=labour_amount,
        non_labour_amount=non_labour_amount,
    )


# --- helpers ------------------------------------------------------------------------------------


def _in_quarter_order(quarters: Iterable[QuarterSpend]) -> list[QuarterSpend]:
    ordered = sorted(quarters, key=lambda spend: spend.quarter)
    seen = [spend.quarter for spend in ordered]
    if len(set(seen)) != len(seen):
        raise ValueError(f"one return per quarter: got quarters {seen}")
    for quarter in seen:
        _check_quarter(quarter)
    return ordered


def _match_of(match: Iterable[MatchAmount], kind: MatchKind) -> Decimal:
    return sum((item.amount for item in match if item.kind is kind), ZERO)


def _spend_of(lines: Iterable[SpendLine], cost_type: CostType) -> Decimal:
    return sum((line.actual for line in lines if line.cost_type is cost_type), ZERO)


def _total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def _check_quarter(quarter: int) -> None:
    if quarter not in QUARTERS:
        raise ValueError(f"quarter {quarter!r} is not 1, 2, 3 or 4")
