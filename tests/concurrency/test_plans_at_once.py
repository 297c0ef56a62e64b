"""Two people changing the same delivery plan at the same moment, in two real PostgreSQL
transactions: both read the plan at the same version, then both write. One change is stored
whole, the other is refused with the stale-plan message, and the audit log shows only the one."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from auth.models import User
from auth.roles import Role
from extensions import db
from grants.editing import stale_message
from grants.plans import services as ps
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import ReviewStatus
from tests.builders import make_user
from tests.concurrency.race import Race, one_winner
from tests.grants.plans.builders import make_plan, make_setting, make_spoke_lead

pytestmark = pytest.mark.postgresql_only

STALE = stale_message("plan")


@pytest.fixture
def bristol(app):
    return make_setting()["bristol"]


def as_opened(race: Race, plan_id: int, user_id: int, change: Callable[..., Any]):
    """An attempt: open the plan (reading its version, as the form does), wait for the other
    person to have opened it too, then make ``change`` from that version."""

    def attempt() -> Any:
        user = db.session.get(User, user_id)
        version = db.session.get(DeliveryPlan, plan_id).lock_version
        race.meet()
        return change(plan_id, lock_version=version, user=user)

    return attempt


def stored_plan(plan_id: int) -> DeliveryPlan:
    db.session.expire_all()
    return db.session.get(DeliveryPlan, plan_id)


def assert_refused_as_stale(error: BaseException | None) -> None:
    assert isinstance(error, ps.StalePlan), repr(error)
    assert [p.message for p in error.problems] == [STALE]


def test_two_spoke_leads_saving_the_plan_at_once(race, bristol):
    alice, bob = make_spoke_lead(bristol), make_spoke_lead(bristol)
    plan = make_plan(bristol)
    plan_id, opened = plan.id, plan.lock_version
    headers = {
        "Alice": ps.HeaderInput(lead_name="Alice", s151_contact="Ann S151", priorities="Knives"),
        "Bob": ps.HeaderInput(lead_name="Bob", s151_contact="Ben S151", priorities="Drugs"),
    }

    def save(name: str) -> Callable[..., Any]:
        def change(plan_id: int, **kwargs: Any) -> str:
            ps.update_header(plan_id, headers[name], **kwargs)
            return name

        return change

    winner, loser = one_winner(
        race.run(
            as_opened(race, plan_id, alice.id, save("Alice")),
            as_opened(race, plan_id, bob.id, save("Bob")),
        )
    )

    assert_refused_as_stale(loser.error)
    won = headers[winner.value]
    stored = stored_plan(plan_id)
    assert (stored.lead_name, stored.s151_contact, stored.priorities, stored.lock_version) == (
        won.lead_name,
        won.s151_contact,
        won.priorities,
        opened + 1,
    )
    (event,) = race.audited_updates("delivery_plans", plan_id)
    assert (event.after["lead_name"], event.after["priorities"]) == (won.lead_name, won.priorities)


def test_two_spoke_leads_editing_the_same_line_at_once(race, bristol):
    alice, bob = make_spoke_lead(bristol), make_spoke_lead(bristol)
    plan = make_plan(bristol)
    line = plan.lines[0]
    plan_id, line_id, line_ref = plan.id, line.id, line.line_ref

    def edit(title: str, budget: str) -> Callable[..., Any]:
        data = ps.LineInput(
            line_ref=line_ref,
            title=title,
            category="staffing",
            grant_stream="VRU",
            cost_type="labour",
            annual_budget=budget,
        )

        def change(plan_id: int, **kwargs: Any) -> tuple[str, Decimal]:
            ps.update_line(plan_id, line_id, data, **kwargs)
            return title, Decimal(budget)

        return change

    winner, loser = one_winner(
        race.run(
            as_opened(race, plan_id, alice.id, edit("Alice's coordinator", "320.00")),
            as_opened(race, plan_id, bob.id, edit("Bob's coordinator", "280.00")),
        )
    )

    assert_refused_as_stale(loser.error)
    db.session.expire_all()
    stored = db.session.get(PlanLine, line_id)
    title, budget = winner.value
    assert (stored.title, stored.annual_budget) == (title, budget)
    assert stored.q1 + stored.q2 + stored.q3 + stored.q4 == budget  # the winner's profile too
    (event,) = race.audited_updates("plan_lines", line_id)
    assert event.after["title"] == title


def test_a_line_saved_while_the_plan_is_submitted(race, bristol):
    alice, bob = make_spoke_lead(bristol), make_spoke_lead(bristol)
    plan = make_plan(bristol)
    line_id = plan.lines[0].id

    def submit(plan_id: int, **kwargs: Any) -> str:
        ps.submit_plan(plan_id, **kwargs)
        return "submitted"

    def retitle(plan_id: int, **kwargs: Any) -> str:
        stored = db.session.get(PlanLine, line_id)
        data = ps.LineInput(
            line_ref=stored.line_ref,
            title="Renamed while submitting",
            category=stored.category.value,
            grant_stream="VRU",
            cost_type=stored.cost_type.value,
            annual_budget=stored.annual_budget,
        )
        ps.update_line(plan_id, line_id, data, **kwargs)
        return "saved"

    winner, loser = one_winner(
        race.run(
            as_opened(race, plan.id, alice.id, submit),
            as_opened(race, plan.id, bob.id, retitle),
        )
    )

    assert_refused_as_stale(loser.error)
    stored = stored_plan(plan.id)
    line = db.session.get(PlanLine, line_id)
    plan_updates, line_updates = (
        race.audited_updates("delivery_plans", plan.id),
        race.audited_updates("plan_lines", line_id),
    )
    if winner.value == "submitted":
        assert (stored.status, line.title) == (ReviewStatus.SUBMITTED, "Spoke coordinator")
        assert (len(plan_updates), len(line_updates)) == (1, 0)
    else:
        assert (stored.status, line.title) == (ReviewStatus.DRAFT, "Renamed while submitting")
        assert (len(plan_updates), len(line_updates)) == (0, 1)


def test_two_finance_officers_approving_and_returning_the_plan_at_once(race, bristol):
    fran, frank = make_user(role=Role.FINANCE), make_user(role=Role.FINANCE)
    plan = make_plan(bristol, status=ReviewStatus.SUBMITTED)

    def approve(plan_id: int, **kwargs: Any) -> tuple[ReviewStatus, str | None, int]:
        ps.approve_plan(plan_id, comment="Good plan", **kwargs)
        return ReviewStatus.APPROVED, "Good plan", kwargs["user"].id

    def send_back(plan_id: int, **kwargs: Any) -> tuple[ReviewStatus, str | None, int]:
        ps.return_plan(plan_id, comment="Rework the profile", **kwargs)
        return ReviewStatus.RETURNED, "Rework the profile", kwargs["user"].id

    winner, loser = one_winner(
        race.run(
            as_opened(race, plan.id, fran.id, approve),
            as_opened(race, plan.id, frank.id, send_back),
        )
    )

    assert_refused_as_stale(loser.error)
    stored = stored_plan(plan.id)
    assert (stored.status, stored.review_comment, stored.reviewed_by_id) == winner.value
    (event,) = race.audited_updates("delivery_plans", plan.id)
    assert event.after["status"] == winner.value[0].value
