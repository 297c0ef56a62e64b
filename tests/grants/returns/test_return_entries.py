"""The checks on what a user enters in a return (pure: no app, no database): amounts as money,
match funding, reach, and where each problem is; and the variance reasons a return needs before
it is submitted (above either threshold), which a save does not ask for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.figures import Thresholds
from grants.returns.entries import (
    CheckedLine,
    LineEntry,
    MatchEntry,
    ReachEntry,
    ReturnEntries,
    check_entries,
    missing_reasons,
    reach_entries,
)
from grants.vocabulary import MatchKind

PROFILES = {"V1": Decimal("1000.00"), "V2": Decimal("2000.00")}
THRESHOLDS = Thresholds(Decimal("10"), Decimal("5000.00"))


def check(
    *lines: LineEntry,
    quarter: int = 1,
    match: tuple[MatchEntry, ...] | None = None,
    reach: tuple[ReachEntry, ...] = (),
    every_line: bool = False,
):  # type: ignore[no-untyped-def]
    return check_entries(
        ReturnEntries(
            lines=lines,
            match_lines=match,
            reach=reach,
            every_line=every_line,
            lines_file="Spend sheet",
        ),
        PROFILES,
        quarter=quarter,
    )


def messages(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in problems]


def test_good_entries_come_back_as_exact_money():
    problems, checked = check(
        LineEntry("V1", "£1,050.00", "3,000", "Invoices early"),
        LineEntry("V2", Decimal("2000"), 6000),
    )

    assert not problems
    assert checked.lines == {
        "V1": CheckedLine(Decimal("1050.00"), Decimal("3000.00"), "Invoices early"),
        "V2": CheckedLine(Decimal("2000.00"), Decimal("6000.00"), None),
    }


def test_money_given_as_a_float_is_refused():
    problems, _ = check(LineEntry("V1", 1000.1, "0.00"))  # type: ignore[arg-type]

    assert messages(problems) == [
        "column actual: line V1 actual: 1000.1 is a float; money must be given as text or Decimal"
    ]


def reasons_needed(actual: str, reason: str | None = None, thresholds=THRESHOLDS) -> list[str]:  # type: ignore[no-untyped-def]
    return missing_reasons({"V1": (Decimal("1000.00"), Decimal(actual), reason)}, thresholds)


@pytest.mark.parametrize(
    ("actual", "needs_reason"),
    [
        ("1100.00", False),  # +10% exactly: not above the threshold
        ("1100.01", True),  # just above 10%
        ("900.00", False),
        ("899.99", True),
    ],
)
def test_a_variance_above_the_percent_threshold_needs_a_reason(actual, needs_reason):
    assert not reasons_needed(actual, "Two months' invoices")
    if not needs_reason:
        assert not reasons_needed(actual)
        return
    difference = Decimal(actual) - 1000
    assert reasons_needed(actual) == [
        f"line V1: the actual £{Decimal(actual):,} differs from the "
        f"profile £1,000.00 by {'+' if difference > 0 else '-'}£{abs(difference):,.2f}, above "
        "the threshold (10% or £5,000.00); give a variance reason"
    ]


def test_a_variance_above_the_pound_threshold_needs_a_reason_even_when_small_in_percent():
    (message,) = reasons_needed("1100.01", thresholds=Thresholds(Decimal("50"), Decimal("100.00")))

    assert "above the threshold (50% or £100.00)" in message  # 10% but £100.01


def test_a_blank_reason_is_no_reason():
    assert len(reasons_needed("0.00", "   ")) == 1


def test_a_save_keeps_a_half_filled_return_without_asking_for_reasons():
    # One line filled in, the other left at 0.00 (100% under its profile): saved as typed.
    problems, checked = check(LineEntry("V1", "1000.00", "3000.00"), LineEntry("V2", "0", "0"))

    assert not problems
    assert checked.lines["V2"] == CheckedLine(Decimal("0.00"), Decimal("0.00"), None)


def test_nothing_is_left_to_forecast_in_q4():
    problems, _ = check(LineEntry("V1", "1000.00", "10.00"), quarter=4)

    assert messages(problems) == [
        "column forecast_remaining: line V1 forecast remaining: Q4 is "
        "the last quarter, so nothing is left to forecast; enter 0"
    ]


def test_problems_name_the_form_field_or_the_sheet_row_and_column():
    problems, _ = check(
        LineEntry("V1", "-1", "0", prefix="lines-0-"),
        LineEntry("V2", "x", "0", file="Spend sheet", row=7),
    )

    assert messages(problems) == [
        "column lines-0-actual: line V1 actual: -£1.00 is negative; amounts must be 0 or more",
        "Spend sheet, row 7, column actual: line V2 actual: 'x' is not a number",
    ]


def test_unknown_duplicate_and_missing_lines():
    problems, _ = check(
        LineEntry("V1", "1000.00", "0", row=2),
        LineEntry("V1", "1000.00", "0", row=3),
        LineEntry("V7", "1.00", "0", row=4),
        LineEntry(" ", "1.00", "0", row=5),
        every_line=True,
    )

    assert messages(problems) == [
        "row 3, column line_ref: line V1 appears more than once (first at row 2)",
        "row 4, column line_ref: line 'V7' is not a line of this grant in the approved plan",
        "row 5, column line_ref: the line reference is missing",
        "Spend sheet, column line_ref: line V2 of the approved plan is missing; list every line "
        "(0 where nothing was spent)",
    ]


def test_match_funding_lines():
    problems, checked = check(
        match=(
            MatchEntry("Council", "Cash", "450.00", "PO-1"),
            MatchEntry("Police EIT", "In kind", "900", None, "Officer hours at cost"),
            MatchEntry("NHS", "in-kind", "10.00"),
            MatchEntry(None, None, ""),
        )
    )

    assert [(m.contributor, m.kind, m.amount) for m in checked.match_lines] == [
        ("Council", MatchKind.CASH, Decimal("450.00")),
        ("Police EIT", MatchKind.IN_KIND, Decimal("900.00")),
    ]
    assert messages(problems) == [
        "column valuation_basis: match funding from NHS: in-kind match funding needs its "
        "valuation basis (for example staff hours at cost)",
        "column contributor: match funding: enter the contributor",
        "column kind: match funding: choose whether the match funding is cash or in kind",
        "column amount: match funding amount: an amount is required",
    ]


def test_reach_is_whole_numbers_with_blank_as_nought():
    problems, checked = check(
        reach=reach_entries(
            {
                "reach_under_10": "1,204",
                "reach_10_14": "",
                "reach_15_17": "2.5",
                "reach_18_24": -1,
                "reach_adults": "3",
            }
        )
    )

    assert checked.reach == {"reach_under_10": 1204, "reach_10_14": 0}
    assert messages(problems) == [
        "column reach_15_17: Young people 15 to 17: '2.5' is not a whole number of 0 or more",
        "column reach_18_24: Young people 18 to 24: -1 is not a whole number of 0 or more",
        "column reach_adults: unknown reach band 'reach_adults'; the bands are reach_under_10, "
        "reach_10_14, reach_15_17, reach_18_24, reach_parents_carers, reach_professionals",
    ]
