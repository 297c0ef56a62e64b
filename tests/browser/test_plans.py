"""A spoke lead fills in a delivery plan line and submits the plan, and finance approves it, in a
real browser, with an accessibility check of each page on the way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from auth.roles import Role
from extensions import db
from grants.vocabulary import Category
from tests.browser.conftest import axe_violations
from tests.builders import DEFAULT_PASSWORD, make_user
from tests.grants.plans.builders import make_plan, make_setting, make_spoke_lead

pytestmark = pytest.mark.browser


def sign_in(tab: Page, base: str, email: str) -> None:
    tab.goto(base + "/sign-in")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()


def test_a_spoke_lead_completes_and_submits_a_plan_and_finance_approves_it(
    app, live_server: str, page: Page
):
    setting = make_setting()
    lead = make_spoke_lead(setting["bristol"], email="bea@bristol.example")
    finance = make_user(role=Role.FINANCE, email="fran@opcc.example")
    plan = make_plan(setting["bristol"])
    # Take £100.00 off mentoring so that a new line has to make the VRU add up again.
    mentoring = next(x for x in plan.lines if x.category is Category.INTERVENTIONS)
    mentoring.annual_budget = Decimal("500.00")
    mentoring.q1 = mentoring.q2 = mentoring.q3 = mentoring.q4 = Decimal("125.00")
    db.session.commit()

    sign_in(page, live_server, lead.email)
    page.goto(live_server + "/plans")
    page.get_by_role("link", name="Version 1 of the Bristol plan").click()
    expect(page.get_by_test_id("plan-checks")).to_contain_text(
        "The VRU lines add up to £900.00, £100.00 less than the VRU allocation of £1,000.00"
    )
    assert axe_violations(page) == []

    page.get_by_role("link", name="Add a line").click()
    page.get_by_label("Title").fill("Detached youth work in hotspots")
    page.get_by_label("VRU: VRU grant").check()
    page.get_by_label("Category").select_option("interventions")
    page.get_by_label("YEF Toolkit strand").fill("Detached youth work")
    page.get_by_label("Annual budget").fill("100.005")
    page.get_by_role("button", name="Save line").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "'100.005' has more than two decimal places"
    )
    assert axe_violations(page) == []

    page.get_by_label("Annual budget").fill("£100.00")
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_test_id("plan-checks-pass")).to_contain_text("passes every check")
    expect(page.get_by_test_id("lines-VRU")).to_contain_text("INT-03")
    page.get_by_role("button", name="Submit the plan to finance").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Submitted")
    page.get_by_test_id("sign-out").click()

    sign_in(page, live_server, finance.email)
    page.goto(f"{live_server}/plans/{plan.id}")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Approve the plan").click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("Approved")
