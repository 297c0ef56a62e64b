"""A finance officer signs in, sees the landing page and signs out, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations
from tests.builders import make_user

pytestmark = pytest.mark.browser


def test_finance_signs_in_sees_landing_page_and_signs_out(app, demo, live_server: str, page: Page):
    make_user(role="finance", email="fran@example.org")

    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/sign-in?next=/")
    assert axe_violations(page) == []

    page.get_by_label("Email address").fill("fran@example.org")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Financial year 2024-25")
    expect(page.get_by_test_id("grant-streams")).to_contain_text("Violence Reduction Unit grant")
    expect(page.get_by_test_id("grant-streams")).to_contain_text("Serious Violence Duty grant")
    expect(page.get_by_test_id("spokes")).to_contain_text("South Gloucestershire")
    expect(page.get_by_role("banner")).to_contain_text(app.config["PARTNERSHIP_NAME"])
    assert axe_violations(page) == []

    page.get_by_test_id("sign-out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/sign-in?next=/")


def test_wrong_password_shows_error_summary(app, live_server: str, page: Page):
    make_user(role="finance", email="fran@example.org")
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("fran@example.org")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    assert axe_violations(page) == []


def test_pages_run_their_scripts_under_the_content_security_policy(
    app, demo, live_server: str, page: Page
):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    make_user(role="finance", email="fran@example.org")
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("fran@example.org")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server + "/commissioning/gaps?year=2024-25")

    # static/js/app.js ran (no inline script may) and GOV.UK Frontend started.
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    assert refused == []
