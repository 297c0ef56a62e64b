"""A spoke lead fills in and submits a quarter's return in a real browser; finance approves it.
The return pages have no serious or critical accessibility violations (axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from auth.roles import Role
from tests.browser.conftest import axe_violations, close_context
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

    # Above the 10% threshold with no reason: saved as typed; the submission asks for it.
    expect(page.get_by_test_id("return-status")).to_contain_text("Draft")
    page.get_by_role("link", name="Certify and submit").click()
    page.get_by_label("Your role").fill("Spoke lead")
    page.get_by_label("I certify that this return is correct").check()
    page.get_by_role("button", name="Certify and submit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("give a variance reason")
    assert axe_violations(page) == []
    page.goto(page.url.replace("/submit", "/edit"))
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


def test_a_spoke_lead_fills_in_a_return_on_a_phone(app, live_server: str, browser: Browser):
    """At 375 px each line's inputs stack under its name: all of them on screen, no sideways
    scroll."""
    setup = make_setup()
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        sign_in(page, live_server, setup.lead.email)
        page.goto(live_server + "/returns/new?recipient=bristol&grant=VRU&year=2024-25&quarter=1")
        page.get_by_role("button", name="Start the return").click()
        inputs = page.get_by_test_id("line-inputs").locator("input:not([type=hidden]), textarea")
        assert inputs.count() >= 6
        for index in range(inputs.count()):
            box = inputs.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 1
        page.get_by_label("Actual spend this quarter, V1 Spoke coordinator").fill("1000.00")
        page.get_by_role("button", name="Save the return").click()
        expect(page.get_by_test_id("return-status")).to_contain_text("Draft")
    finally:
        close_context(context)
