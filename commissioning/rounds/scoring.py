"""Bid scoring (pure: standard library, Decimal and dataclasses only).

Each criterion has a weight (percent; a round's weights add up to exactly 100) and a maximum
score. A member's weighted total is out of 100: the sum over criteria of score / maximum x
weight, rounded half-up to two decimals at the end only. The panel's mean and spread (highest
minus lowest member total) are over the members who scored every criterion; a bid is flagged
when the spread is more than the round's margin. The chair's moderated score, when there is one,
replaces the mean as the agreed score (the members' scores are kept). Bids are ranked on the
agreed score (ties: cheaper first, then reference) with a running total against the budget of the
bids approved or still in contention (a rejected bid is not counted) and the approved total.

Worked example: weights 30, 25, 20, 15, 10, each out of 5, scores 4, 3, 5, 2, 4:

>>> weights = [("need", "30"), ("evidence", "25"), ("vfm", "20"), ("do", "15"), ("eq", "10")]
>>> criteria = [Criterion(k, k, Decimal(w), 5) for k, w in weights]
>>> weighted_total(criteria, {"need": 4, "evidence": 3, "vfm": 5, "do": 2, "eq": 4})
Decimal('73.00')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    weight: Decimal  # percent of the total
    max_score: int


@dataclass(frozen=True)
class MemberTotal:
    member: str
    total: Decimal


@dataclass(frozen=True)
class BidScoring:
    totals: tuple[MemberTotal, ...]
    mean: Decimal | None
    spread: Decimal | None
    flagged: bool
    moderated: Decimal | None

    @property
    def agreed(self) -> Decimal | None:
        """The moderated score when the chair set one, otherwise the panel mean."""
        return self.moderated if self.moderated is not None else self.mean


@dataclass(frozen=True)
class RankInput:
    reference: str
    score: Decimal | None
    cost: Decimal
    approved: bool = False
    rejected: bool = False  # out of contention: its cost is not counted


@dataclass(frozen=True)
class RankedBid:
    rank: int
    reference: str
    score: Decimal | None
    cost: Decimal
    running_total: Decimal  # this bid and those above it that are approved or in contention
    approved_total: Decimal  # the approved bids down to this one
    counted: bool  # approved or still in contention (not rejected)
    over_budget: bool  # in contention, and funding it with those counted above passes the budget

    @property
    def within_budget(self) -> bool:
        return not self.over_budget


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weight_problems(criteria: Sequence[Criterion]) -> list[str]:
    """What is wrong with a round's criteria: weights must add up to exactly 100%.

    >>> a, b = Criterion("a", "A", Decimal("60"), 5), Criterion("b", "B", Decimal("30"), 5)
    >>> weight_problems([a, b])
    ['the weights add up to 90%, not 100%']
    """
    problems = []
    if not criteria:
        return ["add at least one scoring criterion"]
    for criterion in criteria:
        if criterion.weight <= 0:
            problems.append(f"{criterion.name}: the weight must be more than 0%")
        if criterion.max_score < 1:
            problems.append(f"{criterion.name}: the maximum score must be at least 1")
    total = sum((c.weight for c in criteria), Decimal("0"))
    if total != HUNDRED:
        problems.append(f"the weights add up to {total.normalize():f}%, not 100%")
    return problems


def score_problem(criterion: Criterion, score: int) -> str | None:
    """A score must be a whole number from 0 to the criterion's maximum.

    >>> score_problem(Criterion("need", "Need", Decimal("30"), 5), 6)
    'Need: the score must be from 0 to 5, not 6'
    """
    if not 0 <= score <= criterion.max_score:
        return f"{criterion.name}: the score must be from 0 to {criterion.max_score}, not {score}"
    return None


def weighted_total(criteria: Sequence[Criterion], scores: Mapping[str, int]) -> Decimal:
    """One member's total out of 100 (see the module's worked example)."""
    total = sum(
        (Decimal(scores[c.key]) / Decimal(c.max_score) * c.weight for c in criteria),
        Decimal("0"),
    )
    return _round(total)


def score_bid(
    criteria: Sequence[Criterion],
    member_scores: Mapping[str, Mapping[str, int]],
    *,
    margin: Decimal,
    moderated: Decimal | None = None,
) -> BidScoring:
    """Totals per member (only members who scored every criterion), mean, spread and flag.

    >>> c = [Criterion("a", "A", Decimal("50"), 5), Criterion("b", "B", Decimal("50"), 5)]
    >>> s = score_bid(c, {"ann": {"a": 5, "b": 4}, "bob": {"a": 2, "b": 3}}, margin=Decimal("20"))
    >>> [t.total for t in s.totals], s.mean, s.spread, s.flagged
    ([Decimal('90.00'), Decimal('50.00')], Decimal('70.00'), Decimal('40.00'), True)
    """
    keys = {c.key for c in criteria}
    totals = tuple(
        MemberTotal(member, weighted_total(criteria, scores))
        for member, scores in member_scores.items()
        if keys <= set(scores)
    )
    if not totals:
        return BidScoring((), None, None, False, moderated)
    values = [t.total for t in totals]
    mean = _round(sum(values, Decimal("0")) / Decimal(len(values)))
    spread = max(values) - min(values)
    return BidScoring(totals, mean, spread, spread > margin, moderated)


def rank_bids(bids: Sequence[RankInput], budget: Decimal) -> list[RankedBid]:
    """Highest agreed score first (unscored bids last; ties cheaper first, then reference), with
    the running total of the bids that are approved or still in contention (a rejected bid adds
    nothing), the approved total so far, and whether funding a bid still in contention, with
    those counted above it, would pass the budget. An approved bid is never "over budget": it
    was approved within it.

    >>> ranked = rank_bids([RankInput("B1", Decimal("60"), Decimal("40000")),
    ...                     RankInput("B2", Decimal("80"), Decimal("70000"))], Decimal("100000"))
    >>> [(r.reference, r.running_total, r.over_budget) for r in ranked]
    [('B2', Decimal('70000'), False), ('B1', Decimal('110000'), True)]

    A rejected bid above does not count against the bids below it:

    >>> ranked = rank_bids([RankInput("B1", Decimal("90"), Decimal("80000"), rejected=True),
    ...                     RankInput("B2", Decimal("80"), Decimal("50000"), approved=True),
    ...                     RankInput("B3", Decimal("70"), Decimal("40000"))], Decimal("100000"))
    >>> [(r.reference, r.running_total, r.approved_total, r.over_budget) for r in ranked]
    [('B1', Decimal('0'), Decimal('0'), False), ('B2', Decimal('50000'), Decimal('50000'), False), \
('B3', Decimal('90000'), Decimal('50000'), False)]
    """
    ordered = sorted(
        bids,
        key=lambda b: (b.score is None, -(b.score or Decimal("0")), b.cost, b.reference),
    )
    ranked = []
    running = approved = Decimal("0")
    for position, bid in enumerate(ordered, start=1):
        counted = not bid.rejected
        if counted:
            running += bid.cost
        if bid.approved:
            approved += bid.cost
        over = counted and not bid.approved and running > budget
        ranked.append(
            RankedBid(
                position, bid.reference, bid.score, bid.cost, running, approved, counted, over
            )
        )
    return ranked
