"""Scenarios side by side (allocations.comparison): differences against the first run."""

from __future__ import annotations

from decimal import Decimal

from allocations.comparison import Comparison, ComparisonCell, compare_results


def result(*, hub: str | None = None, **spokes: str) -> dict:
    return {
        "allocations": [
            {"recipient": code.replace("_", "-"), "amount": amount}
            for code, amount in spokes.items()
        ],
        "top_slices": [] if hub is None else [{"recipient": "hub", "amount": hub}],
    }


def test_differences_are_against_the_first_run_in_pounds_and_percent():
    base = result(hub="100.00", bristol="500.00", banes="400.00")
    other = result(hub="100.00", bristol="550.00", banes="350.00")

    comparison = compare_results([base, other])

    rows = {row.recipient: row for row in comparison.rows}
    assert rows["bristol"].cells == (
        ComparisonCell(Decimal("500.00"), None, None),
        ComparisonCell(Decimal("550.00"), Decimal("50.00"), Decimal("10.00")),
    )
    assert rows["banes"].cells[1] == ComparisonCell(
        Decimal("350.00"), Decimal("-50.00"), Decimal("-12.50")
    )
    assert rows["hub"].cells[1] == ComparisonCell(
        Decimal("100.00"), Decimal("0.00"), Decimal("0.00")
    )


def test_top_slices_come_first_then_spokes_by_code():
    comparison = compare_results(
        [result(hub="1.00", south_glos="1.00", banes="1.00", bristol="1.00")]
    )

    assert [(r.recipient, r.is_top_slice) for r in comparison.rows] == [
        ("hub", True),
        ("banes", False),
        ("bristol", False),
        ("south-glos", False),
    ]


def test_totals_add_top_slices_and_spokes_and_compare_too():
    comparison = compare_results(
        [
            result(hub="100.00", bristol="450.00", banes="450.00"),
            result(hub="120.00", bristol="480.00", banes="420.00"),
        ]
    )

    assert comparison.totals == (
        ComparisonCell(Decimal("1000.00"), None, None),
        ComparisonCell(Decimal("1020.00"), Decimal("20.00"), Decimal("2.00")),
    )


def test_percent_is_rounded_half_up_to_two_places():
    comparison = compare_results([result(a="800.00", b="300.00"), result(a="801.00", b="301.00")])

    rows = {row.recipient: row for row in comparison.rows}
    assert rows["a"].cells[1].difference_percent == Decimal("0.13")  # 0.125
    assert rows["b"].cells[1].difference_percent == Decimal("0.33")  # 0.333...


def test_three_runs_each_compared_with_the_first_not_the_one_before():
    comparison = compare_results([result(a="100.00"), result(a="200.00"), result(a="150.00")])

    cells = comparison.rows[0].cells
    assert [c.difference for c in cells] == [None, Decimal("100.00"), Decimal("50.00")]
    assert [c.difference_percent for c in cells] == [None, Decimal("100.00"), Decimal("50.00")]


def test_a_recipient_missing_from_a_run_has_no_difference():
    comparison = compare_results([result(a="100.00"), result(a="90.00", b="10.00")])

    rows = {row.recipient: row for row in comparison.rows}
    assert rows["b"].cells == (
        ComparisonCell(None, None, None),
        ComparisonCell(Decimal("10.00"), None, None),
    )
    assert rows["a"].cells[1].difference == Decimal("-10.00")


def test_no_percent_against_a_baseline_of_nothing():
    comparison = compare_results([result(a="0.00"), result(a="25.00")])

    assert comparison.rows[0].cells[1] == ComparisonCell(Decimal("25.00"), Decimal("25.00"), None)


def test_a_top_slice_recipient_in_any_run_is_shown_as_a_top_slice():
    comparison = compare_results(
        [
            result(hub="0.00"),
            {"allocations": [{"recipient": "hub", "amount": "5.00"}], "top_slices": []},
        ]
    )

    assert [(r.recipient, r.is_top_slice) for r in comparison.rows] == [("hub", True)]


def test_nothing_to_compare():
    assert compare_results([]) == Comparison((), ())
