"""Who may open what on the return pages: every route, every role, and a spoke lead reaching
another spoke's return by URL (403 on every route)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.roles import Role
from extensions import db
from grants.returns.models import QuarterlyReturn
from tests.builders import make_hub, make_spoke, make_user
from tests.grants.returns.builders import make_return, make_setup, return_workbook

# Hand-written from the design, not computed from the role table, so a change to a role's
# permissions has to be made here too, deliberately. "own" is Bristol's lead (the return is
# Bristol's), "other" Somerset's.
ROLES = ("admin", "finance", "hub", "panel", "own", "other", "auditor")
GET_ROUTES = {
    #                                 admin finance hub  panel own  other auditor
    "/returns": (403, 200, 200, 403, 200, 200, 200),
    "/returns/new": (403, 403, 200, 403, 200, 200, 403),
    "/returns/{id}": (403, 200, 200, 403, 200, 403, 200),
    "/returns/{id}/edit": (403, 403, 403, 403, 200, 403, 403),
    "/returns/{id}/submit": (403, 403, 403, 403, 200, 403, 403),
    "/returns/{id}/template.xlsx": (403, 200, 200, 403, 200, 403, 200),
    "/returns/{id}/import": (403, 403, 403, 403, 200, 403, 403),
    "/returns/underspend": (403, 200, 200, 403, 200, 200, 200),
    "/returns/close": (403, 200, 403, 403, 403, 403, 403),
}
# POSTs: "ok" means the route let the user through (a redirect, or 400 for what the service
# refused, e.g. approving a draft); 403 means refused before anything ran.
POST_ROUTES = {
    #                                 admin finance hub  panel own   other auditor
    "/returns/new": (403, 403, "ok", 403, "ok", "ok", 403),
    "/returns/{id}/edit": (403, 403, 403, 403, "ok", 403, 403),
    "/returns/{id}/submit": (403, 403, 403, 403, "ok", 403, 403),
    "/returns/{id}/approve": (403, "ok", 403, 403, 403, 403, 403),
    "/returns/{id}/return": (403, "ok", 403, 403, 403, 403, 403),
    "/returns/{id}/reopen": (403, "ok", 403, 403, 403, 403, 403),
    "/returns/{id}/import": (403, 403, 403, 403, "ok", 403, 403),
    "/returns/close": (403, "ok", 403, 403, 403, 403, 403),
}


def user_for(role: str, spokes: dict):  # type: ignore[no-untyped-def,type-arg]
    if role == "own":
        return make_user(role=Role.SPOKE, spoke=spokes["bristol"])
    if role == "other":
        return make_user(role=Role.SPOKE, spoke=spokes["somerset"])
    return make_user(role=Role(role))


def post_data(path: str, ret: QuarterlyReturn, role: str = "own") -> dict:  # type: ignore[type-arg]
    version = str(ret.lock_version)
    if path == "/returns/new":  # each for the recipient the user fills in returns for
        recipient = {"hub": "hub", "other": "somerset"}.get(role, "bristol")
        return {"recipient": recipient, "grant": "VRU", "financial_year": "2024-25", "quarter": "2"}
    if path.endswith("/import"):
        return {
            "lock_version": version,
            "dry_run": "y",
            "file": (io.BytesIO(return_workbook()), "q1.xlsx"),
        }
    if path == "/returns/close":
        return {"grant": "VRU", "year": "2024-25"}
    for review in ("approve", "send_back", "reopen"):  # the review forms' own prefixes
        if path.endswith("/" + {"send_back": "return"}.get(review, review)):
            return {
                f"{review}-lock_version": version,
                f"{review}-comment": "Looks right",
                f"{review}-reason": "Correction",
            }
    return {
        "lock_version": version,
        "comment": "Looks right",
        "reason": "Correction",
        "certified_name": "Sam",
        "certified_role": "Lead",
        "certify": "y",
        "lines-0-line_ref": "V1",
        "lines-0-actual": "1000.00",
        "lines-0-forecast_remaining": "3000.00",
        "lines-1-line_ref": "V2",
        "lines-1-actual": "2000.00",
        "lines-1-forecast_remaining": "6000.00",
        "narrative": "On track",
    }


@pytest.fixture
def world(app):  # type: ignore[no-untyped-def]
    setup = make_setup("bristol")
    spokes = {"bristol": setup.recipient, "somerset": make_spoke("somerset")}
    make_hub()
    ret = make_return(setup)
    return spokes, ret


def test_the_tables_cover_every_return_route(app):
    routes = {
        rule.rule.replace("<int:return_id>", "{id}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("returns.")
    }

    assert routes == set(GET_ROUTES) | set(POST_ROUTES)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_get_and_post_to_each_route(client, sign_in, world, role):
    spokes, ret = world
    sign_in(user_for(role, spokes))
    column = ROLES.index(role)
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))

    got = {path: client.get(path.format(id=ret.id)).status_code for path in GET_ROUTES}
    posted = {}
    for path in POST_ROUTES:
        fresh = db.session.get(QuarterlyReturn, ret.id)
        db.session.refresh(fresh)
        status = client.post(
            path.format(id=ret.id),
            data=post_data(path, fresh, role),
            content_type="multipart/form-data",
        ).status_code
        posted[path] = 403 if status == 403 else "ok"

    assert got == {path: expected[column] for path, expected in GET_ROUTES.items()}
    assert posted == {path: expected[column] for path, expected in POST_ROUTES.items()}
    if "ok" not in POST_ROUTES_BY_ROLE[role]:
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before


POST_ROUTES_BY_ROLE = {
    role: [expected[i] for expected in POST_ROUTES.values()] for i, role in enumerate(ROLES)
}


def test_a_spoke_lead_gets_403_for_another_spokes_return_on_every_route(client, sign_in, world):
    spokes, ret = world
    sign_in(user_for("other", spokes))
    before = (ret.status, ret.lock_version)

    gets = {
        path: client.get(path.format(id=ret.id)).status_code
        for path in GET_ROUTES
        if "{id}" in path
    }
    posts = {
        path: client.post(
            path.format(id=ret.id), data=post_data(path, ret), content_type="multipart/form-data"
        ).status_code
        for path in POST_ROUTES
        if "{id}" in path
    }

    assert set(gets.values()) == {403}, gets
    assert set(posts.values()) == {403}, posts
    db.session.expire_all()
    stored = db.session.get(QuarterlyReturn, ret.id)
    assert (stored.status, stored.lock_version) == before


def test_a_spoke_lead_cannot_start_another_spokes_return(client, sign_in, world):
    spokes, _ = world
    sign_in(user_for("other", spokes))

    assert client.get("/returns/new?recipient=bristol").status_code == 403
    assert (
        client.post(
            "/returns/new",
            data={
                "recipient": "bristol",
                "grant": "VRU",
                "financial_year": "2024-25",
                "quarter": "2",
            },
        ).status_code
        == 403
    )


def test_a_spoke_lead_sees_only_their_own_spoke_in_the_lists(client, sign_in, world):
    spokes, _ = world
    make_setup("somerset")
    sign_in(user_for("other", spokes))

    for page in ("/returns?year=2024-25", "/returns/underspend?year=2024-25"):
        html = client.get(page).get_data(as_text=True)
        assert "Somerset" in html, page
        assert "Bristol" not in html, page


def test_a_missing_return_is_not_found(client, sign_in, world):
    spokes, _ = world
    sign_in(user_for("finance", spokes))

    assert client.get("/returns/9999").status_code == 404
