"""Who may open every delivery plan route: written out by hand per role, including a spoke lead
trying another spoke's plan (or the Hub's) by URL.

POSTs are sent without the form's fields, so a permitted user gets 400 (the form is incomplete)
and a refused one 403, and nothing changes either way.
"""

from __future__ import annotations

import pytest

from auth.roles import Role
from grants.vocabulary import ReviewStatus
from tests.builders import make_user
from tests.grants.plans.builders import make_plan, make_setting

GET, POST = "GET", "POST"
ROUTES = (
    (GET, "/plans"),
    (GET, "/plans/new"),
    (POST, "/plans/new"),
    (GET, "/plans/{plan}"),
    (GET, "/plans/{plan}/edit"),
    (POST, "/plans/{plan}/edit"),
    (GET, "/plans/{plan}/lines/new"),
    (POST, "/plans/{plan}/lines/new"),
    (GET, "/plans/{plan}/lines/{line}/edit"),
    (POST, "/plans/{plan}/lines/{line}/edit"),
    (POST, "/plans/{plan}/lines/{line}/delete"),
    (POST, "/plans/{plan}/submit"),
    (POST, "/plans/{plan}/approve"),
    (POST, "/plans/{plan}/return"),
    (POST, "/plans/{plan}/new-version"),
)

# On Bristol's plan. "bristol" is Bristol's spoke lead, "somerset" another spoke's lead.
EXPECTED = {
    #               new       view  edit      +line     line      del  subm appr ret  version
    #           list GET POST       GET  POST GET  POST GET  POST
    "admin": (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "finance": (200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 400, 400, 403),
    "hub": (200, 200, 400, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "panel": (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "bristol": (200, 200, 400, 200, 200, 400, 200, 400, 200, 400, 400, 400, 403, 403, 400),
    "somerset": (200, 200, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "auditor": (200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
}

# On the Hub's plan: the Hub edits it, spoke leads see none of it.
EXPECTED_HUB_PLAN = {
    "hub": (200, 200, 400, 200, 200, 400, 200, 400, 200, 400, 400, 400, 403, 403, 400),
    "bristol": (200, 200, 400, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
}


def test_the_hand_written_tables_cover_every_role_and_route():
    assert {
        Role.SPOKE if name in ("bristol", "somerset") else Role(name) for name in EXPECTED
    } == set(Role)
    assert all(len(row) == len(ROUTES) for row in [*EXPECTED.values(), *EXPECTED_HUB_PLAN.values()])


def test_every_plan_route_is_in_the_table(app):
    rules = {
        (method, rule.rule.replace("<int:plan_id>", "{plan}").replace("<int:line_id>", "{line}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("plans.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert rules == set(ROUTES)


def user_for(name: str, setting):
    if name in ("bristol", "somerset"):
        return make_user(role=Role.SPOKE, spoke=setting[name])
    return make_user(role=Role(name))


def answers(client, plan) -> tuple[int, ...]:
    statuses = []
    for method, route in ROUTES:
        url = route.format(plan=plan.id, line=plan.lines[0].id)
        response = client.get(url) if method == GET else client.post(url, data={})
        statuses.append(response.status_code)
    return tuple(statuses)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_who_may_open_what_on_a_spokes_plan(client, sign_in, name):
    setting = make_setting()
    plan = make_plan(setting["bristol"])
    sign_in(user_for(name, setting))

    assert dict(zip(ROUTES, answers(client, plan), strict=True)) == dict(
        zip(ROUTES, EXPECTED[name], strict=True)
    )


@pytest.mark.parametrize("name", list(EXPECTED_HUB_PLAN))
def test_who_may_open_what_on_the_hubs_plan(client, sign_in, name):
    setting = make_setting()
    plan = make_plan(setting["hub"])
    sign_in(user_for(name, setting))

    assert dict(zip(ROUTES, answers(client, plan), strict=True)) == dict(
        zip(ROUTES, EXPECTED_HUB_PLAN[name], strict=True)
    )


def test_another_spokes_plan_cannot_be_started_by_url_or_by_a_crafted_form(client, sign_in):
    setting = make_setting()
    sign_in(make_user(role=Role.SPOKE, spoke=setting["bristol"]))

    assert client.get("/plans/new?recipient=somerset").status_code == 403
    assert client.get("/plans/new?recipient=hub").status_code == 403
    response = client.post(
        "/plans/new", data={"recipient": str(setting["somerset"].id), "financial_year": "2024-25"}
    )
    assert response.status_code == 403


def test_the_auditor_reads_a_submitted_plan_but_is_offered_no_buttons(client, sign_in):
    setting = make_setting()
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)
    sign_in(make_user(role=Role.AUDITOR))

    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)

    assert "Targeted mentoring" in html
    for action in ("/submit", "/approve", "/return", "/new-version", "/delete", "/edit"):
        assert f"{plan.id}{action}" not in html


def test_a_spoke_lead_lists_only_their_own_spoke(client, sign_in):
    setting = make_setting()
    make_plan(setting["somerset"])
    sign_in(make_user(role=Role.SPOKE, spoke=setting["bristol"]))

    html = client.get("/plans?year=2024-25").get_data(as_text=True)

    assert 'data-recipient="bristol"' in html
    assert 'data-recipient="somerset"' not in html and 'data-recipient="hub"' not in html


def test_anonymous_users_are_sent_to_sign_in(client):
    setting = make_setting()
    plan = make_plan(setting["bristol"])

    for method, route in ROUTES:
        url = route.format(plan=plan.id, line=plan.lines[0].id)
        response = client.get(url) if method == GET else client.post(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"]
