"""Delivery plan figures (pure: plain frozen dataclasses and Decimal arithmetic, no Flask, no
database): a plan line and a grant's conditions as the checks read them, the totals and shares
per grant stream, and the even split of an annual budget into quarters.

The checks themselves, and the definitions of the shares, are in ``grants.plans.checks``.

>>> lines = [build_line("A", Category.STAFFING, "300.00"),
...          build_line("B", Category.STAFFING, "5.00", stream="SVD")]
>>> [f.total for f in figures_by_stream(lines, [StreamConditions("VRU", Decimal("300.00"))])]
[Decimal('300.00'), Decimal('5.00')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import ZERO, round_to_unit, split_largest_remainder
from grants.vocabulary import Category, CostType, SpendType

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PlanLineFigures:
    """One plan line as the checks see it."""

    ref: str
    stream: str
    category: Category
    cost_type: CostType
    spend_type: SpendType
    annual_budget: Decimal
    profile: tuple[Decimal, Decimal, Decimal, Decimal]
    yef_strand: str | None = None


@dataclass(frozen=True)
class StreamConditions:
    """What one grant stream's lines are held to: the recipient's allocation of that grant for
    the year (``None``: no allocation) and the award's conditions (``None``: not checked)."""

    stream: str
    allocation: Decimal | None
    min_interventions_percent: Decimal | None = None
    evaluation_percent: Decimal | None = None
    admin_cap_percent: Decimal | None = None


@dataclass(frozen=True)
class StreamFigures:
    """One grant stream of a plan: its totals against the allocation, and its shares (exact
    percentages, ``None`` when the denominator is zero)."""

    stream: str
    allocation: Decimal | None
    total: Decimal
    interventions: Decimal
    evaluation: Decimal
    management: Decimal

    @property
    def difference(self) -> Decimal | None:
        """Lines minus allocation: negative when the lines fall short of it."""
        return None if self.allocation is None else self.total - self.allocation

    @property
    def interventions_percent(self) -> Decimal | None:
        return percent_of(self.interventions, self.total)

    @property
    def evaluation_percent(self) -> Decimal | None:
        return percent_of(self.evaluation, self.interventions)

    @property
    def management_percent(self) -> Decimal | None:
        return percent_of(self.management, self.total)


def build_line(
    ref: str,
    category: Category,
    budget: str,
    *,
    stream: str = "VRU",
    profile: Sequence[str] | None = None,
    yef_strand: str | None = None,
    cost_type: CostType = CostType.NON_LABOUR,
    spend_type: SpendType | None = None,
) -> PlanLineFigures:
    """A line for worked examples: the budget split evenly unless a ``profile`` is given, and
    capital spend for the capital category.

    >>> build_line("INT-01", Category.INTERVENTIONS, "100.01").profile
    (Decimal('25.01'), Decimal('25.00'), Decimal('25.00'), Decimal('25.00'))
    """
    amount = Decimal(budget)
    quarters = split_evenly(amount) if profile is None else tuple(Decimal(q) for q in profile)
    if spend_type is None:
        spend_type = SpendType.CAPITAL if category is Category.CAPITAL else SpendType.REVENUE
    return PlanLineFigures(
        ref=ref,
        stream=stream,
        category=category,
        cost_type=cost_type,
        spend_type=spend_type,
        annual_budget=amount,
        profile=to_quarters(quarters),
        yef_strand=yef_strand,
    )


def split_evenly(annual_budget: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Split an annual budget into four quarters that add up to it exactly; the pennies left
    over go one each to the earliest quarters.

    >>> split_evenly(Decimal("100.03"))
    (Decimal('25.01'), Decimal('25.01'), Decimal('25.01'), Decimal('25.00'))
    >>> split_evenly(Decimal("0.00"))
    (Decimal('0.00'), Decimal('0.00'), Decimal('0.00'), Decimal('0.00'))
    """
    return to_quarters(split_largest_remainder(annual_budget, [Decimal(1)] * 4))


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as an exact percentage of ``whole``; ``None`` when ``whole`` is zero.

    >>> percent_of(Decimal("550.00"), Decimal("1000.00"))
    Decimal('55')
    >>> percent_of(Decimal("1.00"), Decimal("0.00")) is None
    True
    """
    if whole == 0:
        return None
    return (part * HUNDRED / whole).normalize()


def format_share(percent: Decimal | None) -> str:
    """A share for the page, to two decimals, half up (the checks compare the exact share).

    >>> format_share(Decimal("3.636363")), format_share(None)
    ('3.64%', '–')
    """
    if percent is None:
        return "–"
    return f"{round_to_unit(percent)}%"


def total_by_stream(lines: Iterable[PlanLineFigures]) -> dict[str, Decimal]:
    """The annual budgets added up per grant stream.

    >>> total_by_stream([build_line("A", Category.STAFFING, "10.00"),
    ...                  build_line("B", Category.STAFFING, "2.50", stream="SVD"),
    ...                  build_line("C", Category.TRAINING, "5.00")])
    {'VRU': Decimal('15.00'), 'SVD': Decimal('2.50')}
    """
    totals: dict[str, Decimal] = {}
    for item in lines:
        totals[item.stream] = totals.get(item.stream, ZERO) + item.annual_budget
    return totals


def figures_by_stream(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[StreamFigures]:
    """Each stream with an allocation, an award or a line, in the order of ``conditions`` and
    then of first use.

    >>> [f.difference for f in figures_by_stream(
    ...     [build_line("A", Category.STAFFING, "90.00")],
    ...     [StreamConditions("VRU", Decimal("100.00"))])]
    [Decimal('-10.00')]
    """
    allocations = {c.stream: c.allocation for c in conditions}
    streams = list(dict.fromkeys([c.stream for c in conditions] + [x.stream for x in lines]))
    result = []
    for stream in streams:
        own = [x for x in lines if x.stream == stream]
        result.append(
            StreamFigures(
                stream=stream,
                allocation=allocations.get(stream),
                total=sum_amounts(x.annual_budget for x in own),
                interventions=_category_total(own, Category.INTERVENTIONS),
                evaluation=_category_total(own, Category.EVALUATION),
                management=_category_total(own, Category.MANAGEMENT),
            )
        )
    return result


def sum_amounts(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def to_quarters(parts: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    first, second, third, fourth = parts
    return (first, second, third, fourth)


def _category_total(lines: Sequence[PlanLineFigures], category: Category) -> Decimal:
    return sum_amounts(x.annual_budget for x in lines if x.category is category)
