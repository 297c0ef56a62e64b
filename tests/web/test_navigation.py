"""The main menu groups related pages, and inside a group a section menu links them: a finance
officer's menu fits the header; each role sees only what it may open."""

from __future__ import annotations

import pytest

from auth.roles import Role
from tests.allocations.helpers import page_text
from tests.builders import make_user

pytestmark = pytest.mark.one_database


def menus(client, path: str) -> tuple[str, str | None]:
    html = client.get(path).get_data(as_text=True)
    menu = page_text(html, css_class="govuk-service-navigation__list")
    section = (
        page_text(html, css_class="app-section-nav__list")
        if "app-section-nav__list" in html
        else None
    )
    return menu, section


def test_commissioning_is_one_item_with_its_pages_in_a_section_menu(client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    menu, section = menus(client, "/commissioning/providers")

    assert "Commissioning" in menu
    for inside in ("Providers", "Interventions", "Gap map", "Funding formula"):
        assert inside not in menu
    assert section == "Rounds and bids Providers Interventions Gap map"


def test_the_open_page_is_marked_in_the_section_menu(client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    html = client.get("/commissioning/gaps").get_data(as_text=True)

    section = html.split('class="app-section-nav"')[1]
    marked = section.split('aria-current="true"')[1].split("</a>")[0]
    assert marked.endswith("Gap map")


def test_the_section_menu_shows_only_outside_a_group(client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    _, section = menus(client, "/returns")

    assert section is None


def test_a_role_with_one_page_of_a_group_sees_that_page_by_name(client, sign_in):
    sign_in(make_user(role=Role.SPOKE))

    menu, section = menus(client, "/allocations")

    assert "Allocations" in menu
    assert section is None  # the funding formula is not theirs: no section menu of one


def test_an_auditor_sees_users_and_the_audit_log_but_not_the_partnership_set_up(client, sign_in):
    sign_in(make_user(role=Role.AUDITOR))

    menu, section = menus(client, "/audit/")

    assert "Administration" in menu
    assert section == "Users Audit log"


def test_empty_lists_total_zero_pounds(client, sign_in):
    """A total of no rows is £0.00, not a server error (Jinja's sum gives the integer 0)."""
    sign_in(make_user(role=Role.FINANCE))

    for path in ("/commissioning/gaps", "/commissioning/rounds", "/commissioning/interventions"):
        assert client.get(path).status_code == 200, path
    assert "£0.00" in client.get("/commissioning/gaps").get_data(as_text=True)


def test_an_administrator_reaches_partnership_users_and_audit_through_one_item(client, sign_in):
    sign_in(make_user(role=Role.ADMIN))

    menu, section = menus(client, "/admin/users")

    assert "Administration" in menu
    assert section == "Partnership Users Audit log"
