"""Properties of the whole calculation, over random formulas and data (hypothesis)."""

import random
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from core.money import PENNY, POUND, round_to_unit
from core.problems import DomainError
from formulas.calculate import calculate_allocations
from formulas.spec import (
    IndicatorDataset,
    IndicatorValue,
    PreviousAllocations,
    PreviousAmount,
    TopSlice,
)
from tests.formulas.formula_builders import build_spec

SPOKES = ("banes", "bristol", "north-somerset", "somerset", "south-glos", "x1", "x2", "x3")
INDICATORS = ("population", "offences", "claims")
FEW = settings(max_examples=60, deadline=None)


@st.composite
def cases(draw, *, damping=False):
    n = draw(st.integers(1, len(SPOKES)))
    spokes = draw(st.permutations(SPOKES))[:n]
    k = draw(st.integers(1, len(INDICATORS)))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=k - 1, max_size=k - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    weights = {INDICATORS[i]: str(Decimal(p) / 100) for i, p in enumerate(parts)}
    unit = draw(st.sampled_from(["0.01", "1"]))
    pot = Decimal(draw(st.integers(0, 10**9))) / 100
    top_slices = []
    if draw(st.booleans()):
        top_slices.append(TopSlice("hub", percent=Decimal(draw(st.integers(0, 60))) / 2))
    if draw(st.booleans()):
        top_slices.append(TopSlice("evaluation", amount=(pot / 5).quantize(PENNY)))
    values = []
    for indicator in weights:
        # Values from 1 up so every spoke has something to scale the ceilings' surplus by.
        for spoke in spokes:
            value = Decimal(draw(st.integers(1, 10**6))) / 1000
            values.append(IndicatorValue(spoke, indicator, value, "test"))
    floor = ceiling = None
    previous = None
    if damping:
        floor = draw(st.sampled_from([None, "-0.3", "-0.1", "-0.05", "0"]))
        ceiling = draw(st.sampled_from([None, "0", "0.05", "0.1", "0.5"]))
        if floor is None and ceiling is None:
            floor = "-0.05"
        amounts = []
        for spoke in spokes:
            if draw(st.integers(0, 4)):  # most spokes have a previous amount, some do not
                amounts.append(PreviousAmount(spoke, Decimal(draw(st.integers(0, 10**9))) / 100))
        previous = PreviousAllocations(tuple(amounts), "previous.csv")
    spec = build_spec(
        pot=str(pot),
        rounding_unit=unit,
        base_share=str(Decimal(draw(st.integers(0, 100))) / 100),
        weights=weights,
        top_slices=tuple(top_slices),
        floor=floor,
        ceiling=ceiling,
    )
    return spec, IndicatorDataset(tuple(values), "needs.csv"), previous


@FEW
@given(cases())
def test_total_is_exactly_the_pot_and_no_allocation_is_negative(case):
    spec, data, _ = case

    result = calculate_allocations(spec, data)

    assert result.total == spec.pot
    assert all(a.amount >= 0 for a in result.allocations)
    assert all(s.amount >= 0 for s in result.top_slices)


@FEW
@given(cases())
def test_without_damping_each_is_within_one_unit_of_its_exact_share(case):
    spec, data, _ = case

    result = calculate_allocations(spec, data)

    for a in result.allocations:
        assert abs(a.amount - a.exact_before_damping) < spec.rounding_unit
        if spec.rounding_unit == POUND and a.amount != a.amount.to_integral_value():
            continue  # the one spoke that takes the pot's pence
        assert a.amount % spec.rounding_unit == 0


@settings(max_examples=120, deadline=None)
@given(cases(damping=True))
def test_bounds_hold_whenever_they_can_be_met(case):
    """'Can be met' with bounds on the unit: floors rounded up, ceilings rounded down."""
    spec, data, previous = case
    try:
        result = calculate_allocations(spec, data, previous)
    except DomainError as error:
        assert "damping bounds cannot be met" in error.message
        event("bounds cannot be met")
        assert_bounds_cannot_be_met(spec, data, previous, error)
        return

    assert result.total == spec.pot
    prior = {p.recipient: p.amount for p in previous.amounts}
    for a in result.allocations:
        assert a.amount >= 0
        if a.recipient not in prior:
            continue
        exact_floor = exact_ceiling = None
        if spec.damping.floor is not None:
            exact_floor = prior[a.recipient] * (1 + spec.damping.floor)
            assert a.amount >= exact_floor
        if spec.damping.ceiling is not None:
            exact_ceiling = prior[a.recipient] * (1 + spec.damping.ceiling)
            # Where no whole unit lies between floor and ceiling, the floor wins.
            limit = exact_ceiling if a.floor is None else max(exact_ceiling, a.floor)
            assert a.amount <= limit


def assert_bounds_cannot_be_met(spec, data, previous, error):
    unit = spec.rounding_unit
    prior = {p.recipient: p.amount for p in previous.amounts}
    spokes = {v.recipient for v in data.values}
    floors = ceilings = Decimal(0)
    capped = spec.damping.ceiling is not None
    for spoke in spokes:
        if spoke not in prior:
            capped = False
            continue
        floor = Decimal(0)
        if spec.damping.floor is not None:
            floor = round_to_unit(
                prior[spoke] * (1 + spec.damping.floor), unit, rounding=ROUND_CEILING
            )
        floors += floor
        if spec.damping.ceiling is not None:
            ceiling = round_to_unit(
                prior[spoke] * (1 + spec.damping.ceiling), unit, rounding=ROUND_DOWN
            )
            ceilings += max(ceiling, floor)
    distributable = calculate_allocations(replace(spec, damping=None), data).distributable
    assert floors > distributable or (capped and ceilings < distributable), str(error)


@FEW
@given(cases(damping=True), st.randoms(use_true_random=False))
def test_the_order_of_the_input_rows_does_not_change_the_result(case, rng: random.Random):
    spec, data, previous = case
    shuffled_data = IndicatorDataset(tuple(rng.sample(data.values, len(data.values))), data.file)
    shuffled_previous = PreviousAllocations(
        tuple(rng.sample(previous.amounts, len(previous.amounts))), previous.file
    )
    try:
        expected = calculate_allocations(spec, data, previous)
    except DomainError as error:
        with pytest.raises(DomainError) as again:
            calculate_allocations(spec, shuffled_data, shuffled_previous)
        assert again.value.problems.messages() == error.problems.messages()
        return

    assert calculate_allocations(spec, shuffled_data, shuffled_previous) == expected


@FEW
@given(cases(damping=True), st.sampled_from(["1000", "0.001", "7", "3.14159"]))
def test_scaling_one_indicator_by_a_positive_constant_changes_nothing(case, factor):
    spec, data, previous = case
    scaled_indicator = spec.indicators[0].indicator
    scaled = IndicatorDataset(
        tuple(
            IndicatorValue(v.recipient, v.indicator, v.value * Decimal(factor), v.source)
            if v.indicator == scaled_indicator
            else v
            for v in data.values
        ),
        data.file,
    )
    try:
        expected = calculate_allocations(spec, data, previous)
    except DomainError:
        with pytest.raises(DomainError):
            calculate_allocations(spec, scaled, previous)
        return

    result = calculate_allocations(spec, scaled, previous)

    assert [a.amount for a in result.allocations] == [a.amount for a in expected.allocations]
    assert [(a.base, a.need, a.damping, a.rounding) for a in result.allocations] == [
        (a.base, a.need, a.damping, a.rounding) for a in expected.allocations
    ]
    assert [[i.share for i in a.indicators] for a in result.allocations] == [
        [i.share for i in a.indicators] for a in expected.allocations
    ]


def test_weights_are_refused_unless_they_add_up_to_exactly_one():
    spec = build_spec(weights={"population": "0.5", "offences": "0.49"})
    data = IndicatorDataset(
        (
            IndicatorValue("a", "population", Decimal(1)),
            IndicatorValue("a", "offences", Decimal(1)),
        ),
        "needs.csv",
    )

    with pytest.raises(DomainError, match=r"add up to 0\.99, not exactly 1"):
        calculate_allocations(spec, data)
