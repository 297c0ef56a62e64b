"""A panel member declares no conflict and scores a bid; the chair (who disagrees) sees the
disagreement flag, moderates and decides, in a real browser with an accessibility check."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from auth.roles import Role
from tests.browser.conftest import axe_violations, close_context
from tests.builders import DEFAULT_PASSWORD, make_user
from tests.commissioning.builders import declare, make_bid, make_provider, make_round, score

pytestmark = pytest.mark.browser


def sign_in(tab: Page, base: str, email: str) -> None:
    tab.goto(base + "/sign-in")
    tab.get_by_label("Email address").fill(email)
    tab.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()


def test_a_member_declares_and_scores_and_the_chair_moderates_and_decides(
    app, live_server: str, browser, page: Page
):
    chair = make_user(role=Role.PANEL, email="chair@panel.example", name="Chris Chair")
    member = make_user(role=Role.PANEL, email="mo@panel.example", name="Mo Member")
    round_ = make_round(members=[chair, member], chair=chair, margin="15", name="Spring round")
    bid = make_bid(round_, provider=make_provider("Youth Moves"), reference="B001")
    declare(bid, chair)
    score(bid, chair, 2, 2)  # 40.00

    sign_in(page, live_server, member.email)
    page.goto(live_server + "/commissioning/rounds")
    page.get_by_role("link", name="Spring round").click()
    page.get_by_role("link", name="B001 Mentoring for young people at risk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Declare your interest")
    assert axe_violations(page) == []
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    page.get_by_role("link", name="Score this bid").click()
    assert axe_violations(page) == []
    page.get_by_label("Score, 0 to 5").first.fill("6")
    page.get_by_label("Score, 0 to 5").nth(1).fill("5")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Need: the score must be from 0 to 5, not 6"
    )
    page.get_by_label("Score, 0 to 5").first.fill("5")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_test_id("scores")).to_contain_text("100.00")

    chair_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(chair_page, live_server, chair.email)
    chair_page.goto(f"{live_server}/commissioning/bids/{bid.id}")
    expect(chair_page.get_by_test_id("panel-figures")).to_contain_text(
        "Members disagree by more than the margin"
    )
    chair_page.get_by_role("link", name="Moderate (set an agreed score)").click()
    chair_page.get_by_label("Agreed score").fill("72.5")
    chair_page.get_by_label("Reason").fill("Agreed after discussing the evidence")
    chair_page.get_by_role("button", name="Save the agreed score").click()
    expect(chair_page.get_by_test_id("moderation")).to_contain_text("Agreed score 72.5")
    chair_page.get_by_role("link", name="Record the decision").click()
    assert axe_violations(chair_page) == []
    chair_page.get_by_label("Approved with conditions").check()
    chair_page.get_by_role("button", name="Check the decision").click()
    expect(chair_page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the decision reference"
    )
    chair_page.get_by_label("Decision reference").fill("CF-2025-11")
    chair_page.get_by_role("textbox", name="Conditions").fill("Quarterly reports")
    chair_page.get_by_role("textbox", name="Minutes").fill("Agreed with conditions")
    chair_page.get_by_role("button", name="Check the decision").click()
    expect(chair_page.get_by_test_id("confirm-decision")).to_contain_text(
        "You are about to approve with conditions B001"
    )
    assert axe_violations(chair_page) == []
    chair_page.get_by_role("button", name="Confirm: approved with conditions").click()
    expect(chair_page.locator("main")).to_contain_text("CF-2025-11")
    expect(chair_page.locator("main")).to_contain_text("Approved with conditions")
    assert axe_violations(chair_page) == []
    close_context(chair_page.context)
