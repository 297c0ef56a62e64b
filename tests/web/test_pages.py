"""Pages in the partnership's own style: GOV.UK Frontend components without the GOV.UK crown,
name or typeface; error pages that say what happened; a landing page for the current year."""

from __future__ import annotations

from pathlib import Path

from auth.permissions import public
from auth.roles import Role
from tests.builders import (
    make_app,
    make_financial_year,
    make_grant_stream,
    make_spokes,
    make_user,
)

ROOT = Path(__file__).resolve().parent.parent.parent
GOVUK_ONLY = ("GOV.UK", "GDS Transport", "govuk-header__logotype", "govuk-logo", "govuk-crest")


def header(html: str) -> str:
    start = html.index("<header")
    return html[start : html.index("</header>", start)]


def assert_in_service_style(app, html: str, where: str = "") -> None:
    name = app.config["PARTNERSHIP_NAME"]
    assert name in header(html), where
    assert f"– {name}</title>" in html, where
    for text in GOVUK_ONLY:
        assert text not in html, f"{where}: {text!r} is for GOV.UK services only"


# --- error pages ----------------------------------------------------------------------------------


def test_not_found_page(app, client):
    response = client.get("/no-such-page")

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "check it is correct" in html
    assert_in_service_style(app, html)


def test_forbidden_page(app, client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    response = client.get("/admin/users")

    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You do not have permission to see this page" in html
    assert "ask the partnership's administrator" in html
    assert_in_service_style(app, html)


def test_method_not_allowed_page(app, client):
    response = client.get("/sign-out")

    assert response.status_code == 405
    assert "Sorry, that action is not allowed here" in response.get_data(as_text=True)


def test_server_error_page(app, database_url):
    with make_app(database_url, TESTING=False) as fresh:

        @public
        def broken():
            raise RuntimeError("the database fell over")

        fresh.add_url_rule("/broken", "broken", broken)
        response = fresh.test_client().get("/broken")
        html = response.get_data(as_text=True)

        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in html
        assert "Nothing you sent was saved" in html
        assert "the database fell over" not in html  # no internals shown
        assert "Traceback" not in html
        assert_in_service_style(fresh, html)


def test_partnership_name_comes_from_the_config(app, database_url):
    with make_app(database_url, PARTNERSHIP_NAME="Somewhere Violence Reduction Unit") as fresh:
        html = fresh.test_client().get("/sign-in").get_data(as_text=True)

    assert "Somewhere Violence Reduction Unit" in header(html)
    assert app.config["PARTNERSHIP_NAME"] not in html


# --- no GOV.UK branding anywhere ------------------------------------------------------------------


def test_pages_never_carry_govuk_branding(app, client, sign_in):
    make_spokes()
    sign_in(make_user(role=Role.ADMIN))

    for page in (
        "/",
        "/spokes",
        "/spokes/bristol",
        "/admin/users",
        "/admin/users/new",
        "/audit/",
        "/no-such-page",
    ):
        response = client.get(page)

        assert response.status_code in (200, 404), page
        assert_in_service_style(app, response.get_data(as_text=True), page)


def test_sign_in_page_carries_no_govuk_branding(app, client):
    response = client.get("/sign-in")

    assert response.status_code == 200
    assert_in_service_style(app, response.get_data(as_text=True))


def test_the_stylesheet_does_not_use_the_govuk_typeface():
    source = (ROOT / "assets" / "scss" / "app.scss").read_text(encoding="utf-8")
    assert "$govuk-font-family" in source  # the typeface is replaced, not left to default

    built = ROOT / "static" / "dist" / "app.css"
    if built.exists():
        assert "GDS Transport" not in built.read_text(encoding="utf-8")


# --- the landing page -----------------------------------------------------------------------------


def test_landing_page_shows_the_current_year_streams_and_spokes(app, client, sign_in):
    make_financial_year("2023-24", current=False)
    make_financial_year("2024-25", current=True)
    make_grant_stream("VRU", "Violence Reduction Unit grant")
    make_grant_stream("SVD", "Serious Violence Duty grant")
    make_spokes()
    sign_in(make_user(role=Role.FINANCE))

    response = client.get("/")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Financial year 2024-25" in html
    assert "1 April 2024 to 31 March 2025" in html
    assert "2023-24" not in html
    for text in ("VRU", "Violence Reduction Unit grant", "SVD", "Serious Violence Duty grant"):
        assert text in html
    for name in (
        "Bath &amp; North East Somerset",
        "Bristol",
        "North Somerset",
        "Somerset",
        "South Gloucestershire",
    ):
        assert f">{name}</a>" in html
    assert "OPCC finance officer" in html


def test_landing_page_without_a_marked_year_shows_the_year_containing_today(app, client, sign_in):
    from datetime import date

    from core.financial_year import FinancialYear

    sign_in(make_user(role=Role.PANEL))

    html = client.get("/").get_data(as_text=True)

    assert f"Financial year {FinancialYear.containing(date.today()).label}" in html
    assert "No grant streams are set up yet" in html
    assert "No spokes are set up yet" in html


def test_navigation_shows_only_what_the_role_may_open(app, client, sign_in):
    sign_in(make_user(role=Role.PANEL))

    nav = header(client.get("/").get_data(as_text=True))

    assert 'href="/spokes"' in nav
    assert 'href="/admin/users"' not in nav
    assert 'href="/audit/"' not in nav


def test_signed_in_header_names_the_user_and_offers_sign_out(app, client, sign_in):
    spokes = make_spokes()
    sign_in(make_user(role=Role.SPOKE, spoke=spokes["somerset"], name="Sam Lead"))

    top = header(client.get("/").get_data(as_text=True))

    assert "Sam Lead · Spoke lead · Somerset" in top
    assert 'action="/sign-out"' in top and 'method="post"' in top
