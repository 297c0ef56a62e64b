"""The delivery plan checks as worked examples (pure: no app, no database)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

import grants.plans.checks
import grants.plans.figures
from grants.plans.checks import (
    PlanHeader,
    PlanProblem,
    StreamConditions,
    build_line,
    check_admin_cap,
    check_allocations,
    check_evaluation_share,
    check_header,
    check_interventions_share,
    check_line,
    check_line_refs,
    check_plan,
    figures_by_stream,
    plan_warnings,
    split_evenly,
)
from grants.vocabulary import Category, SpendType

D = Decimal
VRU_1000 = StreamConditions("VRU", D("1000.00"), D("60"), D("5"), D("10"))


def passing() -> list:
    return [
        build_line("STF-01", Category.STAFFING, "300.00"),
        build_line("INT-01", Category.INTERVENTIONS, "600.00", yef_strand="Mentoring"),
        build_line("EVL-01", Category.EVALUATION, "30.00"),
        build_line("ADM-01", Category.MANAGEMENT, "70.00"),
    ]


def where(problems) -> list[tuple[str | None, str | None, str | None]]:
    return [(p.line_ref, p.stream, p.column) for p in problems]


@pytest.mark.parametrize("module", [grants.plans.checks, grants.plans.figures], ids=str)
def test_the_docstring_examples_hold(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)

    assert result.attempted > 5
    assert result.failed == 0


def test_a_plan_that_meets_every_condition_has_no_problems():
    assert not check_plan(passing(), [VRU_1000])


# --- adding up to the allocation -----------------------------------------------------------------


def test_lines_a_penny_short_of_the_allocation_are_refused_saying_by_how_much():
    lines = [*passing()[:-1], build_line("ADM-01", Category.MANAGEMENT, "69.99")]

    problems = check_allocations(lines, [VRU_1000])

    assert where(problems) == [(None, "VRU", "annual_budget")]
    assert problems[0].message == (
        "the VRU lines add up to £999.99, £0.01 less than the VRU allocation of £1,000.00"
    )


def test_lines_over_the_allocation_say_how_much_more():
    problems = check_allocations([build_line("A", Category.STAFFING, "1500.00")], [VRU_1000])

    assert problems[0].message == (
        "the VRU lines add up to £1,500.00, £500.00 more than the VRU allocation of £1,000.00"
    )


def test_each_grant_is_added_up_on_its_own_so_one_cannot_make_up_for_the_other():
    lines = [
        build_line("A", Category.STAFFING, "1100.00"),
        build_line("B", Category.STAFFING, "100.00", stream="SVD"),
    ]
    conditions = [StreamConditions("VRU", D("1000.00")), StreamConditions("SVD", D("200.00"))]

    problems = check_allocations(lines, conditions)

    assert [p.stream for p in problems] == ["VRU", "SVD"]  # 1,200.00 in all, but split wrongly


def test_a_grant_with_an_allocation_and_no_lines_is_a_problem():
    problems = check_allocations([], [StreamConditions("SVD", D("157181.26"))])

    assert problems[0].message == (
        "the SVD lines add up to £0.00, £157,181.26 less than the SVD allocation of £157,181.26"
    )


def test_a_zero_allocation_needs_no_lines():
    assert not check_allocations([], [StreamConditions("SVD", D("0.00"))])


def test_lines_on_a_grant_without_an_allocation_are_named():
    lines = [
        build_line("S1", Category.STAFFING, "5.00", stream="SVD"),
        build_line("S2", Category.STAFFING, "5.00", stream="SVD"),
    ]

    problems = check_allocations(lines, [StreamConditions("SVD", None)])

    assert where(problems) == [(None, "SVD", "grant_stream")]
    assert problems[0].message.startswith(
        "lines S1 and S2 are on SVD, but there is no SVD allocation"
    )


# --- one line ----------------------------------------------------------------------------------


def test_a_profile_that_does_not_add_up_names_the_line_and_the_difference():
    item = build_line(
        "INT-01",
        Category.INTERVENTIONS,
        "1000.00",
        yef_strand="Mentoring",
        profile=["250.00", "250.00", "250.00", "250.01"],
    )

    problems = check_line(item)

    assert where(problems) == [("INT-01", None, "profile")]
    assert problems[0].message == (
        "Q1 to Q4 add up to £1,000.01, £0.01 more than the annual budget of £1,000.00"
    )


def test_negative_amounts_are_refused_field_by_field():
    item = build_line("STF-01", Category.STAFFING, "-10.00", profile=["0", "-10.00", "0", "0"])

    assert where(check_line(item)) == [("STF-01", None, "annual_budget"), ("STF-01", None, "q2")]


def test_an_interventions_line_needs_a_yef_strand_and_other_lines_do_not():
    assert where(
        check_line(build_line("INT-01", Category.INTERVENTIONS, "1.00", yef_strand=" "))
    ) == [("INT-01", None, "yef_strand")]
    assert not check_line(build_line("STF-01", Category.STAFFING, "1.00"))


def test_a_capital_line_must_be_capital_spend():
    item = build_line("CAP-01", Category.CAPITAL, "1.00", spend_type=SpendType.REVENUE)

    assert where(check_line(item)) == [("CAP-01", None, "spend_type")]
    assert not check_line(build_line("CAP-01", Category.CAPITAL, "1.00"))


def test_capital_spend_on_another_category_is_only_a_warning():
    item = build_line(
        "INT-01",
        Category.INTERVENTIONS,
        "1.00",
        yef_strand="Sports programmes",
        spend_type=SpendType.CAPITAL,
    )

    assert not check_line(item)
    assert where(plan_warnings([item])) == [("INT-01", None, "spend_type")]


def test_duplicate_line_references_are_named_once():
    lines = [
        build_line("A", Category.STAFFING, "1.00"),
        build_line("A", Category.TRAINING, "1.00"),
        build_line("A", Category.ENGAGEMENT, "1.00"),
        build_line("B", Category.STAFFING, "1.00"),
    ]

    problems = check_line_refs(lines, [])

    assert where(problems) == [("A", None, "line_ref")]
    assert "used by 3 lines" in problems[0].message


def test_a_blank_line_reference_is_a_problem():
    assert where(check_line_refs([build_line(" ", Category.STAFFING, "1.00")], [])) == [
        (None, None, "line_ref")
    ]


# --- shares ---------------------------------------------------------------------------------------


def test_interventions_exactly_at_the_minimum_pass_and_a_penny_under_fails():
    conditions = [StreamConditions("VRU", None, min_interventions_percent=D("60"))]
    at = [
        build_line("I", Category.INTERVENTIONS, "600.00", yef_strand="M"),
        build_line("S", Category.STAFFING, "400.00"),
    ]
    under = [
        build_line("I", Category.INTERVENTIONS, "599.99", yef_strand="M"),
        build_line("S", Category.STAFFING, "400.01"),
    ]

    assert not check_interventions_share(at, conditions)
    problems = check_interventions_share(under, conditions)
    # 59.999% is shown as 59.99%, never rounded up to the 60.00% it failed to reach.
    assert problems[0].message == (
        "interventions are 59.99% of the VRU lines (£599.99 of "
        "£1,000.00); the minimum is 60%: plan at least £600.00 on "
        "interventions"
    )


def test_the_amount_needed_is_rounded_up_to_the_penny():
    conditions = [StreamConditions("VRU", None, min_interventions_percent=D("33.33"))]
    lines = [
        build_line("I", Category.INTERVENTIONS, "0.00", yef_strand="M"),
        build_line("S", Category.STAFFING, "100.01"),
    ]

    message = check_interventions_share(lines, conditions)[0].message

    assert message.endswith("plan at least £33.34 on interventions")  # 33.333333 -> 33.34


def test_the_shares_are_worked_out_per_grant_against_that_grants_conditions():
    conditions = [
        StreamConditions("VRU", None, min_interventions_percent=D("60")),
        StreamConditions("SVD", None, min_interventions_percent=D("10")),
    ]
    lines = [
        build_line("I1", Category.INTERVENTIONS, "60.00", yef_strand="M"),
        build_line("S1", Category.STAFFING, "40.00"),
        build_line("S2", Category.STAFFING, "100.00", stream="SVD"),
    ]

    problems = check_interventions_share(lines, conditions)

    # Overall interventions are 30%, above SVD's 10%, but SVD's own lines have none.
    assert [p.stream for p in problems] == ["SVD"]


def test_evaluation_is_a_share_of_interventions_spend_not_of_the_whole_grant():
    conditions = [StreamConditions("VRU", None, evaluation_percent=D("5"))]
    lines = [
        build_line("I", Category.INTERVENTIONS, "200.00", yef_strand="M"),
        build_line("E", Category.EVALUATION, "10.00"),
        build_line("S", Category.STAFFING, "790.00"),
    ]

    assert not check_evaluation_share(lines, conditions)  # 10 / 200 = 5%, though 1% of all

    short = [*lines[:1], build_line("E", Category.EVALUATION, "9.99"), lines[2]]
    problems = check_evaluation_share(short, conditions)
    assert problems[0].message == (
        "evaluation is 4.99% of VRU interventions spend (£9.99 of "
        "£200.00); the minimum is 5%: plan at least £10.00 on "
        "evaluation"
    )


def test_evaluation_is_not_checked_when_there_are_no_interventions():
    conditions = [StreamConditions("VRU", None, evaluation_percent=D("5"))]

    assert not check_evaluation_share([build_line("S", Category.STAFFING, "10.00")], conditions)


def test_management_above_the_cap_is_refused_and_at_the_cap_passes():
    conditions = [StreamConditions("VRU", None, admin_cap_percent=D("10"))]
    at = [
        build_line("A", Category.MANAGEMENT, "100.00"),
        build_line("S", Category.STAFFING, "900.00"),
    ]
    over = [
        build_line("A", Category.MANAGEMENT, "100.01"),
        build_line("S", Category.STAFFING, "899.99"),
    ]

    assert not check_admin_cap(at, conditions)
    problems = check_admin_cap(over, conditions)
    # 10.001% is shown as 10.01%, never rounded down to the 10.00% cap it broke.
    assert problems[0].message == (
        "management and administration is 10.01% of the VRU lines "
        "(£100.01 of £1,000.00); the cap is 10%: plan at most "
        "£100.00 on it"
    )


@pytest.mark.parametrize(
    "check", [check_interventions_share, check_evaluation_share, check_admin_cap]
)
def test_a_condition_that_is_not_set_is_not_checked(check):
    lines = [
        build_line("A", Category.MANAGEMENT, "100.00"),
        build_line("E", Category.EVALUATION, "1.00"),
        build_line("I", Category.INTERVENTIONS, "1.00", yef_strand="M"),
    ]

    assert not check(lines, [StreamConditions("VRU", D("102.00"))])


def test_shares_are_not_checked_on_a_grant_with_no_lines():
    assert not check_interventions_share([], [VRU_1000])
    assert not check_admin_cap([], [VRU_1000])


def test_the_figures_per_grant_hold_exact_shares():
    [figures] = figures_by_stream(passing(), [VRU_1000])

    assert (figures.total, figures.difference) == (D("1000.00"), D("0.00"))
    assert figures.interventions_percent == D("60")
    assert figures.evaluation_percent == D("5")
    assert figures.management_percent == D("7")


# --- the whole plan, the header ---------------------------------------------------------------


def test_every_problem_is_listed_at_once_in_a_fixed_order():
    lines = [
        build_line("X", Category.INTERVENTIONS, "100.00", profile=["100.00", "0", "0", "1.00"]),
        build_line("X", Category.MANAGEMENT, "500.00"),
    ]

    problems = check_plan(lines, [VRU_1000])

    assert where(problems) == [
        ("X", None, "line_ref"),  # duplicate reference
        ("X", None, "profile"),  # first line's profile
        ("X", None, "yef_strand"),  # first line's strand
        (None, "VRU", "annual_budget"),  # 600.00 of 1,000.00
        (None, "VRU", "category"),  # interventions 16.67% < 60%
        (None, "VRU", "category"),  # evaluation 0% < 5%
        (None, "VRU", "category"),  # admin 83.33% > 10%
    ]
    assert all(isinstance(p, PlanProblem) for p in problems)


def test_the_header_needs_a_lead_and_a_section_151_contact():
    assert [p.column for p in check_header(PlanHeader(None, ""))] == ["lead_name", "s151_contact"]
    assert not check_header(PlanHeader("Lee Lead", "Sam Section151"))


def test_a_plan_problem_names_its_line_and_field():
    problem = PlanProblem("x", column="q1", line_ref="INT-01")

    assert str(problem) == "line INT-01, column q1: x"
    assert str(PlanProblem("y", column="category", stream="SVD")) == "SVD, column category: y"


def test_split_evenly_gives_the_odd_pennies_to_the_earliest_quarters():
    assert split_evenly(D("0.03")) == (D("0.01"), D("0.01"), D("0.01"), D("0.00"))
    assert split_evenly(D("1000.00")) == (D("250.00"),) * 4
