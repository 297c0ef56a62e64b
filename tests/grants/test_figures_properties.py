"""Properties of the return figures over random amounts (hypothesis; pure, no database)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.figures import (
    Conditions,
    LineInput,
    MatchAmount,
    QuarterSpend,
    RecipientInput,
    SpendLine,
    Thresholds,
    calculate_claims,
    calculate_final_underspend,
    calculate_line,
    calculate_percent,
    calculate_recipient,
    calculate_stream_totals,
    is_reason_required,
)
from grants.returns.underspend import suggest_moves
from grants.vocabulary import Category, CostType, MatchKind

FEW = settings(max_examples=80, deadline=None)
PENNY = Decimal("0.01")
money = st.integers(0, 10**9).map(lambda pence: Decimal(pence) * PENNY)
percent = st.integers(0, 10_000).map(lambda hundredths: Decimal(hundredths) / 100)


@st.composite
def quarters(draw) -> tuple[QuarterSpend, ...]:  # type: ignore[no-untyped-def]
    chosen = sorted(draw(st.sets(st.integers(1, 4), max_size=4)))
    result = []
    for quarter in chosen:
        lines = tuple(
            SpendLine(
                f"L{i}",
                draw(st.sampled_from(list(Category))),
                draw(st.sampled_from(list(CostType))),
                draw(money),
                draw(money),
            )
            for i in range(draw(st.integers(0, 4)))
        )
        match = tuple(
            MatchAmount(draw(st.sampled_from(list(MatchKind))), draw(money))
            for _ in range(draw(st.integers(0, 3)))
        )
        result.append(QuarterSpend(quarter, lines, match))
    return tuple(draw(st.permutations(result)))


@FEW
@given(quarters(), money)
def test_claims_never_exceed_the_allocation_and_take_all_they_can(spent, allocation):
    claims = calculate_claims(allocation, spent)

    total_spend = sum((q.actual for q in spent), Decimal("0.00"))
    assert sum((c.amount for c in claims), Decimal("0.00")) == min(total_spend, allocation)
    assert all(Decimal(0) <= c.amount <= c.eligible_spend for c in claims)
    assert all(c.cumulative <= allocation for c in claims)
    assert [c.quarter for c in claims] == sorted(q.quarter for q in spent)


@FEW
@given(money, money)
def test_final_underspend_and_what_is_claimed_make_the_allocation(allocation, spent):
    underspend = calculate_final_underspend(allocation, spent)

    assert underspend >= 0
    assert underspend + min(spent, allocation) == allocation


@FEW
@given(quarters(), money, st.one_of(st.none(), money))
def test_outturn_and_forecast_underspend_make_the_allocation(spent, allocation, planned):
    f = calculate_recipient(
        RecipientInput("r", "VRU", allocation, spent, planned), Conditions(Decimal("20"))
    )

    assert f.forecast_outturn + f.forecast_underspend == allocation
    assert f.spent_to_date == sum((q.actual for q in spent), Decimal("0.00"))
    assert f.match_total == f.match_cash + f.match_in_kind
    assert f.labour_spend + f.non_labour_spend == f.spent_to_date
    assert f.interventions_spend <= f.spent_to_date


@FEW
@given(money, money.filter(lambda whole: whole > 0))
def test_percentages_round_half_up_to_two_places(part, whole):
    exact = part * 100 / whole

    assert calculate_percent(part, whole) == exact.quantize(PENNY, rounding=ROUND_HALF_UP)
    assert abs(calculate_percent(part, whole) - exact) <= Decimal("0.005")


@FEW
@given(money, money, money, percent, money)
def test_year_to_date_and_outturn(first, second, actual, threshold, amount):
    line = LineInput(
        "L",
        first + second,
        (first, second, actual, Decimal("0.00")),
        (first, second),
        actual,
        second,
    )

    f = calculate_line(line, 3, Thresholds(threshold, amount))

    assert f.year_to_date == first + second + actual
    assert f.forecast_outturn - f.year_to_date == f.forecast_remaining
    assert f.variance == actual - actual  # the profile for Q3 is the actual here
    assert f.needs_reason is False


@FEW
@given(money, money, money, percent, money)
def test_a_larger_variance_never_needs_a_reason_less(profile, a, b, threshold, amount):
    thresholds = Thresholds(threshold, amount)
    near, far = sorted([a, b])

    if is_reason_required(profile, profile + near, thresholds):
        assert is_reason_required(profile, profile + far, thresholds)
    if is_reason_required(profile, profile - far, thresholds) is False:
        assert is_reason_required(profile, profile - near, thresholds) is False
    assert is_reason_required(profile, profile, thresholds) is False


@FEW
@given(st.lists(st.tuples(money, money, money, money), min_size=1, max_size=6))
def test_stream_totals_add_up_and_the_overall_share_lies_between_the_shares(parts):
    conditions = Conditions(Decimal("20"))
    figures = [
        calculate_recipient(
            RecipientInput(
                f"r{i}",
                "VRU",
                allocation,
                (
                    QuarterSpend(
                        1,
                        (SpendLine("L", Category.INTERVENTIONS, CostType.LABOUR, spent, left),),
                        (MatchAmount(MatchKind.CASH, match),),
                    ),
                ),
            ),
            conditions,
        )
        for i, (allocation, spent, left, match) in enumerate(parts)
    ]

    totals = calculate_stream_totals("VRU", figures, conditions)

    assert totals.allocation == sum((f.allocation for f in figures), Decimal("0.00"))
    assert totals.forecast_underspend == sum(
        (f.forecast_underspend for f in figures), Decimal("0.00")
    )
    if all(f.spent_to_date for f in figures):
        shares = [f.match_total * 100 / f.spent_to_date for f in figures]
        exact = totals.match_total * 100 / totals.spent_to_date
        assert min(shares) <= exact <= max(shares)


@FEW
@given(st.lists(st.tuples(money, money), min_size=1, max_size=8))
def test_moves_use_only_spare_money_and_cover_what_they_can(pairs):
    figures = [
        calculate_recipient(RecipientInput(f"r{i}", "VRU", allocation, (), outturn), Conditions())
        for i, (allocation, outturn) in enumerate(pairs)
    ]

    moves = suggest_moves(figures)

    given_by: dict[str, Decimal] = defaultdict(Decimal)
    taken_by: dict[str, Decimal] = defaultdict(Decimal)
    for move in moves:
        assert move.amount > 0
        given_by[move.from_recipient] += move.amount
        taken_by[move.to_recipient] += move.amount
    by_code = {f.recipient: f.forecast_underspend for f in figures}
    assert all(amount <= by_code[code] for code, amount in given_by.items())
    assert all(amount <= -by_code[code] for code, amount in taken_by.items())
    spare = sum((u for u in by_code.values() if u > 0), Decimal("0.00"))
    short = sum((-u for u in by_code.values() if u < 0), Decimal("0.00"))
    assert sum((m.amount for m in moves), Decimal("0.00")) == min(spare, short)
