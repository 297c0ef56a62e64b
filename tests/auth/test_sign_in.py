"""Signing in and out: one generic refusal, throttled guessing, local redirects only, CSRF."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from auth.models import SignInAttempt
from auth.roles import Role
from auth.services import GENERIC_SIGN_IN_FAILURE
from config import load_config
from extensions import db
from tests.builders import DEFAULT_PASSWORD, make_app, make_user

TOO_MANY = "Too many failed attempts"


def post_sign_in(client, email, password=DEFAULT_PASSWORD, query=""):
    return client.post(f"/sign-in{query}", data={"email": email, "password": password})


def signed_in_user_id(client) -> str | None:
    """The user id the session holds (the session keeps ``id:session_version``)."""
    with client.session_transaction() as session:
        held = session.get("_user_id")
    return held.partition(":")[0] if held else None


def test_correct_sign_in_redirects_home_and_starts_a_session(client):
    user = make_user(role=Role.FINANCE)

    response = post_sign_in(client, user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_user_id(client) == str(user.id)
    assert user.last_signed_in_at is not None


def test_email_is_matched_whatever_its_case_and_spacing(client):
    user = make_user(email="fran@example.org")

    assert post_sign_in(client, "  Fran@Example.ORG ").status_code == 302
    assert signed_in_user_id(client) == str(user.id)


def test_the_session_is_carried_by_the_cookie_alone(app, database_url):
    # On an app with no pushed context, so nothing but the cookie can carry the session.
    user = make_user(role=Role.ADMIN)
    with make_app(database_url) as fresh:
        signed_in, stranger = fresh.test_client(), fresh.test_client()
        assert post_sign_in(signed_in, user.email).status_code == 302

        assert signed_in.get("/admin/users").status_code == 200
        assert stranger.get("/admin/users").status_code == 302


@pytest.mark.parametrize("case", ["wrong password", "unknown email"])
def test_wrong_password_and_unknown_email_get_the_same_refusal(client, case):
    user = make_user()
    email, password = (
        (user.email, "not-the-password")
        if case == "wrong password"
        else ("nobody@example.org", DEFAULT_PASSWORD)
    )

    response = post_sign_in(client, email, password)

    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert GENERIC_SIGN_IN_FAILURE == "Enter a correct email address and password"
    assert GENERIC_SIGN_IN_FAILURE in html
    assert "There is a problem" in html
    assert signed_in_user_id(client) is None


def test_the_two_refusals_are_indistinguishable(client):
    user = make_user()

    wrong_password = post_sign_in(client, user.email, "not-the-password")
    unknown_email = post_sign_in(client, "nobody@example.org", "not-the-password")

    def page(response):  # the typed email is echoed back in the form; nothing else may differ
        return re.sub(r'value="[^"]*@[^"]*"', "", response.get_data(as_text=True))

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert page(wrong_password) == page(unknown_email)


def test_an_inactive_user_cannot_sign_in(client):
    user = make_user(active=False)

    response = post_sign_in(client, user.email)

    assert response.status_code == 401
    assert GENERIC_SIGN_IN_FAILURE in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_empty_fields_are_reported_and_nobody_is_signed_in(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your email address" in html
    assert "Enter your password" in html
    assert signed_in_user_id(client) is None


def test_failed_attempts_are_recorded(client):
    user = make_user()

    post_sign_in(client, user.email, "not-the-password")

    attempts = db.session.scalars(select(SignInAttempt)).all()
    assert [(a.email, a.succeeded) for a in attempts] == [(user.email, False)]


# --- throttling -----------------------------------------------------------------------------------


def test_after_too_many_failures_even_the_right_password_is_refused(app, client):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    user = make_user()
    for _ in range(limit):
        assert post_sign_in(client, user.email, "not-the-password").status_code == 401

    response = post_sign_in(client, user.email, DEFAULT_PASSWORD)

    assert response.status_code == 401
    assert TOO_MANY in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(app, client):
    user = make_user()
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"] - 1):
        post_sign_in(client, user.email, "not-the-password")

    assert post_sign_in(client, user.email).status_code == 302


def test_throttling_one_email_leaves_others_alone(app, client):
    victim, colleague = make_user(), make_user()
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        post_sign_in(client, victim.email, "not-the-password")

    response = post_sign_in(client, colleague.email)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(colleague.id)


def test_failures_older_than_the_lockout_window_do_not_count(app, client):
    user = make_user()
    long_ago = datetime.now(UTC) - timedelta(minutes=app.config["SIGN_IN_LOCKOUT_MINUTES"] + 1)
    db.session.add_all(
        SignInAttempt(email=user.email, attempted_at=long_ago, succeeded=False)
        for _ in range(app.config["SIGN_IN_MAX_FAILURES"])
    )
    db.session.commit()

    assert post_sign_in(client, user.email).status_code == 302


def test_the_limit_comes_from_the_config(app, client):
    app.config["SIGN_IN_MAX_FAILURES"] = 2
    user = make_user()
    post_sign_in(client, user.email, "wrong-1")
    post_sign_in(client, user.email, "wrong-2")

    assert TOO_MANY in post_sign_in(client, user.email).get_data(as_text=True)


# --- where sign-in leads --------------------------------------------------------------------------


def sign_in_with_next(client, next_):
    user = make_user(role=Role.ADMIN)
    response = client.post(
        "/sign-in",
        query_string={"next": next_},
        data={"email": user.email, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("next_", ["/spokes", "/audit/?table=users&page=2"])
def test_next_is_followed_to_a_path_on_this_site(client, next_):
    assert sign_in_with_next(client, next_) == next_


@pytest.mark.parametrize(
    "next_",
    [
        "//evil.example",
        "//evil.example/spokes",
        "http://evil.example",
        "https://evil.example/sign-in",
        "javascript:alert(1)",
        "spokes",
    ],
)
def test_next_elsewhere_goes_home_instead(client, next_):
    assert sign_in_with_next(client, next_) == "/"


@pytest.mark.parametrize(
    "next_",
    [
        "/\\evil.example",  # browsers read a backslash as a slash: //evil.example
        "/\t/evil.example",  # and drop tabs and newlines
        "/\n/evil.example",
        "/%2F/evil.example",
    ],
)
def test_next_disguised_as_a_path_does_not_leave_the_site(client, next_):
    location = sign_in_with_next(client, next_)

    as_a_browser_reads_it = location.replace("\\", "/").replace("\t", "").replace("\n", "")
    assert as_a_browser_reads_it.startswith("/")
    assert not as_a_browser_reads_it.startswith("//"), location


def test_a_signed_in_user_visiting_sign_in_goes_home(client, sign_in):
    sign_in(make_user())

    response = client.get("/sign-in")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# --- signing out --------------------------------------------------------------------------------


def test_sign_out_does_not_answer_get(client, sign_in):
    user = make_user()
    sign_in(user)

    assert client.get("/sign-out").status_code == 405
    assert signed_in_user_id(client) == str(user.id)


def test_sign_out_ends_the_session(client, sign_in):
    sign_in(make_user())

    response = client.post("/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert signed_in_user_id(client) is None
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session_for_the_cookie_too(app, database_url):
    user = make_user()
    with make_app(database_url) as fresh:
        client = fresh.test_client()
        post_sign_in(client, user.email)
        assert client.get("/").status_code == 200

        client.post("/sign-out")

        assert client.get("/").status_code == 302


# --- CSRF -----------------------------------------------------------------------------------------


def test_sign_in_without_a_csrf_token_is_refused(app, csrf_client):
    user = make_user()

    response = post_sign_in(csrf_client, user.email)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your form has expired" in html
    assert signed_in_user_id(csrf_client) is None
    assert db.session.scalar(select(func.count(SignInAttempt.id))) == 0


def test_sign_in_with_the_forms_csrf_token_works(app, csrf_client):
    user = make_user()
    page = csrf_client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    response = csrf_client.post(
        "/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 302
    assert signed_in_user_id(csrf_client) == str(user.id)


def test_sign_out_without_a_csrf_token_is_refused(app, csrf_client):
    user = make_user()
    page = csrf_client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    csrf_client.post(
        "/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )

    response = csrf_client.post("/sign-out")

    assert response.status_code == 400
    assert signed_in_user_id(csrf_client) == str(user.id)


# --- cookies --------------------------------------------------------------------------------------


def test_production_session_cookies_are_secure_httponly_and_samesite(tmp_path):
    config = load_config(
        str(tmp_path), {"APP_ENV": "production", "SECRET_KEY": "k" * 64}, environ={}
    )

    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["PERMANENT_SESSION_LIFETIME"] <= timedelta(hours=8)


def test_development_cookies_work_over_plain_http(tmp_path):
    config = load_config(str(tmp_path), {"APP_ENV": "development"}, environ={})

    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True


def test_a_production_app_sets_its_session_cookie_secure(app, database_url):
    user = make_user()
    with make_app(database_url, APP_ENV="production", TESTING=False) as production:
        response = post_sign_in(production.test_client(), user.email)

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
