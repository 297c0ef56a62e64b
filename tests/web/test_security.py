"""Security headers on pages, downloads and error pages; sessions that end on sign-out (a copied
cookie refused afterwards) and after the idle timeout (time moved by the session's own record,
not by sleeping)."""

from __future__ import annotations

import time

import pytest

from auth.roles import Role
from auth.sessions import LAST_ACTIVE
from tests.builders import make_user
from web.security import CONTENT_SECURITY_POLICY


def assert_hardened(response, *, cached: bool = False) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    if not cached:
        assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain http


def test_signed_in_pages_carry_the_headers_and_no_inline_script_or_style(app, sign_in, client):
    sign_in(make_user(role=Role.FINANCE))
    response = client.get("/")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert_hardened(response)
    assert "<script>" not in html and '<script type="module">' not in html
    assert " style=" not in html and "onclick=" not in html


def test_the_sign_in_page_and_error_pages_carry_the_headers(app, sign_in, client):
    assert_hardened(client.get("/sign-in"))
    assert_hardened(client.get("/no-such-page"))
    sign_in(make_user(role=Role.SPOKE))
    forbidden = client.get("/audit/")
    assert forbidden.status_code == 403
    assert_hardened(forbidden)


def test_downloads_are_not_kept_by_caches(app, sign_in, client):
    sign_in(make_user(role=Role.AUDITOR))
    response = client.get("/audit/events.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert_hardened(response)


def test_a_pdf_may_use_the_browsers_viewer_but_is_not_cached_or_framed(app):
    from flask import Response

    from web.security import PDF_CONTENT_SECURITY_POLICY, add_security_headers

    with app.test_request_context("/agreements/1.pdf"):
        response = add_security_headers(Response(b"%PDF-1.7", mimetype="application/pdf"))

    assert response.headers["Content-Security-Policy"] == PDF_CONTENT_SECURITY_POLICY
    assert "object-src 'self'" in PDF_CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in PDF_CONTENT_SECURITY_POLICY
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_may_be_cached_but_are_not_sniffed(app, client):
    with client.get("/static/img/favicon.svg") as response:
        assert response.status_code == 200
        assert_hardened(response, cached=True)
        assert response.headers.get("Cache-Control") != "no-store"


def test_hsts_only_over_https(app, client):
    response = client.get("/sign-in", base_url="https://vrp.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, sign_in, client):
    user = make_user(role=Role.FINANCE)
    sign_in(user)
    assert client.get("/").status_code == 200
    copied = client.get_cookie("session").value

    client.post("/sign-out")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_session_idle_longer_than_the_setting_is_signed_out(app, sign_in, client):
    app.config["IDLE_MINUTES"] = 30
    sign_in(make_user(role=Role.FINANCE))
    with client.session_transaction() as session:
        session[LAST_ACTIVE] = time.time() - 29 * 60
    assert client.get("/").status_code == 200  # 29 minutes: still signed in, and the clock resets

    with client.session_transaction() as session:
        session[LAST_ACTIVE] = time.time() - 31 * 60
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page


@pytest.mark.parametrize("minutes", ["0", "thirty"])
def test_the_idle_timeout_setting_must_be_a_whole_number(minutes, tmp_path):
    from config import ConfigError, load_config

    with pytest.raises(ConfigError, match="VRP_IDLE_MINUTES"):
        load_config(str(tmp_path), environ={"VRP_ENV": "development", "VRP_IDLE_MINUTES": minutes})
