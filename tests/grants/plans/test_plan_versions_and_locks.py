"""A plan version shows what changed from the version before it, line by line; a locked plan's
line shows read-only, not inputs without a save button."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extensions import db
from grants.plans import services as plan_services
from grants.plans.changes import LineFacts, compare_lines
from grants.vocabulary import ReviewStatus
from tests.allocations.helpers import page_text, table_rows
from tests.grants.plans.builders import make_line, make_plan, make_setting, make_spoke_lead

D = Decimal


@pytest.fixture
def setting(app):
    return make_setting()


@pytest.fixture
def lead(setting, sign_in):
    user = make_spoke_lead(setting["bristol"], name="Bea Bristol")
    sign_in(user)
    return user


def test_a_new_version_shows_its_added_removed_and_changed_lines_with_old_and_new_amounts(
    client, setting, lead
):
    approved = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    second = plan_services.start_new_version(
        approved.id, reason="Moved money to mentoring", lock_version=None, user=lead
    )
    lines = {line.line_ref: line for line in second.lines}
    lines["ADM-01"].annual_budget = D("40.00")
    lines["ADM-01"].q1, lines["ADM-01"].q2, lines["ADM-01"].q3, lines["ADM-01"].q4 = (
        D("10.00"),
    ) * 4
    second.lines.remove(lines["STF-02"])
    db.session.commit()
    make_line(second, ref="INT-09", title="Mentoring", budget="80.00")

    html = client.get(f"/plans/{second.id}").get_data(as_text=True)

    rows = table_rows(html, "version-changes")
    assert rows[0] == ["Change", "Ref", "Line", "Was", "Now", "Difference"]
    by_ref = {row[1]: row for row in rows[1:]}
    assert by_ref["ADM-01"] == [
        "Changed",
        "ADM-01",
        "Grant administration (VRU) Q1 £17.50 to £10.00; Q2 £17.50 to £10.00; "
        "Q3 £17.50 to £10.00; Q4 £17.50 to £10.00",
        "£70.00",
        "£40.00",
        "-£30.00",
    ]
    assert by_ref["INT-09"] == ["Added", "INT-09", "Mentoring (VRU)", "–", "£80.00", "+£80.00"]
    assert by_ref["STF-02"] == [
        "Removed",
        "STF-02",
        "SVD partnership officer (SVD)",
        "£50.00",
        "–",
        "-£50.00",
    ]
    assert len(rows) == 4  # unchanged lines are not listed


def test_a_version_with_no_line_changed_says_so_and_the_first_version_shows_no_changes(
    client, setting, lead
):
    approved = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    second = plan_services.start_new_version(
        approved.id, reason="New lead", lock_version=None, user=lead
    )

    first_html = client.get(f"/plans/{approved.id}").get_data(as_text=True)
    second_html = client.get(f"/plans/{second.id}").get_data(as_text=True)

    assert 'data-testid="version-changes"' not in first_html
    assert page_text(second_html, testid="version-changes") == (
        "No line has changed from version 1."
    )


def test_a_changed_description_is_named_in_words():
    old = LineFacts("A", "Mentoring", "VRU", D("1.00"), (D("1.00"),), (("category", "Staffing"),))
    new = LineFacts(
        "A", "Mentors", "VRU", D("1.00"), (D("1.00"),), (("category", "Interventions"),)
    )

    (change,) = compare_lines([old], [new])

    assert change.details == (
        "title 'Mentoring' to 'Mentors'",
        "category Staffing to Interventions",
    )
    assert change.difference == D("0.00")


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_a_locked_plans_line_shows_read_only_without_inputs(client, setting, lead, status):
    plan = make_plan(setting["bristol"], status=status)
    line = next(line for line in plan.lines if line.line_ref == "ADM-01")

    html = client.get(f"/plans/{plan.id}/lines/{line.id}/edit").get_data(as_text=True)

    summary = page_text(html, testid="line-summary")
    assert "Grant administration" in summary and "Annual budget £70.00" in summary
    assert 'name="annual_budget"' not in html and "<input" not in html.split("<main")[1]
    assert 'data-testid="locked"' in html


def test_a_draft_plans_line_still_shows_its_form(client, setting, lead):
    plan = make_plan(setting["bristol"])
    line = plan.lines[0]

    html = client.get(f"/plans/{plan.id}/lines/{line.id}/edit").get_data(as_text=True)

    assert 'name="annual_budget"' in html and 'data-testid="line-summary"' not in html


def test_a_locked_plans_details_show_read_only_too(client, setting, lead):
    plan = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)

    html = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)

    assert "Lee Lead" in page_text(html, testid="plan-details")
    assert 'name="lead_name"' not in html and 'data-testid="locked"' in html
