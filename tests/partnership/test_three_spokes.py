"""A partnership of another shape, end to end: three spokes set up from their file, the formula
splits their grant, each spoke plans the year and reports a quarter, to the penny."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from allocations.models import Allocation, AllocationStatus
from allocations.services import (
    approve_run,
    create_formula_version,
    import_indicator_dataset,
    run_formula,
)
from auth.roles import Role
from extensions import db
from grants.awards.services import AwardFields, create_award
from grants.plans import services as plans
from grants.plans.line_input import LineInput
from grants.returns import services as returns
from grants.returns.entries import LineEntry, ReturnEntries
from grants.returns.status import status_report
from reference.models import Organisation, OrganisationKind
from tests.builders import make_user

THREE = str(Path(__file__).resolve().parents[2] / "examples" / "partnerships" / "three-spokes.toml")
YEAR = "2025-26"
FORMULA = """
name = "Three Rivers split"
version = "2025-26.1"
grant = "VRU"
financial_year = "2025-26"
pot = "900000.00"
rounding_unit = "0.01"

[[top_slice]]
recipient = "hub"
percent = "20"

[base]
share = "0.3"

[indicators]
population = "1"
"""
INDICATORS = b"""recipient,indicator,value,source,as_of
northbank,population,100001,ONS mid-year estimate,2024-06-30
eastmere,population,250000,ONS mid-year estimate,2024-06-30
southford,population,149999,ONS mid-year estimate,2024-06-30
"""


def test_a_three_spoke_partnership_runs_the_formula_plans_and_a_return(app, runner):
    assert runner.invoke(args=["setup", THREE]).exit_code == 0
    finance = make_user(role=Role.FINANCE)

    formula = create_formula_version(FORMULA, user=finance, filename="three.toml")
    dataset = import_indicator_dataset(INDICATORS, filename="needs.csv", name="Needs", user=finance)
    run = run_formula(formula_version_id=formula.id, dataset_id=dataset.id, user=finance)
    approve_run(run.id, decision_reference="TR-PCC-2025-01", user=finance)
    create_award(
        financial_year=YEAR,
        stream_code="VRU",
        fields=AwardFields(indicative_amount="900000.00"),
        user=finance,
    )

    allocations = {
        a.recipient.code: a.amount
        for a in db.session.scalars(
            select(Allocation).where(Allocation.status == AllocationStatus.ACTIVE)
        )
    }
    assert set(allocations) == {"hub", "northbank", "eastmere", "southford"}
    assert sum(allocations.values()) == Decimal("900000.00")
    assert allocations["hub"] == Decimal("180000.00")
    assert allocations["eastmere"] > allocations["southford"] > allocations["northbank"]

    spokes = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.SPOKE)
        .order_by(Organisation.code)
    ).all()
    quarter_one: dict[str, Decimal] = {}
    for spoke in spokes:
        lead = make_user(role=Role.SPOKE, spoke=spoke)
        plan = plans.create_plan(
            recipient_id=spoke.id,
            financial_year=YEAR,
            user=lead,
            header=plans.HeaderInput(lead_name=lead.name, s151_contact="s151@example.org"),
        )
        plans.add_line(
            plan.id,
            LineInput(
                title="Detached youth work",
                category="interventions",
                grant_stream="VRU",
                yef_strand="Sports programmes",
                annual_budget=str(allocations[spoke.code]),
            ),
            lock_version=plan.lock_version,
            user=lead,
        )
        db.session.refresh(plan)
        plans.submit_plan(plan.id, lock_version=plan.lock_version, user=lead)
        db.session.refresh(plan)
        plans.approve_plan(plan.id, lock_version=plan.lock_version, user=finance)

        ret = returns.open_return(
            recipient_id=spoke.id, stream_code="VRU", financial_year=YEAR, quarter=1, user=lead
        )
        quarter = ret.lines[0].plan_line.profile[0]
        quarter_one[spoke.code] = quarter
        returns.save_return(
            ret.id,
            ReturnEntries(
                lines=(
                    LineEntry(
                        line_ref=ret.lines[0].plan_line.line_ref,
                        actual=str(quarter),
                        forecast_remaining=str(allocations[spoke.code] - quarter),
                    ),
                ),
                narrative="Delivered as planned.",
            ),
            lock_version=ret.lock_version,
            user=lead,
        )
        db.session.refresh(ret)
        returns.submit_return(
            ret.id,
            certified_name=lead.name,
            certified_role="Spoke lead",
            certify=True,
            lock_version=ret.lock_version,
            user=lead,
        )
        db.session.refresh(ret)
        returns.approve_return(ret.id, lock_version=ret.lock_version, user=finance)

    report = status_report(YEAR)
    rows = {row.recipient: row for row in report.rows if row.stream == "VRU"}
    assert set(rows) == {"hub", "northbank", "eastmere", "southford"}
    for code in ("northbank", "eastmere", "southford"):
        profile = db.session.scalar(
            select(Allocation).where(
                Allocation.status == AllocationStatus.ACTIVE, Allocation.recipient.has(code=code)
            )
        )
        assert rows[code].allocation == allocations[code] == profile.amount
        assert rows[code].spent_to_date == quarter_one[code]
        assert rows[code].forecast_outturn == allocations[code]
    assert report.names["eastmere"] == "Eastmere District Council"
