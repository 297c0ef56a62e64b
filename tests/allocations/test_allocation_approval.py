"""Approval: one run becomes the year's allocations for its grant, to the penny; a later approval
supersedes it; an approved run never changes and re-runs to the same pennies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from allocations.models import Allocation, AllocationStatus, FormulaRun, RunStatus
from allocations.services import approve_run, recalculate_run
from audit.models import AuditAction, AuditEvent
from core.problems import DomainError
from extensions import db
from formulas.report import build_json
from grants.awards.variations import record_reallocation
from tests.allocations.helpers import error_summary, page_text, stored_counts, table_rows
from tests.builders import (
    make_approved_run,
    make_dataset,
    make_formula_version,
    make_grant_stream,
    make_run,
    make_user,
)


def approve(client, run, reference="PCC-DN-2024-019"):
    return client.post(
        f"/runs/{run.id}/approve",
        data={"decision_reference": reference, "submit": "Approve these allocations"},
    )


def allocations_of(run) -> dict[str, tuple[Decimal, bool, AllocationStatus]]:
    db.session.expire_all()
    return {
        a.recipient.code: (a.amount, a.is_top_slice, a.status)
        for a in db.session.scalars(select(Allocation).where(Allocation.run_id == run.id))
    }


def test_finance_approves_a_run_and_its_allocations_add_up_to_the_pot(client, finance):
    run = make_run(pot="1000.01")

    response = approve(client, run)

    assert response.status_code == 302
    assert response.headers["Location"] == "/allocations?year=2024-25"
    db.session.expire_all()
    assert run.status is RunStatus.APPROVED
    assert (run.decision_reference, run.approved_by) == ("PCC-DN-2024-019", finance)
    assert run.approved_at is not None
    active = AllocationStatus.ACTIVE
    assert allocations_of(run) == {
        "hub": (Decimal("100.00"), True, active),
        "banes": (Decimal("162.00"), False, active),
        "bristol": (Decimal("252.01"), False, active),
        "north-somerset": (Decimal("162.00"), False, active),
        "somerset": (Decimal("162.00"), False, active),
        "south-glos": (Decimal("162.00"), False, active),
    }
    assert sum(amount for amount, _, _ in allocations_of(run).values()) == Decimal("1000.01")
    assert {
        (a.financial_year, a.grant_stream.code) for a in db.session.scalars(select(Allocation))
    } == {("2024-25", "VRU")}


def test_the_approved_allocations_are_listed_with_the_decision(client, finance):
    run = make_run()
    approve(client, run)

    html = client.get("/allocations?year=2024-25").get_data(as_text=True)

    rows = table_rows(html, "allocations")
    assert rows[1] == [
        "VRU grant",
        "VRP Hub (top slice)",
        "£100.00",
        f"Run {run.id}: Test formula v1 on Needs v1, decision PCC-DN-2024-019",
    ]
    assert rows[3][:3] == ["VRU grant", "Bristol", "£252.00"]
    assert rows[-1] == ["Total VRU", "£1,000.00", ""]
    assert "Approved" in page_text(html, css_class="govuk-list")


def test_approval_needs_a_decision_reference_and_stores_nothing_without_one(client, finance):
    run = make_run()
    before = stored_counts()

    response = approve(client, run, reference="  ")

    assert response.status_code == 400
    assert "Enter the decision reference" in error_summary(response.get_data(as_text=True))
    assert stored_counts() == before
    assert db.session.get(FormulaRun, run.id).status is RunStatus.DRAFT


def test_a_second_approval_for_the_grant_and_year_supersedes_the_first(client, finance):
    indicative = make_approved_run(label="Indicative grant", decision_reference="DN-1")
    confirmed = make_run(
        formula=indicative.formula_version,
        dataset=indicative.dataset,
        pot="1100.00",
        label="Confirmed grant",
    )

    approve(client, confirmed, reference="DN-2")

    db.session.expire_all()
    assert indicative.status is RunStatus.SUPERSEDED
    assert indicative.superseded_by == confirmed
    assert confirmed.status is RunStatus.APPROVED
    assert {status for _, _, status in allocations_of(indicative).values()} == {
        AllocationStatus.SUPERSEDED
    }
    active = db.session.scalars(
        select(Allocation).where(Allocation.status == AllocationStatus.ACTIVE)
    ).all()
    assert {a.run_id for a in active} == {confirmed.id}
    assert sum(a.amount for a in active) == Decimal("1100.00")


def test_the_allocations_page_keeps_the_superseded_history(client, finance):
    indicative = make_approved_run(label="Indicative grant", decision_reference="DN-1")
    confirmed = make_run(
        formula=indicative.formula_version,
        dataset=indicative.dataset,
        pot="1100.00",
        label="Confirmed grant",
    )
    approve(client, confirmed, reference="DN-2")

    html = client.get("/allocations").get_data(as_text=True)
    old_page = client.get(f"/runs/{indicative.id}").get_data(as_text=True)

    assert table_rows(html, "allocations")[-1] == ["Total VRU", "£1,100.00", ""]
    history = page_text(html, css_class="govuk-list")
    assert f"Run {confirmed.id}: Confirmed grant · VRU · Approved · decision DN-2" in history
    assert f"Run {indicative.id}: Indicative grant · VRU · Superseded · decision DN-1" in history
    assert "Superseded allocations" in html
    assert "DN-1" in html[html.find("Superseded allocations") :]
    assert f"Superseded by Run {confirmed.id}: Confirmed grant" in page_text(
        old_page, css_class="govuk-body"
    )


def test_approvals_for_another_grant_or_year_supersede_nothing(client, finance):
    vru = make_approved_run()
    make_grant_stream("SVD")
    svd = make_approved_run(
        formula=make_formula_version(name="SVD formula", grant="SVD"), dataset=vru.dataset
    )
    next_year = make_approved_run(
        formula=make_formula_version(version="2", financial_year="2025-26"), dataset=vru.dataset
    )

    db.session.expire_all()
    assert [r.status for r in (vru, svd, next_year)] == [RunStatus.APPROVED] * 3
    assert db.session.scalars(select(Allocation.status).distinct()).all() == [
        AllocationStatus.ACTIVE
    ]


@pytest.mark.parametrize("status", ["approved", "superseded"])
def test_an_approved_or_superseded_run_cannot_be_approved_again(client, finance, status):
    run = make_approved_run()
    if status == "superseded":
        make_approved_run(formula=run.formula_version, dataset=run.dataset)
    before = stored_counts()

    response = approve(client, run, reference="DN-AGAIN")

    assert response.status_code == 400
    assert f"Run {run.id} is {status}; only a draft run can be approved" in error_summary(
        response.get_data(as_text=True)
    )
    assert stored_counts() == before
    db.session.expire_all()
    assert run.decision_reference == "PCC-DN-TEST"


def test_an_approved_run_re_runs_from_its_stored_inputs_to_the_same_pennies(app):
    first = make_approved_run()
    run = make_approved_run(
        formula=make_formula_version(
            version="2", financial_year="2025-26", pot="1234.57", damping={"floor": "-0.05"}
        ),
        previous=first,
    )
    # Later versions of the formula and the data change nothing about a stored run.
    make_formula_version(version="3", financial_year="2025-26", base_share="0.9")
    make_dataset(
        population={
            "banes": "9",
            "bristol": "1",
            "north-somerset": "1",
            "somerset": "1",
            "south-glos": "1",
        }
    )
    db.session.expire_all()

    assert build_json(recalculate_run(run)) == run.result
    assert build_json(recalculate_run(first)) == first.result
    assert recalculate_run(run).total == run.total == Decimal("1234.57")


def tamper(run, recipient: str, pennies: str) -> None:
    """Change one stored amount straight in the database (and take it off the hub's)."""
    result = dict(run.result)
    result["allocations"] = [
        {**a, "amount": str(Decimal(a["amount"]) + Decimal(pennies))}
        if a["recipient"] == recipient
        else a
        for a in result["allocations"]
    ]
    result["top_slices"] = [
        {**t, "amount": str(Decimal(t["amount"]) - Decimal(pennies))} for t in result["top_slices"]
    ]
    db.session.execute(
        FormulaRun.__table__.update()
        .where(FormulaRun.__table__.c.id == run.id)
        .values(result=result)
    )
    db.session.commit()


def test_a_run_whose_stored_result_was_tampered_with_is_not_approved(app):
    run = make_run()
    tamper(run, "bristol", "0.01")
    before = stored_counts()

    with pytest.raises(DomainError) as refused:
        approve_run(run.id, decision_reference="DN-1", user=make_user(role="finance"))

    assert [p.message for p in refused.value.problems] == [
        "re-running the stored formula and data does not give the stored result; the run "
        "cannot be approved"
    ]
    db.session.rollback()
    assert stored_counts()["allocations"] == before["allocations"] == 0
    assert db.session.get(FormulaRun, run.id).status is RunStatus.DRAFT


def test_the_tampered_run_is_refused_on_the_web_too(client, finance):
    run = make_run()
    tamper(run, "somerset", "5.00")
    before = stored_counts()

    response = approve(client, run)

    assert response.status_code == 400
    assert "does not give the stored result" in error_summary(response.get_data(as_text=True))
    assert stored_counts() == before


def test_a_run_of_a_formula_with_no_grant_is_a_scenario_that_cannot_be_approved(client, finance):
    run = make_run(grant=None)
    before = stored_counts()

    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    response = approve(client, run)

    assert "this run is a scenario only and cannot be approved" in page
    assert response.status_code == 400
    assert "The formula names no grant" in error_summary(response.get_data(as_text=True))
    assert stored_counts() == before


def test_a_recipient_that_is_not_an_organisation_stops_the_approval(client, finance):
    run = make_run(dataset=make_dataset(population={"bristol": "1", "atlantis": "1"}))
    before = stored_counts()

    response = approve(client, run)

    assert response.status_code == 400
    assert "'atlantis' is not a known organisation" in error_summary(
        response.get_data(as_text=True)
    )
    assert stored_counts() == before


def test_approval_is_audited_as_the_finance_officer_with_the_decision(client, finance):
    run = make_run()

    approve(client, run, reference="PCC-DN-2024-019")

    run_events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.table_name == "formula_runs", AuditEvent.action == AuditAction.UPDATE
        )
    ).all()
    assert len(run_events) == 1
    event = run_events[0]
    assert (event.actor_id, event.actor_label) == (finance.id, finance.email)
    assert event.record_id == str(run.id)
    assert "PCC-DN-2024-019" in event.reason
    assert (event.before["status"], event.after["status"]) == ("draft", "approved")
    assert event.after["decision_reference"] == "PCC-DN-2024-019"
    created = db.session.scalars(
        select(AuditEvent).where(AuditEvent.table_name == "allocations")
    ).all()
    assert len(created) == 6
    assert {(e.action, e.actor_id, e.reason) for e in created} == {
        (AuditAction.CREATE, finance.id, "approved under decision PCC-DN-2024-019")
    }


def test_the_approve_page_warns_when_variations_changed_the_allocations(demo, client, sign_in):
    finance = make_user(role="finance")
    draft = db.session.scalar(select(FormulaRun).where(FormulaRun.status == RunStatus.DRAFT))
    sign_in(finance)
    assert "variations-warning" not in client.get(f"/runs/{draft.id}").get_data(as_text=True)

    record_reallocation(
        financial_year="2024-25",
        stream_code="VRU",
        from_code="hub",
        to_code="bristol",
        amount=Decimal("1000.00"),
        reason="Q2 forecast",
        decision_reference="PCC-DN-2024-031",
        user=finance,
    )

    page = client.get(f"/runs/{draft.id}").get_data(as_text=True)
    assert "variations-warning" in page
    assert (
        "1 recorded variation changed the current Violence Reduction Unit grant 2024-25 "
        "allocations" in page
    )
