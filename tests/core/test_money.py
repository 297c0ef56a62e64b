"""Money: one constructor that refuses floats, one rounding rule, an exact split.

Worked examples first (each one a sum a finance officer could check by hand), then properties.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import (
    PENNY,
    POUND,
    MoneyError,
    format_gbp,
    format_plain,
    round_to_unit,
    split_largest_remainder,
    to_money,
)

D = Decimal


# --- to_money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1234.56"), "1234.56"),
        (D("7"), "7.00"),
        (D("7.5"), "7.50"),
        (D("1E+2"), "100.00"),
        (D("-12.30"), "-12.30"),
        (42, "42.00"),
        (0, "0.00"),
        ("£1,234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        (" 12 ", "12.00"),
        ("-£5.5", "-5.50"),
        ("10.000", "10.00"),  # trailing zeros are not a fraction of a penny
    ],
)
def test_to_money_accepts_exact_amounts(value, expected):
    amount = to_money(value)

    assert isinstance(amount, Decimal)
    assert str(amount) == expected  # always two places, so the value and its form are exact


@pytest.mark.parametrize("value", [0.1, 1.0, 1528667.0, float("nan"), float("inf")])
def test_to_money_refuses_floats(value):
    with pytest.raises(MoneyError, match="float"):
        to_money(value)


@pytest.mark.parametrize("value", [True, False])
def test_to_money_refuses_bools(value):
    # bool is an int subclass: without the check True would become £1.00.
    with pytest.raises(MoneyError):
        to_money(value)


@pytest.mark.parametrize("value", ["10.005", D("10.005"), "0.001", "1e-5"])
def test_to_money_refuses_fractions_of_a_penny(value):
    with pytest.raises(MoneyError, match="more than two decimal places"):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "12.3.4", "£", "1,2x", "ten pounds"])
def test_to_money_refuses_text_that_is_not_a_number(value):
    with pytest.raises(MoneyError):
        to_money(value)


@pytest.mark.parametrize("value", ["", "   ", "£"])
def test_to_money_refuses_empty_text(value):
    with pytest.raises(MoneyError):
        to_money(value)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", D("NaN"), D("Infinity")])
def test_to_money_refuses_nan_and_infinity(value):
    with pytest.raises(MoneyError, match="finite"):
        to_money(value)


@pytest.mark.parametrize("value", [None, [D("1")], object()])
def test_to_money_refuses_other_types(value):
    with pytest.raises(MoneyError, match="not an amount"):
        to_money(value)


@pytest.mark.parametrize("value", ["1e30", D("1E+40"), "99999999999999999999999999999"])
def test_to_money_refuses_amounts_too_large_to_hold_in_pence(value):
    # Too big for 28 significant digits at two places: a MoneyError, never a bare
    # decimal.InvalidOperation that a form would turn into a server error.
    with pytest.raises(MoneyError):
        to_money(value)


def test_to_money_names_the_field_in_its_message():
    with pytest.raises(MoneyError, match=r"^top slice:"):
        to_money("abc", field="top slice")


# --- round_to_unit -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "rounding", "expected"),
    [
        ("2.345", PENNY, ROUND_HALF_UP, "2.35"),
        ("2.344", PENNY, ROUND_HALF_UP, "2.34"),
        ("-2.345", PENNY, ROUND_HALF_UP, "-2.35"),  # half away from zero
        ("2.349", PENNY, ROUND_DOWN, "2.34"),
        ("-2.349", PENNY, ROUND_DOWN, "-2.34"),  # down is towards zero
        ("2.5", POUND, ROUND_HALF_UP, "3"),
        ("2.49", POUND, ROUND_HALF_UP, "2"),
        ("2.99", POUND, ROUND_DOWN, "2"),
        ("1528667.4999", POUND, ROUND_HALF_UP, "1528667"),
        ("157181.255", PENNY, ROUND_HALF_UP, "157181.26"),
    ],
)
def test_round_to_unit(amount, unit, rounding, expected):
    result = round_to_unit(D(amount), unit, rounding=rounding)

    assert str(result) == expected


def test_round_to_unit_is_half_up_by_default():
    assert round_to_unit(D("0.125")) == D("0.13")  # banker's rounding would give 0.12


def test_round_to_unit_refuses_a_float():
    with pytest.raises(MoneyError):
        round_to_unit(2.345)


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "pence", "expected"),
    [
        ("1234.5", True, "£1,234.50"),
        ("0", True, "£0.00"),
        ("1528667.00", True, "£1,528,667.00"),
        ("-5702.48", True, "-£5,702.48"),
        ("1528667.49", False, "£1,528,667"),
        ("1528667.50", False, "£1,528,668"),
        ("-0.5", False, "-£1"),
        ("999.999", True, "£1,000.00"),
    ],
)
def test_format_gbp(amount, pence, expected):
    assert format_gbp(D(amount), pence=pence) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1528667", "1528667.00"),
        ("-5702.48", "-5702.48"),
        ("0.005", "0.01"),
    ],
)
def test_format_plain(amount, expected):
    assert format_plain(D(amount)) == expected


@pytest.mark.parametrize("formatter", [format_gbp, format_plain])
def test_formatters_refuse_floats(formatter):
    with pytest.raises(MoneyError):
        formatter(1234.5)


# --- split_largest_remainder: worked examples -----------------------------------------------------


def test_split_one_hundred_pounds_three_ways():
    # 33.333... each; the floors 33.33 x 3 leave one penny, which goes to the first (equal
    # remainders, no keys: the earlier position wins).
    parts = split_largest_remainder(D("100.00"), [D(1), D(1), D(1)])

    assert parts == [D("33.34"), D("33.33"), D("33.33")]


def test_split_by_unequal_weights():
    # 10.00 in 2:1 is 6.666... and 3.333...; floors 6.66 + 3.33 = 9.99; the penny left goes to
    # the larger remainder (0.00666... against 0.00333...).
    assert split_largest_remainder(D("10.00"), [D(2), D(1)]) == [D("6.67"), D("3.33")]


def test_split_gives_leftover_pennies_to_largest_remainders_not_largest_shares():
    # Exact shares 0.5, 0.35, 0.15 of 0.10: 0.05, 0.035, 0.015. Floors 0.05, 0.03, 0.01 leave
    # one penny; remainders 0, 0.005, 0.005 tie, so the earlier of the tied ones takes it.
    parts = split_largest_remainder(D("0.10"), [D("0.5"), D("0.35"), D("0.15")])

    assert parts == [D("0.05"), D("0.04"), D("0.01")]


def test_split_ties_go_to_tie_keys_alphabetically_whatever_the_input_order():
    weights = [D(1), D(1), D(1)]
    in_order = split_largest_remainder(
        D("100.00"), weights, tie_keys=["bristol", "banes", "somerset"]
    )
    reordered = split_largest_remainder(
        D("100.00"), weights, tie_keys=["somerset", "bristol", "banes"]
    )

    # banes is first alphabetically, so banes takes the odd penny in both orders.
    assert in_order == [D("33.33"), D("33.34"), D("33.33")]
    assert reordered == [D("33.33"), D("33.33"), D("33.34")]


def test_split_two_pennies_among_three_tied_keys():
    parts = split_largest_remainder(D("0.02"), [D(1)] * 3, tie_keys=["c", "a", "b"])

    assert parts == [D("0.00"), D("0.01"), D("0.01")]


def test_split_of_zero_is_all_zeros():
    assert split_largest_remainder(D("0.00"), [D(3), D(1)]) == [D("0.00"), D("0.00")]


def test_split_in_whole_pounds():
    parts = split_largest_remainder(D("10"), [D(1), D(1), D(1)], POUND)

    assert parts == [D("4"), D("3"), D("3")]
    assert [str(p) for p in parts] == ["4", "3", "3"]


def test_split_with_a_zero_weight_gives_that_part_nothing():
    assert split_largest_remainder(D("1.00"), [D(0), D(1), D(2)]) == [
        D("0.00"),
        D("0.33"),
        D("0.67"),
    ]


def test_split_a_large_pot_by_population():
    # 1,528,667.00 by four populations (1,172,900 people). Exact shares:
    #   252,062.578...  615,689.565...  282,429.993...  378,484.863...
    # floors add up to 1,528,666.98; the two pennies left go to the two largest remainders
    # (0.0078 of the first and 0.0065 of the second) and not to the largest shares.
    weights = [D(193_400), D(472_400), D(216_700), D(290_400)]
    parts = split_largest_remainder(D("1528667.00"), weights)

    assert parts == [D("252062.58"), D("615689.57"), D("282429.99"), D("378484.86")]
    assert sum(parts) == D("1528667.00")


# --- split_largest_remainder: refusals ------------------------------------------------------------


def test_split_refuses_a_negative_total():
    with pytest.raises(MoneyError, match="negative"):
        split_largest_remainder(D("-1.00"), [D(1)])


def test_split_refuses_all_zero_weights():
    with pytest.raises(MoneyError, match="positive weight"):
        split_largest_remainder(D("1.00"), [D(0), D(0)])


def test_split_refuses_no_weights():
    with pytest.raises(MoneyError, match="positive weight"):
        split_largest_remainder(D("1.00"), [])


def test_split_refuses_a_negative_weight():
    with pytest.raises(MoneyError, match="negative"):
        split_largest_remainder(D("1.00"), [D(2), D(-1)])


@pytest.mark.parametrize(("total", "unit"), [("10.50", POUND), ("0.005", PENNY)])
def test_split_refuses_a_total_that_is_not_a_whole_number_of_units(total, unit):
    with pytest.raises(MoneyError, match="not a whole number"):
        split_largest_remainder(D(total), [D(1), D(1)], unit)


def test_split_refuses_float_weights():
    with pytest.raises(MoneyError):
        split_largest_remainder(D("1.00"), [D(1), 0.5])


# --- split_largest_remainder: properties ----------------------------------------------------------

units = st.sampled_from([PENNY, POUND])
weights_lists = st.lists(
    st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)


@st.composite
def splits(draw):
    unit = draw(units)
    total = draw(st.integers(min_value=0, max_value=10**11)) * unit
    weights = draw(weights_lists)
    return total, weights, unit


@settings(max_examples=200)
@given(splits())
def test_property_split_adds_up_to_the_whole_exactly(case):
    total, weights, unit = case

    parts = split_largest_remainder(total, weights, unit)

    assert len(parts) == len(weights)
    assert sum(parts, D(0)) == total


@settings(max_examples=200)
@given(splits())
def test_property_no_part_is_negative_and_each_is_a_whole_number_of_units(case):
    total, weights, unit = case

    parts = split_largest_remainder(total, weights, unit)

    assert all(part >= 0 for part in parts)
    assert all(part == part.quantize(unit) for part in parts)


@settings(max_examples=200)
@given(splits())
def test_property_each_part_is_within_one_unit_of_its_exact_share(case):
    total, weights, unit = case

    parts = split_largest_remainder(total, weights, unit)

    weight_sum = sum(weights, D(0))
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / weight_sum
        assert abs(part - exact) < unit


@settings(max_examples=150)
@given(splits(), st.randoms(use_true_random=False))
def test_property_permuting_the_inputs_permutes_the_outputs(case, random):
    total, weights, unit = case
    keys = [f"spoke-{i:02d}" for i in range(len(weights))]
    order = list(range(len(weights)))
    random.shuffle(order)

    parts = split_largest_remainder(total, weights, unit, tie_keys=keys)
    shuffled = split_largest_remainder(
        total, [weights[i] for i in order], unit, tie_keys=[keys[i] for i in order]
    )

    assert shuffled == [parts[i] for i in order]


@settings(max_examples=200)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_property_to_money_round_trips_its_own_plain_form(amount):
    assert to_money(format_plain(amount)) == amount
    assert to_money(format_gbp(amount).replace("-£", "-")) == amount


# --- the float trap that every test runs under ----------------------------------------------------


def test_float_trap_is_set_for_every_test():
    assert decimal.getcontext().traps[decimal.FloatOperation]


def test_constructing_a_decimal_from_a_float_fails_under_the_trap():
    with pytest.raises(decimal.FloatOperation):
        Decimal(0.1)  # noqa: RUF032 - the float is the point


def test_comparing_a_decimal_with_a_float_fails_under_the_trap():
    with pytest.raises(decimal.FloatOperation):
        _ = Decimal("1") < 1.5
