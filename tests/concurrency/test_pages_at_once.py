"""Two people, each in a browser of their own, sending the same change at the same moment: each
page is served by its own app with its own connection, and both requests are held inside the
service after their reads until the other gets there too. The one refused sees the reason on
the page (never a 500), and only the other's change is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from auth.roles import Role
from commissioning.rounds import panel
from commissioning.rounds.models import Bid
from commissioning.vocabulary import Decision
from extensions import db
from grants.editing import stale_message
from grants.payments import services as payment_services
from grants.payments.models import GrantPayment
from grants.plans import services as plan_services
from grants.plans.models import DeliveryPlan
from tests.allocations.helpers import error_summary
from tests.builders import DEFAULT_PASSWORD, make_user
from tests.commissioning.builders import declare, make_bid, make_round
from tests.concurrency.race import Outcome, Race
from tests.grants.plans.builders import make_plan, make_setting, make_spoke_lead
from tests.grants.returns.builders import YEAR, make_setup, make_year_of_returns

pytestmark = pytest.mark.postgresql_only


def signed_in(client: FlaskClient, email: str) -> FlaskClient:
    response = client.post("/sign-in", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def lock_version_on(client: FlaskClient, url: str) -> str:
    """The version of the record the form at ``url`` was opened from."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="lock_version"[^>]*value="(\d+)"', html)
    assert match, html[:2000]
    return match.group(1)


def refused_on_the_page(outcomes: list[Outcome], refused_status: int) -> tuple[str, str]:
    """What the one whose change was stored sent (their page redirected), and the error summary
    of the other's page. Each attempt returns (what it sent, the response)."""
    for outcome in outcomes:
        assert outcome.error is None, repr(outcome.error)  # an exception would be a 500
    statuses = sorted(o.value[1].status_code for o in outcomes)
    assert statuses == sorted([302, refused_status]), statuses
    (sent,) = [o.value[0] for o in outcomes if o.value[1].status_code == 302]
    (refused,) = [o.value[1] for o in outcomes if o.value[1].status_code == refused_status]
    return sent, error_summary(refused.get_data(as_text=True))


def test_two_leads_saving_the_plan_page_at_once(app, race: Race, monkeypatch):
    bristol = make_setting()["bristol"]
    alice, bob = make_spoke_lead(bristol), make_spoke_lead(bristol)
    plan_id = make_plan(bristol).id
    url = f"/plans/{plan_id}/edit"
    monkeypatch.setattr(
        plan_services, "_ensure_current", race.meeting_before(plan_services._ensure_current)
    )

    def saving(email: str, lead_name: str) -> Callable[[FlaskClient], Any]:
        def attempt(client: FlaskClient) -> Any:
            version = lock_version_on(signed_in(client, email), url)
            data = {"lock_version": version, "lead_name": lead_name, "s151_contact": "S151"}
            return lead_name, client.post(url, data=data)

        return attempt

    outcomes = race.run_on_pages(saving(alice.email, "Alice"), saving(bob.email, "Bob"))

    saved, summary = refused_on_the_page(outcomes, 409)
    assert stale_message("plan") in summary
    assert db.session.get(DeliveryPlan, plan_id).lead_name == saved
    assert len(race.audited_updates("delivery_plans", plan_id)) == 1


def test_two_finance_officers_recording_the_same_payment_on_the_page_at_once(
    app, race: Race, monkeypatch
):
    make_year_of_returns(make_setup(), quarters=(1,))
    fran, frank = make_user(role=Role.FINANCE), make_user(role=Role.FINANCE)
    monkeypatch.setattr(
        payment_services,
        "_lock_allocations",
        race.meeting_before(payment_services._lock_allocations),
    )

    def paying(email: str, reference: str) -> Callable[[FlaskClient], Any]:
        def attempt(client: FlaskClient) -> Any:
            url = f"/payments/new?year={YEAR}"
            assert signed_in(client, email).get(url).status_code == 200
            response = client.post(
                url,
                data={
                    "recipient": "bristol",
                    "grant": "VRU",
                    "quarter": "1",
                    "paid_on": ["15", "8", "2024"],
                    "amount": "3000.00",
                    "payment_reference": reference,
                },
            )
            return reference, response

        return attempt

    outcomes = race.run_on_pages(paying(fran.email, "BACS-1"), paying(frank.email, "BACS-2"))

    recorded, summary = refused_on_the_page(outcomes, 400)
    assert "Bristol's VRU Q1 payment is already recorded" in summary
    (payment,) = db.session.scalars(select(GrantPayment)).all()
    assert payment.payment_reference == recorded


def test_the_chair_deciding_a_bid_in_two_tabs_at_once(app, race: Race, monkeypatch):
    chair = make_user(role=Role.PANEL, name="Chris Chair")
    bid = make_bid(make_round(members=[chair]))
    declare(bid, chair)
    bid_id, email = bid.id, chair.email
    monkeypatch.setattr(panel, "_bid", race.meeting_before(panel._bid))
    url = f"/commissioning/bids/{bid_id}/decide"

    def deciding(decision: str, reference: str) -> Callable[[FlaskClient], Any]:
        def attempt(client: FlaskClient) -> Any:
            assert signed_in(client, email).get(url).status_code == 200
            data = {"decision": decision, "reference": reference, "minutes": "Minuted."}
            response = client.post(url, data=data | {"confirmed": "yes"})
            return (Decision(decision), reference), response

        return attempt

    outcomes = race.run_on_pages(deciding("approve", "CF-1"), deciding("reject", "CF-2"))

    decided, summary = refused_on_the_page(outcomes, 400)
    assert "only a deferred bid is decided again" in summary
    stored = db.session.get(Bid, bid_id)
    assert (stored.decision, stored.decision_reference) == decided
    assert len(race.audited_updates("bids", bid_id)) == 1
