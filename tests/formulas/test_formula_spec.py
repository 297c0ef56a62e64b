"""Reading a formula from TOML: the good file, and every problem named by line and key."""

from decimal import Decimal

import pytest

from core.financial_year import FinancialYear
from core.problems import DomainError
from formulas.spec import Damping, IndicatorWeight, TopSlice, parse_formula_toml
from tests.formulas.formula_builders import FORMULA_TOML


def problems_of(text, file="formula.toml"):
    with pytest.raises(DomainError) as raised:
        parse_formula_toml(text, file=file)
    return raised.value.problems.messages()


def test_a_good_file_reads_into_exact_decimals():
    spec = parse_formula_toml(FORMULA_TOML, file="formula.toml")

    assert spec.name == "Test formula"
    assert spec.financial_year == FinancialYear(2024)
    assert spec.pot == Decimal("1000.00")
    assert spec.rounding_unit == Decimal("0.01")
    assert spec.top_slices == (TopSlice("hub", percent=Decimal("10")),)
    assert spec.base_share == Decimal("0.4")
    assert spec.indicators == (
        IndicatorWeight("population", Decimal("0.5")),
        IndicatorWeight("offences", Decimal("0.5")),
    )
    assert spec.damping == Damping(Decimal("-0.10"), Decimal("0.10"))


def test_the_example_formula_reads():
    with open("examples/formulas/asvrp-2024-25.toml", encoding="utf-8") as file:
        spec = parse_formula_toml(file.read())

    assert spec.pot == Decimal("1528667.00")
    assert sum(w.weight for w in spec.indicators) == 1


def test_toml_integers_are_accepted():
    text = FORMULA_TOML.replace('pot = "1000.00"', "pot = 1000").replace(
        'rounding_unit = "0.01"', "rounding_unit = 1"
    )

    spec = parse_formula_toml(text)

    assert (spec.pot, spec.rounding_unit) == (Decimal("1000.00"), Decimal(1))


def test_a_toml_float_is_refused_with_the_fix_in_the_message():
    text = FORMULA_TOML.replace('share = "0.4"', "share = 0.4")

    assert problems_of(text) == [
        "formula.toml, row 13, column base.share: share = 0.4 is a TOML float, which cannot hold "
        'money or ratios exactly; write it in quotes: share = "0.4"'
    ]


def test_every_problem_is_reported_at_once_with_its_line():
    text = (
        FORMULA_TOML.replace('rounding_unit = "0.01"', 'rounding_unit = "0.5"')
        .replace('offences = "0.5"', 'offences = "0.4"')
        .replace('percent = "10"', 'percent = "10"\namount = "5.00"')
        .replace('ceiling = "0.10"', 'ceiling = "-0.20"')
        .replace('financial_year = "2024-25"', 'financial_year = "2024-26"')
    )

    messages = problems_of(text)

    assert any(m.startswith("formula.toml, row 4, column financial_year:") for m in messages)
    assert any(
        m.startswith("formula.toml, row 6, column rounding_unit: rounding unit 0.5 is not allowed")
        for m in messages
    )
    assert any(
        m.startswith("formula.toml, row 16, column indicators: the indicator weights add up to 0.9")
        for m in messages
    )
    assert any("row 8, column top_slice[1]: give either percent or amount" in m for m in messages)
    assert any("column damping.ceiling: ceiling -0.20 is below floor -0.10" in m for m in messages)


def test_unknown_and_missing_keys_are_named():
    text = FORMULA_TOML.replace('name = "Test formula"\n', "").replace(
        "[base]", '[base]\nshares = "1"'
    )

    messages = problems_of(text)

    assert "formula.toml, column name: name is required" in messages
    assert "formula.toml, row 12, column base.shares: unknown key 'shares' in [base]" in messages


def test_money_with_more_than_two_decimals_is_refused():
    messages = problems_of(FORMULA_TOML.replace('"1000.00"', '"1000.005"'))

    assert messages == [
        "formula.toml, row 5, column pot: '1000.005' has more than two decimal places"
    ]


def test_text_that_is_not_toml_names_the_line():
    messages = problems_of('name = "x"\npot = \n', file="broken.toml")

    assert len(messages) == 1
    assert messages[0].startswith("broken.toml, row 2: not valid TOML")


def test_bad_numbers_and_codes_are_named():
    text = FORMULA_TOML.replace('recipient = "hub"', 'recipient = "The Hub"').replace(
        'floor = "-0.10"', 'floor = "minus ten"'
    )

    messages = problems_of(text)

    assert "formula.toml, row 20, column damping.floor: 'minus ten' is not a number" in messages
    assert any(
        "column top_slice[1].recipient: 'The Hub' is not a recipient code" in m for m in messages
    )
