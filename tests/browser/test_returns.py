"""A spoke lead fills in and submits a quarter's return in a real browser; finance approves it.
The return pages have no serious or critical accessibility violations (axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from auth.roles import Role
from tests.browser.conftest import axe_violations
from tests.builders import make_user
from tests.grants.returns.builders import make_setup

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_a_spoke_lead_submits_a_quarter_and_finance_approves_it(app, live_server: str, page: Page):
    setup = make_setup()
    make_user(role=Role.FINANCE, email="fran@example.org", name="Fran Finance")

    sign_in(page, live_server, setup.lead.email)
    page.goto(live_server + "/returns?year=2024-25")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Start the VRU grant Q1 return").click()
    page.get_by_role("button", name="Start the return").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bristol")
    page.get_by_label("Actual spend this quarter, V1 Spoke coordinator").fill("1000.00")
    page.get_by_label("Forecast remaining quarters, V1 Spoke coordinator").fill("3000.00")
    page.get_by_label("Actual spend this quarter, V2 Targeted mentoring").fill("2,600.00")
    page.get_by_label("Forecast remaining quarters, V2 Targeted mentoring").fill("5400.00")
    page.get_by_role("button", name="Save the return").click()

    # Above the 10% threshold with no reason: the error summary says so and links to the field.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("give a variance reason")
    assert axe_violations(page) == []
    summary.get_by_role("link").first.click()
    page.get_by_label("Variance reason, V2 Targeted mentoring").fill(
        "Extra holiday sessions for the summer cohort"
    )
    page.get_by_label("Contributor").fill("Council youth service")
    page.get_by_label("Cash or in kind").select_option("cash")
    page.get_by_label("Amount (£)").fill("800.00")
    page.get_by_label("Evidence reference").fill("PO-4471")
    page.get_by_label("Young people 10 to 14").fill("120")
    page.get_by_label("Narrative").fill("Mentoring started in May; 120 young people reached.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the return").click()

    expect(page.get_by_test_id("return-status")).to_contain_text("Draft")
    expect(page.get_by_test_id("total-actual")).to_have_text("£3,600.00")
    expect(page.get_by_test_id("return-figures")).to_contain_text("Match share of grant spend")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Certify and submit").click()
    page.get_by_label("Your role").fill("Spoke lead")
    page.get_by_label("I certify that this return is correct").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Certify and submit").click()
    expect(page.get_by_test_id("return-status")).to_contain_text("Submitted")
    expect(page.get_by_role("link", name="Fill in the return")).to_have_count(0)
    page.get_by_test_id("sign-out").click()

    sign_in(page, live_server, "fran@example.org")
    page.goto(live_server + "/returns?year=2024-25")
    page.get_by_role("link", name="View Bristol VRU grant Q1 return").click()
    expect(page.get_by_test_id("return-status")).to_contain_text("Certified by")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Approve and lock the return").click()

    expect(page.get_by_test_id("return-status")).to_contain_text("Approved")
    expect(page.get_by_test_id("history")).to_contain_text("certified by")
    expect(page.get_by_test_id("reopen-form")).to_be_visible()
    assert axe_violations(page) == []
