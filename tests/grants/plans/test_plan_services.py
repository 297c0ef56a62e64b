"""Delivery plan use cases: start, fill in, submit, approve or return, new versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from allocations.models import Allocation, AllocationStatus
from audit.models import AuditAction, AuditEvent
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.plans import services as ps
from grants.plans.models import DeliveryPlan, PlanLine
from grants.plans.queries import approved_plan_for
from grants.vocabulary import Category, ReviewStatus
from tests.builders import make_user
from tests.grants.plans.builders import (
    make_allocation,
    make_line,
    make_plan,
    make_setting,
    make_spoke_lead,
)

D = Decimal


@pytest.fixture
def setting(app):
    return make_setting()


@pytest.fixture
def bristol_lead(setting):
    return make_spoke_lead(setting["bristol"])


@pytest.fixture
def finance(app):
    return make_user(role=Role.FINANCE)


def columns(error: pytest.ExceptionInfo) -> list[str | None]:
    return [p.column for p in error.value.problems]


def line_input(**overrides) -> ps.LineInput:
    fields = {
        "title": "Detached youth work",
        "category": "interventions",
        "grant_stream": "VRU",
        "annual_budget": "400.00",
        "yef_strand": "Detached youth work",
    }
    return ps.LineInput(**(fields | overrides))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def add(plan, user, **overrides) -> PlanLine:
    return ps.add_line(plan.id, line_input(**overrides), lock_version=plan.lock_version, user=user)


# --- starting a plan ----------------------------------------------------------------------


def test_a_spoke_lead_starts_their_spokes_plan_as_a_draft_version_1(setting, bristol_lead):
    plan = ps.create_plan(
        recipient_id=setting["bristol"].id,
        financial_year="2024/25",
        user=bristol_lead,
        header=ps.HeaderInput(lead_name=" Lee Lead ", priorities=""),
    )

    assert (plan.financial_year, plan.version, plan.status) == ("2024-25", 1, ReviewStatus.DRAFT)
    assert (plan.lead_name, plan.priorities, plan.created_by) == ("Lee Lead", None, bristol_lead)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.table_name == "delivery_plans"))
    assert (event.action, event.actor_label) == (AuditAction.CREATE, "system")


def test_a_spoke_lead_cannot_start_another_spokes_plan_or_the_hubs(setting, bristol_lead):
    for other in (setting["somerset"], setting["hub"]):
        with pytest.raises(DomainError) as error:
            ps.create_plan(recipient_id=other.id, financial_year="2024-25", user=bristol_lead)
        assert columns(error) == ["recipient"]
    assert count(DeliveryPlan) == 0


def test_a_hub_user_starts_the_hubs_plan_but_not_a_spokes(setting):
    hub_user = make_user(role=Role.HUB)

    plan = ps.create_plan(recipient_id=setting["hub"].id, financial_year="2024-25", user=hub_user)

    assert plan.recipient == setting["hub"]
    with pytest.raises(DomainError):
        ps.create_plan(recipient_id=setting["bristol"].id, financial_year="2024-25", user=hub_user)


def test_finance_does_not_fill_in_plans(setting, finance):
    with pytest.raises(DomainError):
        ps.create_plan(recipient_id=setting["bristol"].id, financial_year="2024-25", user=finance)


def test_a_bad_year_is_refused(setting, bristol_lead):
    with pytest.raises(DomainError) as error:
        ps.create_plan(
            recipient_id=setting["bristol"].id, financial_year="2024-26", user=bristol_lead
        )

    assert columns(error) == ["financial_year"]


def test_a_second_plan_is_refused_while_the_first_is_not_approved(setting, bristol_lead):
    make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)

    with pytest.raises(DomainError) as error:
        ps.create_plan(
            recipient_id=setting["bristol"].id, financial_year="2024-25", user=bristol_lead
        )

    assert "already has version 1" in error.value.problems[0].message
    assert count(DeliveryPlan) == 1


# --- lines ----------------------------------------------------------------------------------------


def test_a_line_is_added_with_money_as_typed_and_the_profile_split_evenly(setting, bristol_lead):
    plan = make_plan(setting["bristol"], lines=None)

    line = add(plan, bristol_lead, annual_budget="£1,000.03", provider=" Youth Moves ")

    assert line.annual_budget == D("1000.03")
    assert line.profile == (D("250.01"), D("250.01"), D("250.01"), D("250.00"))
    assert (line.line_ref, line.category, line.provider) == (
        "INT-01",
        Category.INTERVENTIONS,
        "Youth Moves",
    )
    assert line.grant_stream.code == "VRU"


def test_the_next_free_reference_of_the_category_is_used_when_none_is_given(setting, bristol_lead):
    plan = make_plan(setting["bristol"])  # has INT-01 and INT-02

    assert add(plan, bristol_lead).line_ref == "INT-03"


def test_amounts_with_more_than_two_decimals_are_refused_not_rounded(setting, bristol_lead):
    plan = make_plan(setting["bristol"], lines=None)

    with pytest.raises(DomainError) as error:
        add(plan, bristol_lead, annual_budget="400.005", q1="100.001", q2="abc", q3="1.5", q4="")

    assert columns(error) == ["annual_budget", "q1", "q2"]
    assert "'400.005' has more than two decimal places" in error.value.problems[0].message
    assert count(PlanLine) == 0


def test_a_float_is_refused(setting, bristol_lead):
    plan = make_plan(setting["bristol"], lines=None)

    with pytest.raises(DomainError) as error:
        add(plan, bristol_lead, annual_budget=400.0)

    assert "float" in error.value.problems[0].message


def test_a_blank_quarter_among_filled_ones_counts_as_nothing(setting, bristol_lead):
    plan = make_plan(setting["bristol"], lines=None)

    line = add(plan, bristol_lead, annual_budget="400.00", q1="200", q2="", q3="200.00", q4=" ")

    assert line.profile == (D("200.00"), D("0.00"), D("200.00"), D("0.00"))


def test_a_line_is_refused_with_every_problem_at_once(setting, bristol_lead):
    plan = make_plan(setting["bristol"])

    with pytest.raises(DomainError) as error:
        add(
            plan,
            bristol_lead,
            title=" ",
            line_ref="INT-01",
            yef_strand="",
            category="x",
            grant_stream="NOPE",
            cost_type="",
            spend_type="capitalish",
        )

    assert columns(error) == [
        "category",
        "cost_type",
        "spend_type",
        "grant_stream",
        "title",
        "line_ref",
    ]


def test_the_one_line_checks_refuse_a_line(setting, bristol_lead):
    plan = make_plan(setting["bristol"], lines=None)

    with pytest.raises(DomainError) as error:
        add(
            plan,
            bristol_lead,
            annual_budget="-400.00",
            q1="-400.00",
            q2="0",
            q3="0",
            q4="0.01",
            yef_strand="",
        )

    assert columns(error) == ["annual_budget", "q1", "profile", "yef_strand"]


def test_a_reference_is_unique_in_the_plan_whatever_its_case(setting, bristol_lead):
    plan = make_plan(setting["bristol"])

    with pytest.raises(DomainError) as error:
        add(plan, bristol_lead, line_ref="int-01")

    assert columns(error) == ["line_ref"]


def test_a_line_is_changed_and_deleted(setting, bristol_lead):
    plan = make_plan(setting["bristol"])
    line = plan.lines[0]

    ps.update_line(
        plan.id,
        line.id,
        line_input(
            line_ref=line.line_ref,
            annual_budget="350.00",
            category="staffing",
            yef_strand=None,
            cost_type="labour",
        ),
        lock_version=plan.lock_version,
        user=bristol_lead,
    )
    assert (line.annual_budget, line.q4, line.category) == (
        D("350.00"),
        D("87.50"),
        Category.STAFFING,
    )
    ps.delete_line(plan.id, line.id, lock_version=plan.lock_version, user=bristol_lead)

    db.session.expire_all()
    assert line.line_ref not in [x.line_ref for x in db.session.get(DeliveryPlan, plan.id).lines]


def test_every_change_to_a_line_moves_the_plans_version_on(setting, bristol_lead):
    plan = make_plan(setting["bristol"])
    before = plan.lock_version

    add(plan, bristol_lead)

    assert plan.lock_version == before + 1


# --- submit, approve, return ---------------------------------------------------------------------


def test_a_plan_that_passes_its_checks_is_submitted(setting, bristol_lead):
    plan = make_plan(setting["bristol"])

    ps.submit_plan(plan.id, lock_version=plan.lock_version, user=bristol_lead)

    assert (plan.status, plan.submitted_by) == (ReviewStatus.SUBMITTED, bristol_lead)
    assert plan.submitted_at is not None


def test_submission_is_refused_with_every_problem_and_changes_nothing(setting, bristol_lead):
    plan = make_plan(setting["bristol"], lead_name=None)
    make_line(plan, ref="TRN-01", category=Category.TRAINING, budget="0.01")

    with pytest.raises(DomainError) as error:
        ps.submit_plan(plan.id, lock_version=plan.lock_version, user=bristol_lead)

    assert [str(p) for p in error.value.problems] == [
        "column lead_name: enter the name of the plan's lead",
        "VRU, column annual_budget: the VRU lines add up to £1,000.01, £0.01 more than the VRU "
        "allocation of £1,000.00",
        "VRU, column category: interventions are 59.99% of the VRU lines (£600.00 of "
        "£1,000.01); the minimum is 60%: plan at least £600.01 on interventions",
    ]
    db.session.rollback()
    assert db.session.get(DeliveryPlan, plan.id).status is ReviewStatus.DRAFT


def test_a_submitted_or_approved_plan_is_locked(setting, bristol_lead):
    for status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        plan = make_plan(
            setting["bristol"], status=status, version=1 if status is ReviewStatus.SUBMITTED else 2
        )
        with pytest.raises(DomainError) as error:
            add(plan, bristol_lead)
        assert columns(error) == ["status"]
        assert "locked" in error.value.problems[0].message
        for action in (ps.update_line, ps.delete_line):
            with pytest.raises(DomainError):
                action(
                    plan.id,
                    plan.lines[0].id,
                    *([line_input()] if action is ps.update_line else []),
                    lock_version=plan.lock_version,
                    user=bristol_lead,
                )
        with pytest.raises(DomainError):
            ps.update_header(
                plan.id,
                ps.HeaderInput(lead_name="x"),
                lock_version=plan.lock_version,
                user=bristol_lead,
            )


def test_finance_approves_a_submitted_plan(setting, finance):
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)

    ps.approve_plan(plan.id, lock_version=plan.lock_version, user=finance, comment=" Good ")

    assert (plan.status, plan.reviewed_by, plan.review_comment) == (
        ReviewStatus.APPROVED,
        finance,
        "Good",
    )
    assert approved_plan_for(setting["bristol"].id, "2024-25") == plan


def test_only_finance_approves_and_only_a_submitted_plan(setting, bristol_lead, finance):
    submitted = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)
    with pytest.raises(DomainError):
        ps.approve_plan(submitted.id, lock_version=None, user=bristol_lead)

    draft = make_plan(setting["somerset"])
    with pytest.raises(DomainError) as error:
        ps.approve_plan(draft.id, lock_version=None, user=finance)
    assert "only a submitted plan can be approved" in error.value.problems[0].message


def test_approval_is_refused_when_the_allocation_changed_after_submission(setting, finance):
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)
    for allocation in db.session.scalars(
        select(Allocation).where(Allocation.recipient_id == setting["bristol"].id)
    ):
        if allocation.grant_stream.code == "SVD":
            allocation.status = AllocationStatus.SUPERSEDED  # as a variation would
    db.session.commit()
    make_allocation(setting["bristol"], stream="SVD", amount="250.00")

    with pytest.raises(DomainError) as error:
        ps.approve_plan(plan.id, lock_version=plan.lock_version, user=finance)

    assert "£50.00 less than the SVD allocation of £250.00" in str(error.value)


def test_finance_returns_a_plan_with_comments_which_the_audit_log_keeps(
    setting, finance, bristol_lead
):
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)
    with pytest.raises(DomainError) as error:
        ps.return_plan(plan.id, comment="  ", lock_version=plan.lock_version, user=finance)
    assert columns(error) == ["comment"]

    ps.return_plan(
        plan.id,
        comment="Move £50 from staffing to evaluation",
        lock_version=plan.lock_version,
        user=finance,
    )

    assert (plan.status, plan.review_comment) == (
        ReviewStatus.RETURNED,
        "Move £50 from staffing to evaluation",
    )
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.table_name == "delivery_plans", AuditEvent.action == AuditAction.UPDATE)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.reason == "returned: Move £50 from staffing to evaluation"
    assert ("status", "submitted", "returned") in event.changed_fields()
    # Returned is editable again, and can be resubmitted.
    add(plan, bristol_lead, annual_budget="0.00")
    ps.submit_plan(plan.id, lock_version=plan.lock_version, user=bristol_lead)
    assert plan.status is ReviewStatus.SUBMITTED


def test_a_long_return_comment_is_kept_whole_and_shortened_only_in_the_audit_reason(
    setting, finance
):
    plan = make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)
    comment = "Please rework the profile. " * 40

    ps.return_plan(plan.id, comment=comment, lock_version=None, user=finance)

    assert plan.review_comment == comment.strip()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert len(event.reason) == 500


# --- versions ----------------------------------------------------------------------------------


def test_a_change_after_approval_is_a_new_version_with_a_reason(setting, bristol_lead):
    approved = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    with pytest.raises(DomainError) as error:
        ps.start_new_version(
            approved.id, reason="", lock_version=approved.lock_version, user=bristol_lead
        )
    assert columns(error) == ["change_reason"]

    new = ps.start_new_version(
        approved.id,
        reason="Incidents in Q4 changed our priorities",
        lock_version=approved.lock_version,
        user=bristol_lead,
    )

    assert (new.version, new.status, new.change_reason) == (
        2,
        ReviewStatus.DRAFT,
        "Incidents in Q4 changed our priorities",
    )
    assert [(x.line_ref, x.annual_budget, x.profile) for x in new.lines] == [
        (x.line_ref, x.annual_budget, x.profile) for x in approved.lines
    ]
    assert {x.id for x in new.lines}.isdisjoint({x.id for x in approved.lines})
    assert approved.status is ReviewStatus.APPROVED
    # The approved version stays the one in force until the new one is approved.
    assert approved_plan_for(setting["bristol"].id, "2024-25") == approved
    created = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.CREATE,
            AuditEvent.reason == "version 2: Incidents in Q4 changed our priorities",
        )
    )
    assert sorted((e.table_name, e.record_id) for e in created) == sorted(
        [("delivery_plans", str(new.id))] + [("plan_lines", str(x.id)) for x in new.lines]
    )


def test_a_new_version_is_approved_and_takes_over(setting, bristol_lead, finance):
    approved = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    new = ps.start_new_version(
        approved.id, reason="More mentoring", lock_version=None, user=bristol_lead
    )
    ps.submit_plan(new.id, lock_version=new.lock_version, user=bristol_lead)
    ps.approve_plan(new.id, lock_version=new.lock_version, user=finance)

    assert approved_plan_for(setting["bristol"].id, "2024-25") == new


def test_create_plan_after_approval_starts_the_next_version_and_needs_the_reason(
    setting, bristol_lead
):
    make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    with pytest.raises(DomainError) as error:
        ps.create_plan(
            recipient_id=setting["bristol"].id, financial_year="2024-25", user=bristol_lead
        )
    assert columns(error) == ["change_reason"]

    plan = ps.create_plan(
        recipient_id=setting["bristol"].id,
        financial_year="2024-25",
        user=bristol_lead,
        change_reason="New provider",
    )

    assert (plan.version, len(plan.lines)) == (2, 6)


def test_only_the_latest_approved_version_starts_a_new_one(setting, bristol_lead):
    old = make_plan(setting["bristol"], status=ReviewStatus.APPROVED)
    make_plan(setting["bristol"], version=2, status=ReviewStatus.DRAFT)

    with pytest.raises(DomainError) as error:
        ps.start_new_version(old.id, reason="again", lock_version=None, user=bristol_lead)

    assert "version 2 of this plan already exists" in str(error.value)


def test_there_is_no_approved_plan_until_one_is_approved(setting):
    make_plan(setting["bristol"], status=ReviewStatus.SUBMITTED)

    assert approved_plan_for(setting["bristol"].id, "2024-25") is None
    assert approved_plan_for(setting["bristol"].id, "2023-24") is None
