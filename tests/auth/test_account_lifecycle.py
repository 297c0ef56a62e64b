"""Accounts for their whole life: change role or spoke, deactivate (ending sessions at once) and
reactivate, temporary passwords that must be changed, changing one's own password, all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from auth import services
from auth.models import User
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from tests.builders import DEFAULT_PASSWORD, make_spoke, make_user

NEW_PASSWORD = "lantern-orchard-velvet"


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def is_signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


# --- sessions end ---------------------------------------------------------------------------------


def test_a_deactivated_users_open_session_is_refused_on_its_next_request(app, sign_in, client):
    admin = make_user(role=Role.ADMIN)
    hub = make_user(role=Role.HUB)
    sign_in(hub)
    assert is_signed_in(client)

    services.deactivate_user(hub.id, reason="Left the Hub", by=admin)

    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_deactivated_user_cannot_sign_in_and_a_reactivated_one_can(app, client):
    admin = make_user(role=Role.ADMIN)
    hub = make_user(role=Role.HUB)
    services.deactivate_user(hub.id, reason="Left", by=admin)

    refused = client.post("/sign-in", data={"email": hub.email, "password": DEFAULT_PASSWORD})
    services.reactivate_user(hub.id, by=admin)
    allowed = client.post("/sign-in", data={"email": hub.email, "password": DEFAULT_PASSWORD})

    assert refused.status_code == 401
    assert allowed.status_code == 302


def test_a_new_password_ends_the_other_sessions_but_not_this_one(app):
    user = make_user(role=Role.FINANCE)
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})

    changed = here.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert fresh(user).check_password(NEW_PASSWORD)


# --- temporary passwords --------------------------------------------------------------------------


def test_a_temporary_password_must_be_changed_before_anything_else(app, client, sign_in):
    admin = make_user(role=Role.ADMIN)
    user = make_user(role=Role.FINANCE)
    services.set_temporary_password(user.id, "temporary-kettle-42", by=admin)

    signed_in = client.post(
        "/sign-in", data={"email": user.email, "password": "temporary-kettle-42"}
    )
    elsewhere = client.get("/allocations")
    changed = client.post(
        "/account/password",
        data={
            "current_password": "temporary-kettle-42",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert signed_in.headers["Location"] == "/account/password"
    assert elsewhere.status_code == 302 and elsewhere.headers["Location"] == "/account/password"
    assert changed.status_code == 302
    assert client.get("/allocations").status_code == 200
    assert not fresh(user).must_change_password


def test_an_administrator_sets_a_temporary_password_on_the_page(app, client, sign_in):
    user = make_user(role=Role.HUB)
    sign_in(make_user(role=Role.ADMIN))

    response = client.post(
        f"/admin/users/{user.id}/password", data={"password-password": "temporary-kettle-42"}
    )

    assert response.status_code == 302
    assert fresh(user).must_change_password
    assert fresh(user).check_password("temporary-kettle-42")


# --- passwords that are too weak ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short", "at least 10 characters"),
        ("1234567890", "one of the most common passwords"),
        ("qwertyuiop", "one of the most common passwords"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("fran.finance1", "too easy to guess"),  # built from the person's own email
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, expected):
    problems = services.password_problems(
        password, email="fran.finance@example.org", name="Fran Finance"
    )

    assert len(problems) == 1 and expected in problems[0], problems


def test_a_strong_password_passes():
    assert services.password_problems(NEW_PASSWORD, email="a@example.org", name="A") == []


def test_changing_ones_password_lists_every_problem_at_once(app, client, sign_in):
    user = make_user(role=Role.HUB)
    sign_in(user)

    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong-password-here",
            "new_password": "password1234",
            "confirm_password": "different",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your current password is not right" in html
    assert "The password is too easy to guess" in html or "most common passwords" in html
    assert "The two new passwords do not match" in html
    assert fresh(user).check_password(DEFAULT_PASSWORD)


# --- role, spoke, deactivation rules -------------------------------------------------------------


def test_an_administrator_changes_a_role_and_spoke_on_the_page(app, client, sign_in):
    bristol = make_spoke("bristol")
    user = make_user(role=Role.HUB)
    sign_in(make_user(role=Role.ADMIN))

    response = client.post(
        f"/admin/users/{user.id}/change",
        data={"change-name": "Bo Bristol", "change-role": "spoke", "change-spoke": "bristol"},
    )

    assert response.status_code == 302
    user = fresh(user)
    assert (user.name, user.role, user.spoke_id) == ("Bo Bristol", Role.SPOKE, bristol.id)


def test_a_spoke_lead_needs_a_spoke(app):
    user = make_user(role=Role.HUB)

    with pytest.raises(DomainError) as refused:
        services.change_user(user.id, role="spoke", spoke_code=None, name=None, by=None)

    assert [p.column for p in refused.value.problems] == ["spoke"]


def test_the_last_administrator_cannot_be_demoted_or_deactivated(app):
    admin = make_user(role=Role.ADMIN)

    with pytest.raises(DomainError, match="not changed"):
        services.change_user(admin.id, role="finance", spoke_code=None, name=None, by=None)
    with pytest.raises(DomainError, match="not deactivated"):
        services.deactivate_user(admin.id, reason="Leaving", by=None)

    make_user(role=Role.ADMIN)
    services.change_user(admin.id, role="finance", spoke_code=None, name=None, by=None)
    assert fresh(admin).role is Role.FINANCE


def test_deactivation_needs_a_reason_and_is_audited_with_it(app):
    admin = make_user(role=Role.ADMIN, email="admin@example.org")
    user = make_user(role=Role.HUB)

    with pytest.raises(DomainError):
        services.deactivate_user(user.id, reason="  ", by=admin)
    services.deactivate_user(user.id, reason="Left the Hub", by=admin)

    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.table_name == "users", AuditEvent.record_id == str(user.id))
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.reason == "deactivated by admin@example.org: Left the Hub"
    assert ("active", True, False) in event.changed_fields()


def test_the_user_list_shows_when_each_last_signed_in(app, client, sign_in):
    admin = make_user(role=Role.ADMIN, name="Alex Admin")
    make_user(role=Role.HUB, name="Never Signed")
    sign_in(admin)

    html = client.get("/admin/users").get_data(as_text=True)

    assert "Last signed in" in html
    assert "Never" in html


# --- the command line ---------------------------------------------------------------------


def run(runner, *args, input=None):
    return runner.invoke(args=["users", *args], input=input)


def test_the_cli_changes_deactivates_reactivates_and_resets(app, runner):
    make_user(role=Role.ADMIN)
    make_spoke("bristol")
    user = make_user(role=Role.HUB, email="hub@example.org")

    changed = run(runner, "change", "hub@example.org", "--role", "spoke", "--spoke", "bristol")
    off = run(runner, "deactivate", "hub@example.org", "--reason", "Left")
    listed = run(runner, "list")
    on = run(runner, "reactivate", "hub@example.org")
    reset = run(runner, "reset-password", "hub@example.org", input="temporary-kettle-42\n")

    assert changed.exit_code == 0 and "Spoke lead for Bristol" in changed.output
    assert off.exit_code == 0 and "their sessions have ended" in off.output
    assert "hub@example.org" in listed.output and "(deactivated)" in listed.output
    assert on.exit_code == 0
    assert reset.exit_code == 0
    user = fresh(user)
    assert user.active and user.must_change_password and user.role is Role.SPOKE


def test_the_cli_refuses_an_unknown_account_and_a_weak_password(app, runner):
    make_user(role=Role.HUB, email="hub@example.org")

    unknown = run(runner, "deactivate", "nobody@example.org", "--reason", "x")
    weak = run(runner, "reset-password", "hub@example.org", input="password12\n")

    assert unknown.exit_code == 1 and "no account for 'nobody@example.org'" in unknown.output
    assert weak.exit_code == 1 and "password" in weak.output
