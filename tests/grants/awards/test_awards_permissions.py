"""Who may open what on the grants pages: every route of the awards blueprint, every role.

Written out by hand from the design, not computed from ROLE_PERMISSIONS: finance manages; the
Hub, spoke leads and auditors read (a spoke lead only their own spoke's agreements); panel
members and administrators see no grants.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from auth.roles import Role
from tests.builders import make_spokes, make_user
from tests.grants.awards.builders import make_agreement, make_year

# (method, url template, who may) where who may is "view" (VIEW_GRANTS) or "manage".
ROUTES = (
    ("GET", "/grants", "view"),
    ("GET", "/grants/new", "manage"),
    ("POST", "/grants/new", "manage"),
    ("GET", "/grants/{award}", "view"),
    ("GET", "/grants/{award}/edit", "manage"),
    ("POST", "/grants/{award}/edit", "manage"),
    ("POST", "/grants/{award}/confirm", "manage"),
    ("GET", "/variations", "view"),
    ("GET", "/variations/new", "manage"),
    ("POST", "/variations/new", "manage"),
    ("GET", "/agreements", "view"),
    ("GET", "/agreements/new", "manage"),
    ("POST", "/agreements/new", "manage"),
    ("GET", "/agreements/{agreement}", "view"),
    ("GET", "/agreements/{agreement}/edit", "manage"),
    ("POST", "/agreements/{agreement}/edit", "manage"),
    ("POST", "/agreements/{agreement}/issue", "manage"),
    ("POST", "/agreements/{agreement}/sign", "manage"),
    ("GET", "/agreements/{agreement}/vary", "manage"),
    ("POST", "/agreements/{agreement}/vary", "manage"),
    ("GET", "/agreements/{agreement}/agreement.pdf", "view"),
)
MAY = {
    Role.ADMIN: set(),
    Role.FINANCE: {"view", "manage"},
    Role.HUB: {"view"},
    Role.PANEL: set(),
    Role.SPOKE: {"view"},  # the Bristol lead, and the agreement is Bristol's
    Role.AUDITOR: {"view"},
}


def test_the_matrix_covers_every_route_of_the_blueprint(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("awards.", "agreements."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    walked = {
        (
            method,
            url.replace("{award}", "<int:award_id>").replace("{agreement}", "<int:agreement_id>"),
        )
        for method, url, _ in ROUTES
    }

    assert rules == walked
    assert set(MAY) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_gets_what_the_design_says(client, sign_in, role):
    award = make_year()["VRU"]
    agreement = make_agreement(spoke="bristol")
    user = make_user(role=role, spoke=make_spokes()["bristol"] if role is Role.SPOKE else None)
    sign_in(user)

    wrong = []
    for method, template, needs in ROUTES:
        url = template.format(award=award.id, agreement=agreement.id)
        status = client.open(url, method=method, data={}).status_code
        allowed = needs in MAY[role]
        # An empty POST from someone allowed is answered as bad input (400), or saved when
        # every field may be blank (a draft agreement's edit: 302).
        if (status == 403) == allowed or (allowed and status not in (200, 302, 400)):
            wrong.append(f"{method} {url}: {status}")

    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_a_spoke_lead_is_refused_another_spokes_agreement_by_url(client, sign_in):
    make_year()
    theirs = make_agreement(spoke="south-glos")
    sign_in(make_user(role=Role.SPOKE, spoke=make_spokes()["bristol"]))

    assert client.get(f"/agreements/{theirs.id}").status_code == 403
    assert client.get(f"/agreements/{theirs.id}/agreement.pdf").status_code == 403
    assert client.get("/variations/new").status_code == 403


def test_an_unknown_agreement_or_award_is_not_found(client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    assert client.get("/agreements/999").status_code == 404
    assert client.get("/agreements/999/agreement.pdf").status_code == 404
    assert client.get("/grants/999").status_code == 404


@pytest.mark.parametrize("url", ["/grants", "/variations", "/agreements", "/variations/new"])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
