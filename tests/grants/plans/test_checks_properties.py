"""Properties of the add-up checks over random plans (hypothesis; pure, no database)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import format_gbp, split_largest_remainder
from grants.plans.checks import (
    StreamConditions,
    build_line,
    check_allocations,
    check_profile,
    split_evenly,
)
from grants.vocabulary import Category

FEW = settings(max_examples=80, deadline=None)
pennies = st.integers(min_value=0, max_value=10**10)


def money(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


@st.composite
def plans(draw):
    """An allocation and lines that share it exactly (by a random largest-remainder split)."""
    allocation = money(draw(pennies))
    weights = draw(st.lists(st.integers(1, 1000), min_size=1, max_size=12))
    budgets = split_largest_remainder(allocation, [Decimal(w) for w in weights])
    lines = [build_line(f"L{i}", Category.STAFFING, str(b)) for i, b in enumerate(budgets)]
    return allocation, lines


@FEW
@given(plans())
def test_lines_that_share_the_allocation_exactly_pass(plan):
    allocation, lines = plan

    assert not check_allocations(lines, [StreamConditions("VRU", allocation)])


@FEW
@given(plans(), st.integers(-(10**6), 10**6).filter(bool), st.data())
def test_any_difference_is_refused_and_stated_to_the_penny(plan, change, data):
    allocation, lines = plan
    index = data.draw(st.integers(0, len(lines) - 1))
    moved = lines[index].annual_budget + money(change)
    lines[index] = build_line(
        lines[index].ref, Category.STAFFING, str(moved), profile=[str(moved), "0", "0", "0"]
    )

    problems = check_allocations(lines, [StreamConditions("VRU", allocation)])

    assert len(problems) == 1
    word = "more" if change > 0 else "less"
    assert f"{format_gbp(abs(money(change)))} {word} than" in problems[0].message


@FEW
@given(pennies)
def test_an_even_split_always_adds_up_and_differs_by_at_most_a_penny(pence):
    budget = money(pence)

    quarters = split_evenly(budget)

    assert sum(quarters, Decimal("0.00")) == budget
    assert max(quarters) - min(quarters) <= Decimal("0.01")
    assert list(quarters) == sorted(quarters, reverse=True)  # odd pennies go first
    assert not check_profile(
        build_line("L", Category.STAFFING, str(budget), profile=[str(q) for q in quarters])
    )


@FEW
@given(st.lists(pennies, min_size=4, max_size=4), pennies)
def test_a_profile_passes_exactly_when_it_adds_up_to_the_budget(quarter_pence, budget_pence):
    quarters = [money(p) for p in quarter_pence]
    budget = money(budget_pence)

    problems = check_profile(
        build_line("L", Category.STAFFING, str(budget), profile=[str(q) for q in quarters])
    )

    assert (not problems) == (sum(quarters, Decimal("0.00")) == budget)
