"""The formula form's fields to TOML and back (allocations.formula_text), as worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from allocations.formula_text import (
    build_formula_toml,
    field_for_key,
    fields_from_spec,
    parse_weight_lines,
)
from core.problems import DomainError
from formulas.spec import Damping, IndicatorWeight, TopSlice, parse_formula_toml

FIELDS = {
    "name": "ASVRP spoke allocation",
    "version": "2024-25.1",
    "grant": "VRU",
    "financial_year": "2024-25",
    "pot": "1528667.00",
    "rounding_unit": "1",
    "top_slice_recipient": "hub",
    "top_slice_percent": "20",
    "top_slice_amount": "",
    "base_share": "0.25",
    "weights": "population = 0.5\nserious_violence_offences = 0.3\nuniversal_credit_claims = 0.2",
    "damping_floor": "-0.05",
    "damping_ceiling": "0.10",
}


def test_form_fields_become_a_formula_the_parser_reads_back_exactly():
    spec = parse_formula_toml(build_formula_toml(FIELDS))

    assert spec.name == "ASVRP spoke allocation"
    assert spec.version == "2024-25.1"
    assert spec.grant == "VRU"
    assert spec.financial_year.label == "2024-25"
    assert spec.pot == Decimal("1528667.00")
    assert spec.rounding_unit == Decimal(1)
    assert spec.top_slices == (TopSlice("hub", percent=Decimal(20)),)
    assert spec.base_share == Decimal("0.25")
    assert spec.indicators == (
        IndicatorWeight("population", Decimal("0.5")),
        IndicatorWeight("serious_violence_offences", Decimal("0.3")),
        IndicatorWeight("universal_credit_claims", Decimal("0.2")),
    )
    assert spec.damping == Damping(floor=Decimal("-0.05"), ceiling=Decimal("0.10"))


def test_numbers_stay_text_so_weights_that_add_to_one_in_decimal_are_accepted():
    # As floats 0.1 + 0.2 + 0.7 is 0.9999999999999999; as written text it is exactly 1.
    fields = {**FIELDS, "weights": "a = 0.1\nb = 0.2\nc = 0.7"}

    text = build_formula_toml(fields)

    assert 'a = "0.1"' in text
    assert sum(w.weight for w in parse_formula_toml(text).indicators) == 1


def test_fields_from_spec_is_the_inverse_of_build_formula_toml():
    spec = parse_formula_toml(build_formula_toml(FIELDS))

    fields = fields_from_spec(spec)

    assert fields == FIELDS
    assert parse_formula_toml(build_formula_toml(fields)) == spec


def test_round_trip_keeps_an_amount_top_slice_the_penny_and_no_damping():
    spec = parse_formula_toml(
        build_formula_toml(
            {
                **FIELDS,
                "rounding_unit": "0.01",
                "top_slice_percent": "",
                "top_slice_amount": "147225.50",
                "damping_floor": "",
                "damping_ceiling": "",
            }
        )
    )

    fields = fields_from_spec(spec)

    assert spec.top_slices == (TopSlice("hub", amount=Decimal("147225.50")),)
    assert spec.damping is None and spec.rounding_unit == Decimal("0.01")
    assert fields["top_slice_amount"] == "147225.50" and fields["top_slice_percent"] == ""
    assert fields["rounding_unit"] == "0.01"
    assert "damping_floor" not in fields
    assert parse_formula_toml(build_formula_toml(fields)) == spec


def test_blank_optional_fields_leave_their_tables_out():
    text = build_formula_toml(
        {
            **FIELDS,
            "grant": "",
            "top_slice_recipient": "",
            "damping_floor": "",
            "damping_ceiling": "",
            "base_share": "",
        }
    )

    spec = parse_formula_toml(text)

    assert "grant" not in text and "top_slice" not in text and "damping" not in text
    assert spec.grant is None and spec.top_slices == () and spec.damping is None
    assert spec.base_share == 0


def test_weight_lines_skip_blanks_and_comments_and_unquote_values():
    weights, problems = parse_weight_lines(
        '# need indicators\n\n  population = "0.5"  \noffences=0.5\n'
    )

    assert not problems
    assert weights == {"population": "0.5", "offences": "0.5"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("population 0.5", "line 1: write it as indicator = weight"),
        ("population = 0.5\n= 0.5", "line 2: write it as indicator = weight"),
        ("population =", "line 1: write it as indicator = weight"),
        ("population = 0.5\n\npopulation = 0.5", "line 3: population is given twice"),
    ],
)
def test_weight_lines_that_cannot_be_read_are_problems_on_the_weights_field(text, message):
    _, problems = parse_weight_lines(text)

    assert [(p.message, p.column) for p in problems] == [(message, "weights")]
    with pytest.raises(DomainError) as raised:
        build_formula_toml({**FIELDS, "weights": text})
    assert [p.message for p in raised.value.problems] == [message]


def test_every_bad_weight_line_is_reported_at_once():
    _, problems = parse_weight_lines("a\nb = 1\nb = 1\n= 2")

    assert [p.message for p in problems] == [
        "line 1: write it as indicator = weight",
        "line 3: b is given twice",
        "line 4: write it as indicator = weight",
    ]


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("top_slice", "top_slice_percent"),
        ("top_slice[1].percent", "top_slice_percent"),
        ("base.share", "base_share"),
        ("indicators", "weights"),
        ("indicators.population", "weights"),
        ("damping.floor", "damping_floor"),
        ("damping.ceiling", "damping_ceiling"),
        ("damping", "damping_floor"),
        ("financial_year", "financial_year"),
        ("pot", "pot"),
        ("rounding_unit", "rounding_unit"),
        ("grant", "grant"),
        ("version", "version"),
        ("name", "name"),
        ("potato", None),
        ("", None),
        (None, None),
    ],
)
def test_problems_about_a_toml_key_belong_to_its_form_field(key, field):
    assert field_for_key(key) == field
