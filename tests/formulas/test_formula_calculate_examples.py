"""Worked examples of the formula, each computed by hand in its docstring."""

from decimal import Decimal

from formulas.calculate import calculate_allocations
from formulas.spec import TopSlice
from tests.formulas.formula_builders import build_data, build_population, build_previous, build_spec


def amounts(result):
    return {a.recipient: str(a.amount) for a in result.allocations}


def test_equal_need_splits_the_odd_penny_alphabetically():
    """1000.00 in three equal shares is 333.333... each.

    Rounded down: 333.33 x 3 = 999.99, one penny left. It goes to the largest remainder; all are
    equal (0.00333...), so to the first code alphabetically: alpha.
    """
    result = calculate_allocations(build_spec(), build_population(gamma="1", beta="1", alpha="1"))

    assert amounts(result) == {"alpha": "333.34", "beta": "333.33", "gamma": "333.33"}
    assert result.total == Decimal("1000.00")
    assert [a.rounding for a in result.allocations] == [Decimal("0.01"), 0, 0]


def test_base_and_two_indicators():
    """Pot 1000, base 0.4, weights x 0.5 and y 0.5.

    Base: 1000 x 0.4 / 3 = 133.333... each. Need pot 600: x's 300 shared 1:1:2 is 75, 75, 150;
    y's 300 shared 2:1:1 is 150, 75, 75. So a = 358.333..., b = 283.333..., c = 358.333...
    Floors 358.33 + 283.33 + 358.33 = 999.99; the penny goes to a (equal remainders, a first).
    """
    spec = build_spec(base_share="0.4", weights={"x": "0.5", "y": "0.5"})
    data = build_data(
        {"a": {"x": "1", "y": "2"}, "b": {"x": "1", "y": "1"}, "c": {"x": "2", "y": "1"}}
    )

    result = calculate_allocations(spec, data)

    assert amounts(result) == {"a": "358.34", "b": "283.33", "c": "358.33"}
    a = result.allocations[0]
    assert (a.base, a.need, a.before_damping) == (
        Decimal("133.33"),
        Decimal("225.00"),
        Decimal("358.33"),
    )
    assert [(i.indicator, i.share, i.contribution) for i in a.indicators] == [
        ("x", Decimal("0.25"), Decimal("75.00")),
        ("y", Decimal("0.5"), Decimal("150.00")),
    ]


def test_top_slices_by_percent_and_amount():
    """Hub 10% of 1000 = 100.00; evaluation 50.00; D = 850 shared 1:4 = 170 and 680."""
    spec = build_spec(
        top_slices=(
            TopSlice("hub", percent=Decimal("10")),
            TopSlice("evaluation", amount=Decimal("50.00")),
        )
    )

    result = calculate_allocations(spec, build_population(a="1", b="4"))

    assert [(s.recipient, str(s.amount)) for s in result.top_slices] == [
        ("hub", "100.00"),
        ("evaluation", "50.00"),
    ]
    assert result.distributable == Decimal("850.00")
    assert amounts(result) == {"a": "170.00", "b": "680.00"}
    assert result.total == Decimal("1000.00")


def test_floor_is_paid_for_by_those_above_their_floors():
    """Before damping a 500, b 300, c 200 (values 5:3:2). Previous 500, 300, 250, floor -10%.

    Floors 450, 270, 225: c is 25 short. a is 50 above its floor and b 30, 80 in all, so each
    keeps 1 - 25/80 = 0.6875 of its excess: a = 450 + 34.375 = 484.375, b = 270 + 20.625 =
    290.625, c = 225. Rounding: 484.37 + 290.62 + 225.00 = 999.99; a and b tie on remainder
    0.005, so the penny goes to a.
    """
    spec = build_spec(floor="-0.10")
    previous = build_previous(a="500.00", b="300.00", c="250.00")

    result = calculate_allocations(spec, build_population(a="5", b="3", c="2"), previous)

    assert amounts(result) == {"a": "484.38", "b": "290.62", "c": "225.00"}
    a, _, c = result.allocations
    assert (c.damping, c.held_at, c.floor) == (Decimal("25.00"), "floor", Decimal("225.00"))
    assert a.exact_after_damping == Decimal("484.375")
    # Shown in pence, 484.375 is 484.38 (half up), so the penny is damping, not rounding.
    assert (a.damping, a.rounding) == (Decimal("-15.62"), Decimal("0.00"))
    assert (c.change, c.change_percent) == (Decimal("-25.00"), Decimal("-10.00"))


def test_ceiling_surplus_goes_to_those_below_their_ceilings_over_two_rounds():
    """Before damping a 500, b 300, c 200. Previous 400, 300, 300, ceiling +10%: 440, 330, 330.

    Round 1: a is cut to 440; its 60 goes to b and c by amount (300:200): b 336, c 224.
    Round 2: b is over 330, cut; its 6 goes to c: 230. Nothing is over: a 440, b 330, c 230.
    """
    spec = build_spec(ceiling="0.10")
    previous = build_previous(a="400.00", b="300.00", c="300.00")

    result = calculate_allocations(spec, build_population(a="5", b="3", c="2"), previous)

    assert amounts(result) == {"a": "440.00", "b": "330.00", "c": "230.00"}
    assert [a.held_at for a in result.allocations] == ["ceiling", "ceiling", None]


def test_floor_and_ceiling_in_whole_pounds():
    """Unit 1. Before damping a 500, b 300, c 200; previous 450, 300, 250; floor -10%, ceiling +5%.

    Floors (rounded up): 405, 270, 225. Ceilings (rounded down): 472.5 -> 472, 315, 262.5 -> 262.
    Floors: c is 25 short; a is 95 above its floor, b 30: each keeps 1 - 25/125 = 0.8 of it,
    a = 481, b = 294, c = 225. Ceilings: a is cut to 472; its 9 goes to b and c by amount
    (294:225): b = 294 x 528/519 = 299.098..., c = 225 x 528/519 = 228.901...
    Rounding to pounds: 472 + 299 + 228 = 999; the pound goes to c (remainder 0.90 beats 0.10).
    """
    spec = build_spec(rounding_unit="1", floor="-0.10", ceiling="0.05")
    previous = build_previous(a="450.00", b="300.00", c="250.00")

    result = calculate_allocations(spec, build_population(a="5", b="3", c="2"), previous)

    assert amounts(result) == {"a": "472", "b": "299", "c": "229"}
    assert [(a.floor, a.ceiling) for a in result.allocations] == [
        (Decimal(405), Decimal(472)),
        (Decimal(270), Decimal(315)),
        (Decimal(225), Decimal(262)),
    ]
    assert result.total == Decimal("1000.00")


def test_floor_is_rounded_up_to_the_unit():
    """Previous 60.50, floor -5%: 57.475. In pence the floor is 57.48; in pounds it is 58.

    Before damping a and b have 50 each; a is raised to its floor and b pays for it.
    """
    data = build_population(a="1", b="1")
    previous = build_previous(a="60.50")

    in_pence = calculate_allocations(build_spec(pot="100.00", floor="-0.05"), data, previous)
    in_pounds = calculate_allocations(
        build_spec(pot="100.00", floor="-0.05", rounding_unit="1"), data, previous
    )

    assert amounts(in_pence) == {"a": "57.48", "b": "42.52"}
    assert amounts(in_pounds) == {"a": "58", "b": "42"}


def test_whole_pounds_without_a_top_slice_the_pence_go_to_the_next_in_line():
    """Pot 1000.45 in pounds, three equal shares of 333.4833...

    Whole pounds: 333 x 3 = 999; the spare pound goes to a (equal remainders, a first). The
    0.45 that is not a whole pound goes to the next in line, b.
    """
    spec = build_spec(pot="1000.45", rounding_unit="1")

    result = calculate_allocations(spec, build_population(a="1", b="1", c="1"))

    assert amounts(result) == {"a": "334", "b": "333.45", "c": "333"}
    assert result.total == Decimal("1000.45")


def test_whole_pounds_with_a_top_slice_the_pence_go_to_the_first_top_slice():
    """Pot 1000.45, hub 12.5%: 125.05625 -> 125, plus the 0.45: 125.45. D = 875 split 1:2:4."""
    spec = build_spec(
        pot="1000.45", rounding_unit="1", top_slices=(TopSlice("hub", percent=Decimal("12.5")),)
    )

    result = calculate_allocations(spec, build_population(a="1", b="2", c="4"))

    assert [str(s.amount) for s in result.top_slices] == ["125.45"]
    assert amounts(result) == {"a": "125", "b": "250", "c": "500"}


def test_previous_without_damping_only_fills_the_change_columns():
    """a gets 600 (previous 500: +100, +20%); b has no previous amount, so no change."""
    result = calculate_allocations(
        build_spec(), build_population(a="3", b="2"), build_previous(a="500.00")
    )

    a, b = result.allocations
    assert (a.amount, a.change, a.change_percent, a.damping) == (
        Decimal("600.00"),
        Decimal("100.00"),
        Decimal("20.00"),
        0,
    )
    assert (b.previous, b.change, b.change_percent) == (None, None, None)
    assert result.damped is False


def test_a_spoke_without_a_previous_amount_is_not_damped_but_pays_towards_floors():
    """Before damping a 500, b 500. Only a has a previous amount (600, floor 0): a is raised
    to 600 and b, with no floor, pays the 100 from its whole amount."""
    result = calculate_allocations(
        build_spec(floor="0"), build_population(a="1", b="1"), build_previous(a="600.00")
    )

    assert amounts(result) == {"a": "600.00", "b": "400.00"}
    assert result.allocations[1].floor is None


def test_explanation_columns_add_up_across_each_row():
    spec = build_spec(base_share="0.3", weights={"x": "0.7", "y": "0.3"}, floor="-0.02")
    data = build_data(
        {
            "a": {"x": "7", "y": "1"},
            "b": {"x": "3", "y": "5"},
            "c": {"x": "11", "y": "13"},
        }
    )
    previous = build_previous(a="400.00", b="250.00", c="300.00")

    result = calculate_allocations(spec, data, previous)

    for a in result.allocations:
        assert a.base + a.need == a.before_damping
        assert a.before_damping + a.damping + a.rounding == a.amount
        assert sum(i.contribution for i in a.indicators) == a.need
