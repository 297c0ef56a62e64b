"""Who may open every commissioning page: a hand-written matrix for every new route and role
(written from the design, not computed from ROLE_PERMISSIONS), checked against the declared
permissions too. Object rules on top: the panel member sits on this round and chairs it; the
spoke lead leads Bristol and the intervention is Bristol's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from auth.permissions import PERMISSION_ATTR
from auth.roles import ROLE_PERMISSIONS, Role
from commissioning.interventions.models import Intervention, YefStrand
from commissioning.rounds.attachments import add_attachment
from commissioning.vocabulary import Decision, Level
from extensions import db
from tests.builders import make_spokes, make_user
from tests.commissioning.builders import declare, make_bid, make_provider, make_round

BLUEPRINTS = ("rounds", "providers", "interventions", "gaps")
A, F, H, P, S, U = Role.ADMIN, Role.FINANCE, Role.HUB, Role.PANEL, Role.SPOKE, Role.AUDITOR
VIEWERS = {F, H, P, U}

# url template -> the roles that get 200 (everyone else 403); "{...}" filled in from the data.
MATRIX: dict[str, set[Role]] = {
    "/commissioning/rounds": VIEWERS,
    "/commissioning/rounds/new": {H},
    "/commissioning/rounds/{round}": VIEWERS,
    "/commissioning/rounds/{round}/panel": {H},
    "/commissioning/rounds/{round}/bids/new": {H},
    "/commissioning/rounds/{round}/bids/import": {H},
    "/commissioning/rounds/{round}/bids/template.xlsx": {H},
    "/commissioning/bids/{bid}": VIEWERS,
    "/commissioning/bids/{fresh}/declare": {P},  # the Hub user sits on no panel here
    "/commissioning/bids/{bid}/score": {P},
    "/commissioning/bids/{bid}/moderate": {P},  # the chair
    "/commissioning/bids/{bid}/decide": {P},
    "/commissioning/bids/{decided}/letter.pdf": VIEWERS,
    "/commissioning/attachments/{attachment}": VIEWERS,
    "/commissioning/bids/{decided}/contract": {F},
    "/commissioning/providers": VIEWERS,
    "/commissioning/providers/new": {F, H},
    "/commissioning/providers/{provider}": VIEWERS,
    "/commissioning/providers/{provider}/edit": {F, H},
    "/commissioning/providers/{provider}/checks/insurance": {F, H},
    "/commissioning/interventions": VIEWERS | {S},
    "/commissioning/interventions/export.csv": VIEWERS | {S},
    "/commissioning/interventions/{intervention}": VIEWERS | {S},
    "/commissioning/interventions/new": {H, S},
    "/commissioning/interventions/{intervention}/edit": {H, S},
    "/commissioning/interventions/{intervention}/reach/2024-25/1": {H, S},
    "/commissioning/strands": VIEWERS | {S, A},
    "/commissioning/strands/{strand}/edit": {A, H},
    "/commissioning/gaps": VIEWERS | {S},
    "/commissioning/gaps/heatmap.svg": VIEWERS | {S},
    "/commissioning/gaps/export.json": VIEWERS | {S},
    "/commissioning/gaps/needs/bristol": {H, S},
}
POST_ONLY = {"rounds.attachment_new": "/commissioning/bids/{bid}/attachments"}


@pytest.fixture
def world(app):
    spokes = make_spokes()
    users = {role: make_user(role=role, spoke=spokes["bristol"]) for role in Role}
    users[Role.SPOKE] = make_user(role=Role.SPOKE, spoke=spokes["bristol"])
    round_ = make_round(members=[users[P]], chair=users[P], spokes=[spokes["bristol"]])
    provider = make_provider()
    bid = make_bid(round_, provider=provider)
    declare(bid, users[P])
    fresh = make_bid(round_, provider=provider)
    decided = make_bid(round_, provider=provider, decision=Decision.APPROVE)
    declare(decided, users[P])
    attachment = add_attachment(
        bid.id, filename="a.pdf", content=b"%PDF-1.4 x", instance_path=app.instance_path, user=None
    )
    strand = YefStrand(
        code="mentoring", name="Mentoring", impact="moderate", evidence="low", cost="low",
        as_of=date(2024, 3, 31),
    )  # fmt: skip
    intervention = Intervention(
        name="Bristol mentoring",
        financial_year="2024-25",
        intervention_type="targeted_mentors",
        level=Level.TARGETED,
        spokes=[spokes["bristol"]],
        annual_cost=Decimal("0.00"),
    )
    db.session.add_all([strand, intervention])
    db.session.commit()
    ids = {
        "round": round_.id,
        "bid": bid.id,
        "fresh": fresh.id,
        "decided": decided.id,
        "attachment": attachment.id,
        "provider": provider.id,
        "intervention": intervention.id,
        "strand": strand.id,
    }
    return users, ids


def test_the_matrix_covers_every_commissioning_endpoint(app):
    adapter = app.url_map.bind("localhost")
    covered = set(POST_ONLY)
    for url in MATRIX:
        endpoint, _ = adapter.match(url.format(**dict.fromkeys(
            ("round", "bid", "fresh", "decided", "attachment", "provider", "intervention",
             "strand"), 1,
        )))  # fmt: skip
        covered.add(endpoint)
    ours = {e for e in app.view_functions if e.split(".")[0] in BLUEPRINTS}
    assert ours == covered


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_matrix(app, client, sign_in, world, role):
    users, ids = world
    sign_in(users[role])
    adapter = app.url_map.bind("localhost")

    for template, allowed in MATRIX.items():
        url = template.format(**ids)
        response = client.get(url)
        status = response.status_code
        if status == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert f"– {app.config['PARTNERSHIP_NAME']}</title>" in html, url
            assert "GOV.UK" not in html and "govuk-header__logotype" not in html, url
        expected = 200 if role in allowed else 403
        assert status == expected, f"{role} on {url}: {status}, expected {expected}"
        endpoint, _ = adapter.match(url)
        needed = getattr(app.view_functions[endpoint], PERMISSION_ATTR)
        if needed not in ROLE_PERMISSIONS[role]:
            assert status == 403, f"{role} on {url} lacks {needed}"
    attach = client.post(POST_ONLY["rounds.attachment_new"].format(**ids), data={})
    assert attach.status_code == (303 if role is H else 403)


def test_anonymous_users_are_sent_to_sign_in(client, world):
    _, ids = world
    for template in MATRIX:
        response = client.get(template.format(**ids))
        assert response.status_code == 302, template
        assert "/sign-in" in response.headers["Location"]
