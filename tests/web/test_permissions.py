"""Who may open what: every route declares a permission, and the declarations are enforced.

The route walk follows alphagov/notifications-admin's test_permissions: a new endpoint without
``@permission_required`` or ``@public`` fails here by name (and is refused at run time anyway).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from auth.models import User
from auth.permissions import PERMISSION_ATTR, PUBLIC_ATTR
from auth.roles import ROLE_PERMISSIONS, Permission, Role
from extensions import db
from tests.builders import DEFAULT_PASSWORD, make_app, make_spoke, make_spokes, make_user

# --- every endpoint is labelled -------------------------------------------------------------------


def unlabelled_endpoints(app) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not hasattr(app.view_functions[rule.endpoint], PERMISSION_ATTR)
        and not getattr(app.view_functions[rule.endpoint], PUBLIC_ATTR, False)
    )


def test_every_endpoint_declares_a_permission_or_is_public(app):
    assert len(list(app.url_map.iter_rules())) > 5  # the walk sees the real app

    missing = unlabelled_endpoints(app)

    assert not missing, (
        "These endpoints declare no permission; add @permission_required(...) or @public:\n"
        + "\n".join(missing)
    )


def test_declared_permissions_are_permissions(app):
    wrong = sorted(
        f"{endpoint}: {getattr(view, PERMISSION_ATTR)!r}"
        for endpoint, view in app.view_functions.items()
        if hasattr(view, PERMISSION_ATTR)
        and not isinstance(getattr(view, PERMISSION_ATTR), Permission)
    )
    assert not wrong


def test_an_unlabelled_route_is_refused_even_to_an_administrator(app, database_url):
    admin = make_user(role=Role.ADMIN)
    with make_app(database_url) as fresh:
        fresh.add_url_rule("/forgotten", "forgotten", lambda: "secret figures")
        client = fresh.test_client()
        assert (
            client.post(
                "/sign-in", data={"email": admin.email, "password": DEFAULT_PASSWORD}
            ).status_code
            == 302
        )

        assert unlabelled_endpoints(fresh) == ["forgotten"]
        response = client.get("/forgotten")

    assert response.status_code == 403
    assert "secret figures" not in response.get_data(as_text=True)


def test_an_unlabelled_route_is_refused_to_anonymous_users_too(app, database_url):
    with make_app(database_url) as fresh:
        fresh.add_url_rule("/forgotten", "forgotten", lambda: "secret figures")
        response = fresh.test_client().get("/forgotten")

    assert response.status_code == 403


# --- the role matrix ------------------------------------------------------------------------------

PAGES = ("/", "/spokes", "/spokes/bristol", "/admin/users", "/admin/users/new", "/audit/")

# Written out by hand from the design (who needs what), not computed from ROLE_PERMISSIONS, so a
# change to a role's permissions has to be made twice, deliberately.
EXPECTED = {
    #              /    /spokes /spokes/bristol /admin/users /admin/users/new /audit/
    Role.ADMIN: (200, 200, 200, 200, 200, 200),
    Role.FINANCE: (200, 200, 200, 403, 403, 403),
    Role.HUB: (200, 200, 200, 403, 403, 403),
    Role.PANEL: (200, 200, 200, 403, 403, 403),
    Role.SPOKE: (200, 200, 200, 403, 403, 403),  # Bristol lead
    Role.AUDITOR: (200, 200, 200, 200, 403, 200),
}


def test_the_hand_written_matrix_covers_every_role():
    assert set(EXPECTED) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_matrix(app, client, sign_in, role):
    spokes = make_spokes()
    user = make_user(role=role, spoke=spokes["bristol"] if role is Role.SPOKE else None)
    sign_in(user)

    answered = {page: client.get(page).status_code for page in PAGES}

    assert answered == dict(zip(PAGES, EXPECTED[role], strict=True))
    # The same answers follow from each page's declared permission and ROLE_PERMISSIONS, so a
    # label that disagrees with the role table fails here too.
    adapter = app.url_map.bind("localhost")
    for page in PAGES:
        endpoint, _ = adapter.match(page)
        needed = getattr(app.view_functions[endpoint], PERMISSION_ATTR)
        assert answered[page] == (200 if needed in ROLE_PERMISSIONS[role] else 403), (
            f"{role} on {page} ({needed})"
        )


def test_an_inactive_users_session_stops_working(client, sign_in):
    user = make_user(role=Role.ADMIN)
    sign_in(user)
    user.active = False
    db.session.commit()

    # flask-login refuses inactive users; the permission check also asks user.active.
    assert client.get("/admin/users").status_code in (302, 403)


# --- anonymous users ------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in_and_back(client):
    make_spoke("bristol")

    for page in PAGES:
        response = client.get(page)

        assert response.status_code == 302, page
        location = urlsplit(response.headers["Location"])
        assert location.path == "/sign-in"
        assert parse_qs(location.query)["next"] == [page]


def test_anonymous_redirect_keeps_the_query_string(client):
    response = client.get("/audit/?table=users&page=2")

    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [
        "/audit/?table=users&page=2"
    ]


@pytest.mark.parametrize("page", ["/sign-in", "/healthz"])
def test_public_pages_need_no_sign_in(client, page):
    assert client.get(page).status_code == 200


def test_healthz_reports_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


# --- spoke leads see their own spoke --------------------------------------------------------------


def test_spoke_lead_sees_only_their_own_spoke(client, sign_in):
    spokes = make_spokes()
    sign_in(make_user(role=Role.SPOKE, spoke=spokes["bristol"]))

    for page in ("/", "/spokes"):
        html = client.get(page).get_data(as_text=True)
        assert "/spokes/bristol" in html, page
        for other in ("banes", "north-somerset", "somerset", "south-glos"):
            assert f'/spokes/{other}"' not in html, f"{other} shown on {page}"
        assert "South Gloucestershire" not in html
        assert "Bath &amp; North East Somerset" not in html


def test_other_roles_see_every_spoke(client, sign_in):
    make_spokes()
    sign_in(make_user(role=Role.PANEL))

    html = client.get("/spokes").get_data(as_text=True)

    for code in ("banes", "bristol", "north-somerset", "somerset", "south-glos"):
        assert f'/spokes/{code}"' in html


def test_spoke_lead_is_refused_another_spokes_page(client, sign_in):
    spokes = make_spokes()
    sign_in(make_user(role=Role.SPOKE, spoke=spokes["bristol"]))

    assert client.get("/spokes/bristol").status_code == 200
    assert client.get("/spokes/south-glos").status_code == 403


def test_unknown_spoke_is_not_found(client, sign_in):
    make_spokes()
    sign_in(make_user(role=Role.FINANCE))

    assert client.get("/spokes/atlantis").status_code == 404


def test_spoke_lead_asking_for_an_unknown_spoke_gets_not_found(client, sign_in):
    spokes = make_spokes()
    sign_in(make_user(role=Role.SPOKE, spoke=spokes["bristol"]))

    assert client.get("/spokes/atlantis").status_code == 404


# --- the auditor reads everything and changes nothing ---------------------------------------------


def test_auditor_can_view_the_audit_log_and_users(client, sign_in):
    sign_in(make_user(role=Role.AUDITOR))

    assert client.get("/audit/").status_code == 200
    assert client.get("/admin/users").status_code == 200


def test_auditor_cannot_create_users(client, sign_in):
    sign_in(make_user(role=Role.AUDITOR))
    users_before = db.session.scalar(select(func.count(User.id)))

    assert client.get("/admin/users/new").status_code == 403
    response = client.post(
        "/admin/users/new",
        data={
            "email": "mallory@example.org",
            "name": "Mallory",
            "role": "admin",
            "spoke": "",
            "password": "long-enough-password",
        },
    )

    assert response.status_code == 403
    assert db.session.scalar(select(func.count(User.id))) == users_before
    assert db.session.scalar(select(User).where(User.email == "mallory@example.org")) is None


def test_auditor_is_not_offered_the_create_button(client, sign_in):
    sign_in(make_user(role=Role.AUDITOR))

    assert "/admin/users/new" not in client.get("/admin/users").get_data(as_text=True)
