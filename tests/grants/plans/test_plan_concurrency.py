"""Two people saving the same plan: the second save is refused with a clear message, and nothing
of either is lost (issue #4 point 9). Runs on SQLite and PostgreSQL like every app test."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.plans import services as ps
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import ReviewStatus
from tests.allocations.helpers import error_summary
from tests.builders import DEFAULT_PASSWORD, make_user
from tests.grants.plans.builders import line_form, make_plan, make_setting, make_spoke_lead

STALE = (
    "Someone else saved this plan since you opened it. Reload the page to see their "
    "changes; nothing of yours was saved."
)


@pytest.fixture
def bristol(app):
    return make_setting()["bristol"]


def stored_plan(plan_id: int) -> DeliveryPlan:
    db.session.expire_all()
    return db.session.get(DeliveryPlan, plan_id)


# --- the service ---------------------------------------------------------------------------------


def test_a_save_from_an_older_version_of_the_plan_is_refused(bristol):
    lead = make_spoke_lead(bristol)
    plan = make_plan(bristol)
    opened = plan.lock_version
    ps.update_header(
        plan.id, ps.HeaderInput(lead_name="First", s151_contact="S"), lock_version=opened, user=lead
    )

    with pytest.raises(ps.StalePlan) as error:
        ps.update_header(
            plan.id,
            ps.HeaderInput(lead_name="Second", s151_contact="S"),
            lock_version=opened,
            user=lead,
        )

    assert [str(p) for p in error.value.problems] == [f"column lock_version: {STALE}"]
    assert stored_plan(plan.id).lead_name == "First"


def test_a_save_that_loses_the_race_in_the_database_is_refused(bristol):
    # Both read version n; the other session writes first; our check passes (we read n too),
    # but our UPDATE ... WHERE lock_version = n finds no row: StaleDataError, refused cleanly.
    lead = make_spoke_lead(bristol)
    plan = make_plan(bristol)
    opened = plan.lock_version
    with Session(db.engine) as other:
        theirs = other.get(DeliveryPlan, plan.id)
        theirs.lead_name = "Theirs"
        other.commit()

    with pytest.raises(ps.StalePlan):
        ps.update_header(
            plan.id,
            ps.HeaderInput(lead_name="Ours", s151_contact="S"),
            lock_version=opened,
            user=lead,
        )

    assert (stored_plan(plan.id).lead_name, stored_plan(plan.id).lock_version) == (
        "Theirs",
        opened + 1,
    )


def test_a_line_added_to_a_plan_that_changed_in_the_database_is_not_written(bristol):
    lead = make_spoke_lead(bristol)
    plan = make_plan(bristol)
    opened, lines_before = plan.lock_version, len(plan.lines)
    with Session(db.engine) as other:
        other.get(DeliveryPlan, plan.id).priorities = "Changed meanwhile"
        other.commit()

    with pytest.raises(ps.StalePlan):
        ps.add_line(
            plan.id,
            ps.LineInput(
                title="Ours", category="staffing", grant_stream="VRU", annual_budget="1.00"
            ),
            lock_version=opened,
            user=lead,
        )

    assert len(stored_plan(plan.id).lines) == lines_before
    assert db.session.scalar(select(PlanLine).where(PlanLine.title == "Ours")) is None


def test_of_two_finance_officers_reviewing_at_once_the_second_is_refused(bristol):
    fran, frank = make_user(role=Role.FINANCE), make_user(role=Role.FINANCE)
    plan = make_plan(bristol, status=ReviewStatus.SUBMITTED)
    opened = plan.lock_version
    ps.return_plan(plan.id, comment="Rework the profile", lock_version=opened, user=fran)

    with pytest.raises(ps.StalePlan):
        ps.approve_plan(plan.id, lock_version=opened, user=frank)

    assert stored_plan(plan.id).status is ReviewStatus.RETURNED


def test_two_new_versions_started_at_once_are_refused_for_the_second(bristol, monkeypatch):
    lead = make_spoke_lead(bristol)
    approved = make_plan(bristol, status=ReviewStatus.APPROVED)
    ps.start_new_version(approved.id, reason="First", lock_version=None, user=lead)
    # The second request read the plans before the first committed its version 2.
    monkeypatch.setattr(ps, "latest_plan_for", lambda recipient_id, year: approved)

    with pytest.raises(DomainError) as error:
        ps.start_new_version(approved.id, reason="Second", lock_version=None, user=lead)

    assert "someone else has just started this plan" in error.value.problems[0].message
    assert len(db.session.scalars(select(DeliveryPlan)).all()) == 2


# --- two people on the pages ----------------------------------------------------------------------


def signed_in_client(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def opened(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="(?:[a-z]+-)?lock_version"[^>]*value="(\d+)"', html)
    return match.group(1)


def test_the_second_of_two_people_editing_a_line_is_refused_and_keeps_what_they_typed(app, bristol):
    alice, bob = make_spoke_lead(bristol), make_spoke_lead(bristol)
    plan = make_plan(bristol)
    line = plan.lines[0]
    url = f"/plans/{plan.id}/lines/{line.id}/edit"
    first, second = signed_in_client(app, alice), signed_in_client(app, bob)
    alice_version, bob_version = opened(first, url), opened(second, url)
    fields = {
        "line_ref": line.line_ref,
        "category": "staffing",
        "cost_type": "labour",
        "yef_strand": "",
    }

    saved = first.post(
        url,
        data=line_form(
            lock_version=alice_version, title="Alice's title", annual_budget="300.00", **fields
        ),
    )
    refused = second.post(
        url,
        data=line_form(
            lock_version=bob_version, title="Bob's title", annual_budget="310.00", **fields
        ),
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert STALE in error_summary(html)
    assert 'value="Bob&#39;s title"' in html and 'value="310.00"' in html  # nothing lost
    stored = db.session.get(PlanLine, line.id)
    db.session.refresh(stored)
    assert (stored.title, stored.annual_budget) == ("Alice's title", Decimal("300.00"))


def test_a_plan_changed_after_the_page_was_opened_is_not_submitted(app, bristol):
    alice, bob = make_spoke_lead(bristol), make_spoke_lead(bristol)
    plan = make_plan(bristol)
    first, second = signed_in_client(app, alice), signed_in_client(app, bob)
    bob_version = opened(second, f"/plans/{plan.id}")
    alice_version = opened(first, f"/plans/{plan.id}/edit")

    first.post(
        f"/plans/{plan.id}/edit",
        data={
            "lock_version": alice_version,
            "lead_name": "Alice",
            "s151_contact": "S151",
            "priorities": "Changed",
        },
    )
    refused = second.post(f"/plans/{plan.id}/submit", data={"submit-lock_version": bob_version})

    assert refused.status_code == 409
    assert STALE in error_summary(refused.get_data(as_text=True))
    stored = stored_plan(plan.id)
    assert (stored.status, stored.priorities) == (ReviewStatus.DRAFT, "Changed")


def test_a_delete_from_an_out_of_date_page_is_refused(app, bristol):
    alice = make_spoke_lead(bristol)
    plan = make_plan(bristol)
    client = signed_in_client(app, alice)
    version = opened(client, f"/plans/{plan.id}")
    first, second = plan.lines[0].id, plan.lines[1].id

    assert (
        client.post(
            f"/plans/{plan.id}/lines/{first}/delete", data={"lock_version": version}
        ).status_code
        == 302
    )
    refused = client.post(f"/plans/{plan.id}/lines/{second}/delete", data={"lock_version": version})

    assert refused.status_code == 409
    assert second in {x.id for x in stored_plan(plan.id).lines}
