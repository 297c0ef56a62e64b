"""An administrator sets up a new partnership's spoke and a first spoke lead, who must choose
their own password, in a real browser; every page passes the accessibility scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations
from tests.builders import make_user

pytestmark = pytest.mark.browser

THREE = str(Path(__file__).resolve().parents[2] / "examples" / "partnerships" / "three-spokes.toml")


def sign_in(page: Page, server: str, email: str, password: str) -> None:
    page.goto(server + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_administrator_adds_a_spoke_and_its_lead_who_chooses_a_password(
    app, runner, live_server: str, page: Page
):
    assert runner.invoke(args=["setup", THREE]).exit_code == 0
    make_user(role="admin", email="chief@threerivers.example")
    sign_in(page, live_server, "chief@threerivers.example", "correct-horse-battery")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Partnership"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Three Rivers Violence Reduction Unit"
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add a spoke").click()
    page.get_by_label("Code", exact=True).fill("westport")
    page.get_by_label("Name", exact=True).fill("Westport Council")
    page.get_by_label("Colour in charts").fill("not a colour")
    page.get_by_role("button", name="Save the spoke").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("#rrggbb")
    assert axe_violations(page) == []
    page.get_by_label("Colour in charts").fill("#00703c")
    page.get_by_role("button", name="Save the spoke").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Added Westport Council")

    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    page.get_by_role("button", name="Create a user").click()
    page.get_by_label("Email address").fill("lead@westport.example")
    page.get_by_label("Full name").fill("Wes Lead")
    page.get_by_label("Role").select_option("spoke")
    page.get_by_label("Spoke (spoke leads only)").select_option("westport")
    page.get_by_label("Initial password").fill("first-kettle-orbit-42")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("cell", name="Westport Council")).to_be_visible()
    expect(page.get_by_text("Temporary password")).to_be_visible()
    page.get_by_test_id("sign-out").click()

    sign_in(page, live_server, "lead@westport.example", "first-kettle-orbit-42")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert axe_violations(page) == []
    page.get_by_label("Current password").fill("first-kettle-orbit-42")
    page.get_by_label("New password", exact=True).fill("westport-heron-lantern")
    page.get_by_label("New password again").fill("westport-heron-lantern")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("banner")).to_contain_text("Wes Lead")
    expect(page.get_by_role("banner")).to_contain_text("Westport Council")
