"""Builders for the delivery plan tests: awards, allocations and plans with keyword defaults.

Awards and allocations are made directly through the models (their own services are built
elsewhere); plans and lines too, so a test can start from any state. The default setting is
Bristol in 2024-25 with £1,000.00 of VRU (conditions: 60% interventions, 5% evaluation, 10% admin
cap) and £200.00 of SVD (no conditions), and ``passing_lines`` is a plan that meets them all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from allocations.models import (
    Allocation,
    AllocationStatus,
    FormulaRun,
    FormulaVersion,
    IndicatorDataset,
    RunStatus,
)
from auth.models import User
from auth.roles import Role
from database import utcnow
from extensions import db
from grants.awards.models import GrantAward
from grants.plans.checks import split_evenly
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import Category, CostType, ReviewStatus, SpendType
from reference.models import Organisation
from tests.builders import make_grant_stream, make_hub, make_spokes, make_user

YEAR = "2024-25"


def _percent(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def make_award(
    *,
    stream: str = "VRU",
    year: str = YEAR,
    amount: str = "1528667.00",
    min_interventions_percent: str | None = None,
    evaluation_percent: str | None = None,
    admin_cap_percent: str | None = None,
    **fields: Any,
) -> GrantAward:
    award = GrantAward(
        grant_stream=make_grant_stream(stream),
        financial_year=year,
        indicative_amount=Decimal(amount),
        min_interventions_percent=_percent(min_interventions_percent),
        evaluation_percent=_percent(evaluation_percent),
        admin_cap_percent=_percent(admin_cap_percent),
        **fields,
    )
    db.session.add(award)
    db.session.commit()
    return award


def _minimal_run(stream: str, year: str) -> FormulaRun:
    """The approved run an allocation must point at (its content does not matter here)."""
    grant = make_grant_stream(stream)
    run = db.session.scalar(
        select(FormulaRun).where(
            FormulaRun.grant_stream_id == grant.id, FormulaRun.financial_year == year
        )
    )
    if run is not None:
        return run
    version = FormulaVersion(
        name=f"Plan tests {stream} {year}",
        version="1",
        grant_code=stream,
        financial_year=year,
        source_toml="",
    )
    dataset = IndicatorDataset(name=f"Plan tests {stream} {year}", version=1)
    run = FormulaRun(
        label="plan tests",
        formula_version=version,
        dataset=dataset,
        pot=Decimal("0.00"),
        total=Decimal("0.00"),
        result={},
        status=RunStatus.APPROVED,
        grant_stream=grant,
        financial_year=year,
        decision_reference="PCC-DN-TEST",
    )
    db.session.add(run)
    db.session.commit()
    return run


def make_allocation(
    recipient: Organisation,
    *,
    stream: str = "VRU",
    year: str = YEAR,
    amount: str = "1000.00",
    top_slice: bool = False,
    status: AllocationStatus = AllocationStatus.ACTIVE,
    run: FormulaRun | None = None,
    commit: bool = True,
) -> Allocation:
    run = run or _minimal_run(stream, year)
    allocation = Allocation(
        financial_year=year,
        grant_stream_id=run.grant_stream_id,
        recipient=recipient,
        amount=Decimal(amount),
        run=run,
        is_top_slice=top_slice,
        status=status,
    )
    db.session.add(allocation)
    if commit:
        db.session.commit()
    return allocation


def make_setting(
    *, year: str = YEAR, vru: str = "1000.00", svd: str = "200.00", conditions: bool = True
) -> dict[str, Organisation]:
    """The Hub and five spokes, each allocated ``vru`` and ``svd`` (the Hub as a top slice),
    and the year's awards (VRU with conditions unless ``conditions=False``)."""
    spokes = make_spokes()
    hub = make_hub()
    runs = {stream: _minimal_run(stream, year) for stream in ("VRU", "SVD")}
    for recipient in (hub, *spokes.values()):
        for stream, amount in (("VRU", vru), ("SVD", svd)):
            make_allocation(
                recipient,
                stream=stream,
                year=year,
                amount=amount,
                top_slice=recipient is hub,
                run=runs[stream],
                commit=False,
            )
    db.session.commit()
    if conditions:
        make_award(
            stream="VRU",
            year=year,
            min_interventions_percent="60",
            evaluation_percent="5",
            admin_cap_percent="10",
        )
    else:
        make_award(stream="VRU", year=year)
    make_award(stream="SVD", year=year, amount="157181.26")
    return {"hub": hub, **spokes}


# (ref, title, category, stream, cost type, YEF strand, budget): meets the default setting.
PASSING_LINES = (
    ("STF-01", "Spoke coordinator", Category.STAFFING, "VRU", CostType.LABOUR, None, "300.00"),
    (
        "INT-01",
        "Targeted mentoring",
        Category.INTERVENTIONS,
        "VRU",
        CostType.NON_LABOUR,
        "Mentoring",
        "600.00",
    ),
    (
        "EVL-01",
        "Evaluation of mentoring",
        Category.EVALUATION,
        "VRU",
        CostType.NON_LABOUR,
        None,
        "30.00",
    ),
    ("ADM-01", "Grant administration", Category.MANAGEMENT, "VRU", CostType.LABOUR, None, "70.00"),
    (
        "INT-02",
        "Focused deterrence",
        Category.INTERVENTIONS,
        "SVD",
        CostType.NON_LABOUR,
        "Focused deterrence",
        "150.00",
    ),
    ("STF-02", "SVD partnership officer", Category.STAFFING, "SVD", CostType.LABOUR, None, "50.00"),
)


def make_line(
    plan: DeliveryPlan,
    *,
    ref: str | None = None,
    title: str = "A line",
    category: Category = Category.STAFFING,
    stream: str = "VRU",
    cost_type: CostType = CostType.LABOUR,
    spend_type: SpendType | None = None,
    yef_strand: str | None = None,
    budget: str = "100.00",
    profile: tuple[str, str, str, str] | None = None,
    provider: str | None = None,
    output_targets: str | None = None,
    commit: bool = True,
) -> PlanLine:
    amount = Decimal(budget)
    quarters = split_evenly(amount) if profile is None else tuple(Decimal(q) for q in profile)
    line = PlanLine(
        position=len(plan.lines) + 1,
        line_ref=ref or f"L-{len(plan.lines) + 1:02d}",
        title=title,
        category=category,
        grant_stream_id=make_grant_stream(stream).id,
        cost_type=cost_type,
        spend_type=spend_type
        or (SpendType.CAPITAL if category is Category.CAPITAL else SpendType.REVENUE),
        yef_strand=yef_strand,
        provider=provider,
        annual_budget=amount,
        q1=quarters[0],
        q2=quarters[1],
        q3=quarters[2],
        q4=quarters[3],
        output_targets=output_targets,
    )
    plan.lines.append(line)
    if commit:
        db.session.commit()
    return line


def make_plan(
    recipient: Organisation | None = None,
    *,
    year: str = YEAR,
    version: int = 1,
    status: ReviewStatus = ReviewStatus.DRAFT,
    lines: str | None = "passing",
    lead_name: str | None = "Lee Lead",
    s151_contact: str | None = "Sam Section151",
    priorities: str | None = "Knife crime in the city centre",
    **fields: Any,
) -> DeliveryPlan:
    """A plan straight into the database; ``lines="passing"`` adds ``PASSING_LINES``, ``None``
    none."""
    if recipient is None:
        recipient = make_spokes()["bristol"]
    if status is not ReviewStatus.DRAFT:
        fields.setdefault("submitted_at", utcnow())
    if status in (ReviewStatus.APPROVED, ReviewStatus.RETURNED):
        fields.setdefault("reviewed_at", utcnow())
    plan = DeliveryPlan(
        recipient=recipient,
        financial_year=year,
        version=version,
        status=status,
        lead_name=lead_name,
        s151_contact=s151_contact,
        priorities=priorities,
        **fields,
    )
    db.session.add(plan)
    if lines == "passing":
        for ref, title, category, stream, cost_type, strand, budget in PASSING_LINES:
            make_line(
                plan,
                ref=ref,
                title=title,
                category=category,
                stream=stream,
                cost_type=cost_type,
                yef_strand=strand,
                budget=budget,
                commit=False,
            )
    db.session.commit()
    return plan


def make_spoke_lead(spoke: Organisation, **fields: Any) -> User:
    return make_user(role=Role.SPOKE, spoke=spoke, **fields)


def line_form(**overrides: Any) -> dict[str, str]:
    """What the line form posts, for an interventions line of £400.00 split evenly."""
    data = {
        "line_ref": "",
        "title": "Detached youth work",
        "category": "interventions",
        "grant_stream": "VRU",
        "cost_type": "non_labour",
        "spend_type": "revenue",
        "yef_strand": "Detached youth work",
        "provider": "Youth Moves",
        "annual_budget": "400.00",
        "q1": "",
        "q2": "",
        "q3": "",
        "q4": "",
        "output_targets": "200 young people",
        "submit": "Save line",
    }
    data.update(overrides)
    return data
