"""Creating accounts: ``vrp users create`` and the administrator's form.

The password is read from standard input (never an argument, which would land in shell history)
and must never be echoed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from auth.models import User
from auth.roles import Role
from extensions import db
from tests.builders import make_spoke, make_spokes, make_user

PASSWORD = "a-long-enough-secret"


def create_user_cli(runner, *args, password=PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=password + "\n")


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def find_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


# --- vrp users create ---------------------------------------------------------------------------


def test_cli_creates_a_user(runner):
    result = create_user_cli(runner, "fran@example.org", "--role", "finance", "--name", "Fran")

    assert result.exit_code == 0, result.output
    assert "Created fran@example.org (OPCC finance officer)" in result.output
    user = find_user("fran@example.org")
    assert (user.name, user.role, user.spoke, user.active) == ("Fran", Role.FINANCE, None, True)
    assert user.check_password(PASSWORD)


def test_cli_creates_a_spoke_lead_for_their_spoke(runner):
    bristol = make_spoke("bristol")

    result = create_user_cli(runner, "bo@example.org", "--role", "spoke", "--spoke", "bristol")

    assert result.exit_code == 0, result.output
    assert "for Bristol" in result.output
    assert find_user("bo@example.org").spoke_id == bristol.id


def test_cli_never_shows_the_password(runner):
    ok = create_user_cli(runner, "fran@example.org", "--role", "finance")
    refused = create_user_cli(runner, "fran@example.org", "--role", "finance")

    for result in (ok, refused):
        assert PASSWORD not in result.output
        assert PASSWORD not in (result.stderr or "")


def test_cli_stores_the_password_hashed(runner):
    create_user_cli(runner, "fran@example.org", "--role", "finance")

    stored = find_user("fran@example.org").password_hash
    assert stored != PASSWORD
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_cli_email_is_stored_lower_case(runner):
    create_user_cli(runner, "Fran@Example.ORG", "--role", "finance")

    assert find_user("fran@example.org") is not None


@pytest.mark.parametrize(
    ("args", "password", "expected"),
    [
        (
            ["boss@example.org", "--role", "boss"],
            PASSWORD,
            ["unknown role 'boss'", "admin, finance, hub, panel, spoke, auditor"],
        ),
        (
            ["lead@example.org", "--role", "spoke", "--spoke", "atlantis"],
            PASSWORD,
            ["unknown spoke 'atlantis'", "known spokes: banes, bristol"],
        ),
        (
            ["lead@example.org", "--role", "spoke"],
            PASSWORD,
            ["choose the spoke this spoke lead works for (--spoke CODE)"],
        ),
        (
            ["fran@example.org", "--role", "finance", "--spoke", "bristol"],
            PASSWORD,
            ["only spoke leads are bound to a spoke"],
        ),
        (["fran@example.org", "--role", "finance"], "short", ["at least 10 characters"]),
        (["fran@example.org", "--role", "finance"], "", ["at least 10 characters"]),
        (
            ["not-an-email", "--role", "finance"],
            PASSWORD,
            ["'not-an-email' is not an email address"],
        ),
    ],
)
def test_cli_refuses_and_says_why(runner, args, password, expected):
    make_spoke("bristol")
    make_spoke("banes")
    before = user_count()

    result = create_user_cli(runner, *args, password=password)

    assert result.exit_code != 0
    for phrase in expected:
        assert phrase in result.output, result.output
    assert "Created" not in result.output
    assert user_count() == before


def test_cli_reports_every_problem_at_once(runner):
    result = create_user_cli(runner, "nope", "--role", "boss", password="short")

    assert result.exit_code == 1
    assert "Error: email:" in result.output
    assert "Error: role:" in result.output
    assert "Error: password:" in result.output


def test_cli_refuses_a_duplicate_email(runner):
    make_user(email="fran@example.org")

    result = create_user_cli(runner, "FRAN@example.org", "--role", "hub")

    assert result.exit_code != 0
    assert "a user with email fran@example.org already exists" in result.output
    assert user_count() == 1


def test_cli_needs_a_role(runner):
    result = runner.invoke(args=["users", "create", "fran@example.org"], input=PASSWORD + "\n")

    assert result.exit_code != 0
    assert "--role" in result.output


def test_cli_lists_users(runner):
    make_user(email="fran@example.org", role=Role.FINANCE)
    make_user(email="old@example.org", role=Role.HUB, active=False)

    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0
    assert "fran@example.org" in result.output
    assert "old@example.org" in result.output and "(deactivated)" in result.output


# --- the administrator's form ------------------------------------------------------------------


def form(**overrides):
    return {
        "email": "new@example.org",
        "name": "New Person",
        "role": "hub",
        "spoke": "",
        "password": PASSWORD,
        **overrides,
    }


@pytest.fixture
def admin_client(client, sign_in):
    make_spokes()
    sign_in(make_user(role=Role.ADMIN, email="admin@example.org"))
    return client


def test_admin_form_creates_a_user(admin_client):
    response = admin_client.post("/admin/users/new", data=form())

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    user = find_user("new@example.org")
    assert (user.name, user.role) == ("New Person", Role.HUB)
    assert user.check_password(PASSWORD)
    assert "new@example.org" in admin_client.get("/admin/users").get_data(as_text=True)


def test_admin_form_creates_a_spoke_lead(admin_client):
    response = admin_client.post("/admin/users/new", data=form(role="spoke", spoke="somerset"))

    assert response.status_code == 302
    assert find_user("new@example.org").spoke.code == "somerset"


def test_admin_form_offers_the_roles_and_spokes(admin_client):
    html = admin_client.get("/admin/users/new").get_data(as_text=True)

    for role in Role:
        assert f'value="{role.value}"' in html
    assert 'value="south-glos"' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": ""}, "email", "Enter an email address"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"name": ""}, "name", "Enter the person&#39;s name"),
        ({"password": "short"}, "password", "The password must be at least 10 characters"),
        ({"role": "boss"}, "role", "Not a valid choice"),
        ({"role": "spoke", "spoke": ""}, "spoke", "Choose the spoke this spoke lead works for"),
        ({"role": "hub", "spoke": "bristol"}, "spoke", "Only spoke leads are bound to a spoke"),
        (
            {"email": "admin@example.org"},
            "email",
            "A user with email admin@example.org already exists",
        ),
    ],
)
def test_admin_form_shows_problems_and_writes_nothing(admin_client, overrides, field, message):
    before = user_count()

    response = admin_client.post("/admin/users/new", data=form(**overrides))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'class="govuk-error-summary' in html
    assert f'href="#{field}"' in html  # the summary links to the field
    assert message in html
    assert "<title>Error: " in html
    assert user_count() == before
    assert PASSWORD not in html  # the password is not sent back
