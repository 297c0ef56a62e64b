"""Financial years run 1 April to 31 March and are written 2024-25; quarters start in April."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.financial_year import (
    FinancialYear,
    FinancialYearError,
    quarter_label,
    quarter_of,
)


@pytest.mark.parametrize("text", ["2024-25", "2024/25", "2024-2025", "2024/2025", " 2024-25 "])
def test_parse_accepts_the_usual_spellings(text):
    assert FinancialYear.parse(text) == FinancialYear(2024)


def test_parse_across_a_century():
    assert FinancialYear.parse("1999-00") == FinancialYear(1999)
    assert FinancialYear.parse("1999-2000") == FinancialYear(1999)


@pytest.mark.parametrize(
    "text",
    [
        "2024-26",  # the second year must follow the first
        "2024-24",
        "2024-2026",
        "2025-24",
        "24-25",  # four-digit first year
        "2024",
        "2024-5",
        "2024 25",
        "abc",
        "",
        "2024-25x",
    ],
)
def test_parse_refuses_what_is_not_a_financial_year(text):
    with pytest.raises(FinancialYearError, match="not a financial year"):
        FinancialYear.parse(text)


def test_parse_refuses_a_number():
    with pytest.raises(FinancialYearError):
        FinancialYear.parse(2024)


def test_start_and_end_dates():
    year = FinancialYear.parse("2024-25")

    assert (year.start, year.end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert year.label == "2024-25"
    assert str(year) == "2024-25"


def test_end_of_a_year_ending_in_a_leap_year_is_still_31_march():
    assert FinancialYear(2023).end == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 3, 31), "2024-25"),
        (date(2025, 4, 1), "2025-26"),
        (date(2024, 4, 1), "2024-25"),
        (date(2024, 3, 31), "2023-24"),
        (date(2025, 1, 1), "2024-25"),
        (date(2024, 12, 31), "2024-25"),
    ],
)
def test_containing_at_the_year_boundaries(day, label):
    assert FinancialYear.containing(day).label == label


def test_contains():
    year = FinancialYear(2024)

    assert year.contains(date(2024, 4, 1))
    assert year.contains(date(2025, 3, 31))
    assert not year.contains(date(2024, 3, 31))
    assert not year.contains(date(2025, 4, 1))


def test_next_and_previous():
    assert FinancialYear(2024).next().label == "2025-26"
    assert FinancialYear(2024).previous().label == "2023-24"


def test_years_order_by_start():
    assert sorted([FinancialYear(2025), FinancialYear(2023), FinancialYear(2024)]) == [
        FinancialYear(2023),
        FinancialYear(2024),
        FinancialYear(2025),
    ]


@pytest.mark.parametrize(
    ("month", "quarter"),
    [
        (4, 1),
        (5, 1),
        (6, 1),
        (7, 2),
        (8, 2),
        (9, 2),
        (10, 3),
        (11, 3),
        (12, 3),
        (1, 4),
        (2, 4),
        (3, 4),
    ],
)
def test_quarter_of_every_month(month, quarter):
    assert quarter_of(date(2024, month, 15)) == quarter
    assert quarter_of(date(2024, month, 1)) == quarter


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (1, date(2024, 4, 1), date(2024, 6, 30)),
        (2, date(2024, 7, 1), date(2024, 9, 30)),
        (3, date(2024, 10, 1), date(2024, 12, 31)),
        (4, date(2025, 1, 1), date(2025, 3, 31)),
    ],
)
def test_quarter_dates(quarter, first, last):
    assert FinancialYear(2024).quarter_dates(quarter) == (first, last)


@pytest.mark.parametrize("quarter", [0, 5, -1, "1"])
def test_quarter_outside_one_to_four_is_refused(quarter):
    with pytest.raises(FinancialYearError, match="not 1, 2, 3 or 4"):
        FinancialYear(2024).quarter_dates(quarter)
    with pytest.raises(FinancialYearError):
        quarter_label(quarter)


def test_quarter_labels():
    assert [quarter_label(q) for q in (1, 2, 3, 4)] == [
        "Q1 (Apr-Jun)",
        "Q2 (Jul-Sep)",
        "Q3 (Oct-Dec)",
        "Q4 (Jan-Mar)",
    ]


years = st.integers(min_value=1990, max_value=2100).map(FinancialYear)


@settings(max_examples=150)
@given(years)
def test_property_label_round_trips(year):
    assert FinancialYear.parse(year.label) == year
    assert FinancialYear.parse(year.label.replace("-", "/")) == year
    assert FinancialYear.parse(f"{year.start_year}-{year.start_year + 1}") == year


@settings(max_examples=150)
@given(years)
def test_property_quarters_tile_the_year(year):
    # Q1 starts the year, each quarter starts the day after the last ends, Q4 ends the year.
    bounds = [year.quarter_dates(q) for q in (1, 2, 3, 4)]

    assert bounds[0][0] == year.start
    assert bounds[3][1] == year.end
    for (_, last), (first, _) in pairwise(bounds):
        assert first == last + timedelta(days=1)
    for quarter, (first, last) in enumerate(bounds, start=1):
        assert quarter_of(first) == quarter_of(last) == quarter


@settings(max_examples=200)
@given(st.dates(min_value=date(1990, 4, 1), max_value=date(2101, 3, 31)))
def test_property_every_day_is_in_exactly_the_year_containing_it(day):
    year = FinancialYear.containing(day)

    assert year.start <= day <= year.end
    assert not year.next().contains(day)
    assert not year.previous().contains(day)
    first, last = year.quarter_dates(quarter_of(day))
    assert first <= day <= last
