"""A finance officer runs a scenario, compares it, and approves it, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations
from tests.builders import cheap_password_hash, make_user

pytestmark = pytest.mark.browser

CONFIRMED = "VRU 2024-25 on the confirmed grant (illustrative)"


def test_finance_runs_compares_and_approves_a_scenario(
    app, demo, live_server: str, page: Page, monkeypatch
):
    monkeypatch.setattr("auth.models.generate_password_hash", cheap_password_hash)
    make_user(role="finance", email="fran@example.org")

    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("fran@example.org")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Allocations").click()
    page.get_by_role("navigation", name="Allocations").get_by_role(
        "link", name="Funding formula"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding formula")
    page.get_by_role("button", name="Run a scenario").click()

    page.get_by_label("Scenario name").fill("Board scenario")
    page.get_by_label("Formula version").select_option(label="ASVRP VRU allocation v2024-25.1")
    page.get_by_label("Indicator dataset").select_option(label="Needs assessment 2021 v1")
    page.get_by_label("Pot (£)").fill("1,600,000.00")
    previous = page.get_by_label("Previous year's allocations")
    previous.select_option(
        label=previous.locator("option", has_text="VRU 2023-24 (illustrative)").inner_text()
    )
    page.get_by_role("button", name="Run the formula").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Run \d+: Board scenario$"))
    run_url = page.url
    table = page.get_by_test_id("allocation-table")
    expect(table).to_contain_text("South Gloucestershire")  # spokes by name, not code
    expect(table).not_to_contain_text("south-glos")
    expect(page.get_by_test_id("run-total")).to_have_text("£1,600,000.00")
    expect(page.get_by_test_id("run-chart").locator("svg title").first).to_have_text(
        "Allocations by spoke, Board scenario"
    )
    assert axe_violations(page) == []

    page.get_by_role("link", name="Compare with another run").click()
    page.get_by_label(re.compile(re.escape(CONFIRMED))).check()
    page.get_by_role("button", name="Compare").click()
    comparison = page.get_by_test_id("comparison")
    expect(comparison).to_contain_text("Board scenario")
    expect(comparison).to_contain_text(CONFIRMED)
    expect(comparison.locator("tr[data-recipient=hub]")).to_contain_text("£150,000.00")
    assert axe_violations(page) == []

    page.goto(run_url)
    page.get_by_label("Decision reference").fill("PCC-DN-2024-031")
    page.get_by_role("button", name="Approve these allocations").click()

    expect(page).to_have_url(live_server + "/allocations?year=2024-25")
    expect(page.get_by_role("alert")).to_contain_text("under decision PCC-DN-2024-031")
    allocations = page.get_by_test_id("allocations")
    expect(allocations).to_contain_text("Board scenario, decision PCC-DN-2024-031")
    expect(allocations).to_contain_text("Total VRU £1,600,000.00")
    expect(page.get_by_text("Superseded allocations")).to_be_visible()
