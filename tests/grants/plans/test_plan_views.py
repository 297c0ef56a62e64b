"""The delivery plan pages: the list, starting a plan, lines with money as typed, the checks shown
before submission, submission, finance's review, and new versions."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from auth.roles import Role
from extensions import db
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import ReviewStatus
from tests.allocations.helpers import error_summary, page_text, table_rows
from tests.builders import make_financial_year, make_user
from tests.grants.plans.builders import (
    line_form,
    make_line,
    make_plan,
    make_setting,
    make_spoke_lead,
)

D = Decimal


@pytest.fixture
def setting(app):
    return make_setting()


@pytest.fixture
def lead(setting, sign_in):
    """Bristol's spoke lead, signed in."""
    user = make_spoke_lead(setting["bristol"], name="Bea Bristol")
    sign_in(user)
    return user


@pytest.fixture
def finance(app, sign_in):
    user = make_user(role=Role.FINANCE, name="Fran Finance")
    sign_in(user)
    return user


def stored(plan) -> DeliveryPlan:
    db.session.expire_all()
    return db.session.get(DeliveryPlan, plan.id)


def version_of(html: str) -> str:
    return re.search(r'name="(?:[a-z]+-)?lock_version"[^>]*value="(\d+)"', html).group(1)


# --- the list -------------------------------------------------------------------------------------


def test_finance_sees_every_recipients_latest_plan_against_its_allocations(
    client, setting, finance
):
    make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    make_plan(setting["bristol"], version=2, lines=None)
    make_plan(setting["hub"], status=ReviewStatus.SUBMITTED)

    html = client.get("/plans?year=2024-25").get_data(as_text=True)

    rows = table_rows(html, "plans")
    assert rows[0] == [
        "Recipient",
        "Plan",
        "Status",
        "SVD grant: planned",
        "SVD grant: allocation",
        "VRU grant: planned",
        "VRU grant: allocation",
        "Problems",
    ]
    assert rows[1] == [
        "VRP Hub",
        "Version 1 of the VRP Hub plan",
        "Submitted",
        "£200.00",
        "£200.00",
        "£1,000.00",
        "£1,000.00",
        "0",
    ]
    bristol = next(r for r in rows if r[0] == "Bristol")
    # Version 2 has no lines yet: nothing planned, so both grants fall short.
    assert bristol == [
        "Bristol",
        "Version 2 of the Bristol plan",
        "Draft",
        "£0.00",
        "£200.00",
        "£0.00",
        "£1,000.00",
        "2",
    ]
    # 2024-25's plans were due at the end of April 2024: one not started is late.
    assert next(r for r in rows if r[0] == "Somerset")[1:3] == [
        "Not started",
        "Overdue Due 30 April 2024",
    ]
    assert rows[-1][0] == "Total"


def test_a_spoke_lead_is_offered_to_start_their_plan(client, setting, lead):
    html = client.get("/plans?year=2024-25").get_data(as_text=True)

    assert [r[0] for r in table_rows(html, "plans")[1:]] == ["Bristol", "Total"]
    assert "/plans/new?recipient=bristol&amp;year=2024-25" in html


def test_without_a_year_the_list_shows_the_current_one_or_else_the_latest_planned(
    client, setting, lead
):
    make_financial_year("2025-26")  # current, but nothing planned or allocated yet

    html = client.get("/plans").get_data(as_text=True)

    assert '<h1 class="govuk-heading-l">Delivery plans 2024-25</h1>' in html
    assert '<option value="2025-26"' in html


def test_a_year_that_is_not_a_year_is_not_found(client, lead):
    assert client.get("/plans?year=2024-26").status_code == 404


# --- starting a plan ----------------------------------------------------------------------------


def test_a_spoke_lead_starts_their_plan_from_the_page(client, setting, lead):
    form = client.get("/plans/new?recipient=bristol&year=2024-25").get_data(as_text=True)
    assert re.findall(r'<option value="(\d+)"', form) == [str(setting["bristol"].id)]

    response = client.post(
        "/plans/new",
        data={
            "recipient": str(setting["bristol"].id),
            "financial_year": "2024-25",
            "lead_name": "Bea Bristol",
            "s151_contact": "",
            "priorities": "Knife crime",
        },
    )

    plan = db.session.scalar(select(DeliveryPlan))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{plan.id}"
    assert (plan.recipient, plan.version, plan.lead_name) == (setting["bristol"], 1, "Bea Bristol")


def test_starting_a_second_plan_is_refused_on_the_form(client, setting, lead):
    make_plan(setting["bristol"])

    response = client.post(
        "/plans/new", data={"recipient": str(setting["bristol"].id), "financial_year": "2024-25"}
    )

    assert response.status_code == 400
    assert "Bristol already has version 1 of its 2024-25 plan, draft" in error_summary(
        response.get_data(as_text=True)
    )


def test_the_hub_starts_the_hubs_plan(client, setting, sign_in):
    sign_in(make_user(role=Role.HUB))

    html = client.get("/plans/new").get_data(as_text=True)

    assert re.findall(r'<option value="(\d+)"[^>]*>([^<]+)', html) == [
        (str(setting["hub"].id), "VRP Hub")
    ]


# --- one plan: the checks before submission -------------------------------------------------------


def test_the_plan_page_lists_the_checks_before_submission_linked_to_the_lines(
    client, setting, lead
):
    plan = make_plan(setting["bristol"])
    make_line(
        plan,
        ref="INT-09",
        category=plan.lines[1].category,
        budget="10.00",
        profile=("10.00", "0.00", "0.00", "0.01"),
    )

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)

    checks = page_text(html, testid="plan-checks")
    assert "Line INT-09: Q1 to Q4 add up to £10.01, £0.01 more than the annual budget" in checks
    assert "Line INT-09: an interventions line needs its YEF Toolkit strand" in checks
    assert "The VRU lines add up to £1,010.00, £10.00 more than the VRU allocation" in checks
    line = next(x for x in stored(plan).lines if x.line_ref == "INT-09")
    assert f'href="/plans/{plan.id}/lines/{line.id}/edit">Line INT-09' in html
    assert table_rows(html, "plan-totals")[2][:4] == [
        "VRU grant",  # the grant stream's name
        "£1,000.00",
        "£1,010.00",
        "+£10.00",
    ]


def test_a_plan_that_passes_says_so_and_shows_its_lines_by_grant(client, setting, lead):
    plan = make_plan(setting["bristol"])

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)

    assert "passes every check" in page_text(html, testid="plan-checks-pass")
    assert table_rows(html, "plan-totals")[2] == [
        "VRU grant",
        "£1,000.00",
        "£1,000.00",
        "£0.00",  # lines that match the allocation exactly: no difference, in pounds
        "60.00% (60%)",
        "5.00% (5%)",
        "7.00% (10%)",
    ]
    vru = table_rows(html, "lines-VRU")
    assert vru[2][:9] == [
        "INT-01",
        "Targeted mentoring YEF: Mentoring",
        "Interventions",
        "Non-labour, revenue",
        "£600.00",
        "£150.00",
        "£150.00",
        "£150.00",
        "£150.00",
    ]
    assert vru[-2][:6] == [
        "Total VRU grant",
        "£1,000.00",
        "£250.00",
        "£250.00",
        "£250.00",
        "£250.00",
    ]


# --- lines ----------------------------------------------------------------------------------------


def test_a_line_is_added_with_pounds_as_people_write_them(client, setting, lead):
    plan = make_plan(setting["bristol"], lines=None)

    response = client.post(
        f"/plans/{plan.id}/lines/new",
        data=line_form(
            lock_version=str(plan.lock_version),
            annual_budget="£1,234.56",
            q1="",
            q2="",
            q3="",
            q4="",
        ),
    )

    assert response.status_code == 302
    line = db.session.scalar(select(PlanLine))
    assert (line.line_ref, line.annual_budget) == ("INT-01", D("1234.56"))
    assert line.profile == (D("308.64"),) * 4


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        ("annual_budget", "12.345", "'12.345' has more than two decimal places"),
        ("annual_budget", "", "Enter the annual budget"),
        ("q2", "1O0.00", "'1O0.00' is not a number"),
    ],
)
def test_a_bad_amount_is_shown_against_its_field_and_nothing_is_saved(
    client, setting, lead, field, typed, says
):
    plan = make_plan(setting["bristol"], lines=None)
    data = line_form(
        lock_version=str(plan.lock_version), q1="100.00", q2="100.00", q3="100.00", q4="100.00"
    )

    response = client.post(f"/plans/{plan.id}/lines/new", data=data | {field: typed})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert says in error_summary(html)
    assert f'href="#{field}"' in html
    assert f'id="{field}-error"' in html  # the message is against the field too
    assert db.session.scalar(select(PlanLine)) is None


def test_every_problem_with_a_line_is_shown_at_once(client, setting, lead):
    plan = make_plan(setting["bristol"])

    response = client.post(
        f"/plans/{plan.id}/lines/new",
        data=line_form(
            lock_version=str(plan.lock_version),
            title="",
            line_ref="INT-01",
            yef_strand="",
            annual_budget="100.00",
            q1="50.00",
            q2="",
            q3="",
            q4="",
        ),
    )

    summary = error_summary(response.get_data(as_text=True))
    assert response.status_code == 400
    for message in (
        "Enter a title for the line",
        "Another line of this plan is already INT-01",
        "Q1 to Q4 add up to £50.00, £50.00 less than the annual budget of £100.00",
        "An interventions line needs its YEF Toolkit strand",
    ):
        assert message in summary


def test_a_line_is_changed_from_its_filled_in_form(client, setting, lead):
    plan = make_plan(setting["bristol"])
    line = plan.lines[0]
    url = f"/plans/{plan.id}/lines/{line.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert 'value="300.00"' in html and 'value="STF-01"' in html

    response = client.post(
        url,
        data=line_form(
            lock_version=version_of(html),
            line_ref="STF-01",
            title="Coordinator (0.8 FTE)",
            category="staffing",
            cost_type="labour",
            yef_strand="",
            annual_budget="240.00",
        ),
    )

    assert response.status_code == 302
    db.session.refresh(line)
    assert (line.title, line.annual_budget, line.q1) == (
        "Coordinator (0.8 FTE)",
        D("240.00"),
        D("60.00"),
    )


def test_a_line_is_deleted(client, setting, lead):
    plan = make_plan(setting["bristol"])
    line_id = plan.lines[0].id

    response = client.post(
        f"/plans/{plan.id}/lines/{line_id}/delete", data={"lock_version": str(plan.lock_version)}
    )

    assert response.status_code == 302
    assert db.session.get(PlanLine, line_id) is None


def test_a_line_of_another_plan_is_not_found(client, setting, lead):
    plan = make_plan(setting["bristol"])
    other = make_plan(setting["bristol"], year="2023-24")

    assert client.get(f"/plans/{plan.id}/lines/{other.lines[0].id}/edit").status_code == 404


def test_the_plans_details_are_changed(client, setting, lead):
    plan = make_plan(setting["bristol"])

    response = client.post(
        f"/plans/{plan.id}/edit",
        data={
            "lock_version": str(plan.lock_version),
            "lead_name": "Bea Bristol",
            "s151_contact": "Chris CFO, cfo@bristol.example",
            "priorities": "Exploitation",
        },
    )

    assert response.status_code == 302
    assert stored(plan).s151_contact == "Chris CFO, cfo@bristol.example"


# --- submission and review ------------------------------------------------------------------------


def test_submission_is_refused_with_the_checks_in_the_error_summary(client, setting, lead):
    plan = make_plan(setting["bristol"], s151_contact=None)

    response = client.post(
        f"/plans/{plan.id}/submit", data={"submit-lock_version": str(plan.lock_version)}
    )

    assert response.status_code == 400
    assert "Enter the section 151 officer contact" in error_summary(response.get_data(as_text=True))
    assert stored(plan).status is ReviewStatus.DRAFT


def test_a_submitted_plan_is_locked_on_the_pages(client, setting, lead):
    plan = make_plan(setting["bristol"])
    assert (
        client.post(
            f"/plans/{plan.id}/submit", data={"submit-lock_version": str(plan.lock_version)}
        ).status_code
        == 302
    )

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    response = client.post(
        f"/plans/{plan.id}/lines/new", data=line_form(lock_version=str(stored(plan).lock_version))
    )

    assert "Submitted" in page_text(html, testid="plan-status")
    assert "Add a line" not in html and "/submit" not in html
    assert response.status_code == 400
    assert "is submitted, so it is locked" in error_summary(response.get_data(as_text=True))
    assert 'data-testid="locked"' in client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)


def test_finance_returns_a_plan_with_comments_that_the_spoke_then_sees(
    client, setting, finance, sign_in
):
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Approve the plan" in html and "Return the plan with comments" in html

    empty = client.post(
        f"/plans/{plan.id}/return",
        data={"return-lock_version": version_of(html), "return-comment": " "},
    )
    assert empty.status_code == 400
    assert 'href="#return-comment"' in empty.get_data(as_text=True)

    returned = client.post(
        f"/plans/{plan.id}/return",
        data={
            "return-lock_version": version_of(html),
            "return-comment": "Evaluation is below 5% of interventions on SVD",
        },
    )
    assert returned.status_code == 302

    client.post("/sign-out")
    sign_in(make_spoke_lead(setting["bristol"]))
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Evaluation is below 5% of interventions on SVD" in page_text(
        html, testid="review-comment"
    )
    assert "Add a line" in html  # editable again


def test_finance_approves_and_the_plan_is_locked(client, setting, finance):
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)

    response = client.post(
        f"/plans/{plan.id}/approve",
        data={"approve-lock_version": str(plan.lock_version), "approve-comment": ""},
    )

    assert response.status_code == 302
    assert (stored(plan).status, stored(plan).reviewed_by) == (ReviewStatus.APPROVED, finance)
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Approve the plan" not in html and "Start a new version" not in html


def test_a_new_version_is_started_from_the_approved_plan_with_a_reason(client, setting, lead):
    plan = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Start a new version" in html

    refused = client.post(
        f"/plans/{plan.id}/new-version",
        data={"version-lock_version": version_of(html), "version-change_reason": ""},
    )
    assert refused.status_code == 400
    assert "Say why the approved plan is changing" in error_summary(refused.get_data(as_text=True))

    response = client.post(
        f"/plans/{plan.id}/new-version",
        data={
            "version-lock_version": version_of(html),
            "version-change_reason": "Incidents in Q4: more detached youth work",
        },
    )

    new = db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.version == 2))
    assert response.headers["Location"] == f"/plans/{new.id}"
    html = client.get(f"/plans/{new.id}").get_data(as_text=True)
    assert "Incidents in Q4: more detached youth work" in page_text(html, testid="change-reason")
    assert "Version 1" in page_text(html, testid="versions")
    old = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "A later version exists" in page_text(old, testid="plan-status")
