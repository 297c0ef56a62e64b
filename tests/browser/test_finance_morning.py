"""A finance officer's morning, in a real browser: open home, see what needs action, follow the
returns to review, send one back; and the same pages on a phone (375 px) never scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations, close_context
from tests.builders import make_user

pytestmark = pytest.mark.browser


def sign_in(page: Page, server: str, email: str) -> None:
    page.goto(server + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_a_finance_officers_morning(app, demo, live_server: str, page: Page):
    make_user(role="finance", email="fran@opcc.example", name="Fran Finance")
    sign_in(page, live_server, "fran@opcc.example")

    actions = page.get_by_test_id("needs-my-action")
    expect(actions).to_contain_text("returns to review")
    expect(actions).to_contain_text("overdue returns for 2024-25")
    assert axe_violations(page) == []

    actions.get_by_role("link", name="overdue returns for 2024-25").click()
    grid = page.get_by_test_id("return-grid")
    expect(grid.get_by_text("Overdue").first).to_be_visible()
    expect(grid).to_contain_text("Due 31 January 2025")
    assert axe_violations(page) == []

    grid.get_by_role("link", name="View Bristol Violence Reduction Unit grant Q2 return").click()
    expect(page.get_by_test_id("return-status")).to_contain_text("Submitted")
    page.get_by_label("What needs changing").fill("Line INT-02 is over its profile: say why.")
    page.get_by_role("button", name="Return it to the spoke").click()

    expect(page.get_by_test_id("return-status")).to_contain_text("Returned")
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/returns?year=2024-25",
        "/plans?year=2024-25",
        "/payments?year=2024-25",
        "/commissioning/gaps",
    ],
)
def test_pages_fit_a_phone(app, demo, live_server: str, browser: Browser, path: str):
    make_user(role="finance", email="fran@opcc.example")
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        sign_in(page, live_server, "fran@opcc.example")
        page.goto(live_server + path)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 375px wide"
    finally:
        close_context(context)
