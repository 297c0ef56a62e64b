"""Read-only queries for delivery plans: the approved plan of a year, a recipient's versions, the
plan list, and the facts (allocations, award conditions) the plan checks need.

Nothing here writes; the use cases live in ``plan_services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocations.models import Allocation, AllocationStatus
from auth.models import User
from auth.scoping import scope_to_user
from core.financial_year import FinancialYear
from core.money import ZERO
from core.problems import Problem
from extensions import db
from grants.awards.models import GrantAward
from grants.deadlines import Deadlines, is_overdue
from grants.plans.changes import LineChange, LineFacts, compare_lines
from grants.plans.checks import (
    PlanHeader,
    PlanLineFigures,
    StreamConditions,
    StreamFigures,
    check_header,
    check_plan,
    figures_by_stream,
    plan_warnings,
)
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import ReviewStatus
from reference.models import GrantStream, Organisation, OrganisationKind


def approved_plan_for(recipient_id: int, financial_year: str) -> DeliveryPlan | None:
    """The recipient's latest approved plan version for the year, or ``None`` when no version
    has been approved yet (a later draft or submitted version does not replace it until it is
    approved itself)."""
    return db.session.scalar(
        select(DeliveryPlan)
        .options(selectinload(DeliveryPlan.lines))
        .where(
            DeliveryPlan.recipient_id == recipient_id,
            DeliveryPlan.financial_year == financial_year,
            DeliveryPlan.status == ReviewStatus.APPROVED,
        )
        .order_by(DeliveryPlan.version.desc())
        .limit(1)
    )


def latest_plan_for(recipient_id: int, financial_year: str) -> DeliveryPlan | None:
    """The recipient's highest plan version for the year, whatever its status."""
    return db.session.scalar(
        select(DeliveryPlan)
        .where(
            DeliveryPlan.recipient_id == recipient_id, DeliveryPlan.financial_year == financial_year
        )
        .order_by(DeliveryPlan.version.desc())
        .limit(1)
    )


def plan_versions(recipient_id: int, financial_year: str) -> list[DeliveryPlan]:
    """Every version of a recipient's plan for the year, newest first."""
    return list(
        db.session.scalars(
            select(DeliveryPlan)
            .where(
                DeliveryPlan.recipient_id == recipient_id,
                DeliveryPlan.financial_year == financial_year,
            )
            .order_by(DeliveryPlan.version.desc())
        )
    )


def plan_years(user: User) -> list[str]:
    """Years with plans or active allocations the user may see, newest first."""
    plan_statement = scope_to_user(
        select(DeliveryPlan.financial_year).distinct(), DeliveryPlan.recipient_id, user
    )
    allocation_statement = scope_to_user(
        select(Allocation.financial_year)
        .distinct()
        .where(Allocation.status == AllocationStatus.ACTIVE),
        Allocation.recipient_id,
        user,
    )
    years = set(db.session.scalars(plan_statement)) | set(db.session.scalars(allocation_statement))
    return sorted(years, reverse=True)


def plan_recipients(user: User) -> list[Organisation]:
    """The Hub and the spokes, as the user may see them (a spoke lead: their own spoke)."""
    statement = select(Organisation).where(
        Organisation.kind.in_([OrganisationKind.HUB, OrganisationKind.SPOKE]),
        Organisation.active.is_(True),
    )
    statement = scope_to_user(statement, Organisation.id, user)
    return sorted(
        db.session.scalars(statement), key=lambda o: (o.kind is not OrganisationKind.HUB, o.name)
    )


def plan_recipients_all(financial_year: str) -> list[Organisation]:
    """The Hub, then the spokes, that have a plan or an active allocation for the year."""
    with_plans = select(DeliveryPlan.recipient_id).where(
        DeliveryPlan.financial_year == financial_year
    )
    with_allocations = select(Allocation.recipient_id).where(
        Allocation.financial_year == financial_year,
        Allocation.status == AllocationStatus.ACTIVE,
    )
    statement = select(Organisation).where(
        Organisation.kind.in_([OrganisationKind.HUB, OrganisationKind.SPOKE]),
        Organisation.id.in_(with_plans) | Organisation.id.in_(with_allocations),
    )
    return sorted(
        db.session.scalars(statement), key=lambda o: (o.kind is not OrganisationKind.HUB, o.name)
    )


def list_grant_streams() -> list[GrantStream]:
    return list(db.session.scalars(select(GrantStream).order_by(GrantStream.code)))


def allocations_of(recipient_id: int, financial_year: str) -> dict[str, Decimal]:
    """The recipient's current (active) allocation per grant stream code for the year."""
    totals: dict[str, Decimal] = {}
    for allocation in db.session.scalars(
        select(Allocation)
        .options(selectinload(Allocation.grant_stream))
        .where(
            Allocation.recipient_id == recipient_id,
            Allocation.financial_year == financial_year,
            Allocation.status == AllocationStatus.ACTIVE,
        )
    ):
        code = allocation.grant_stream.code
        totals[code] = totals.get(code, Decimal("0.00")) + allocation.amount
    return totals


def awards_of(financial_year: str) -> dict[str, GrantAward]:
    """The year's grant awards by stream code."""
    return {
        award.grant_stream.code: award
        for award in db.session.scalars(
            select(GrantAward)
            .options(selectinload(GrantAward.grant_stream))
            .where(GrantAward.financial_year == financial_year)
        )
    }


def conditions_for(
    recipient_id: int, financial_year: str, streams: list[str] | None = None
) -> list[StreamConditions]:
    """What the plan checks hold a recipient's plan to, one entry per grant stream: the
    allocation (``None`` when there is none yet) and the award's conditions for the year.

    Every stream with an allocation or an award is included, plus any in ``streams`` (those
    the plan's lines use), so a line on a stream with no allocation is caught."""
    allocations = allocations_of(recipient_id, financial_year)
    awards = awards_of(financial_year)
    codes = sorted(set(allocations) | set(awards) | set(streams or ()))
    return [conditions_from(code, allocations.get(code), awards.get(code)) for code in codes]


def conditions_from(
    code: str, allocation: Decimal | None, award: GrantAward | None
) -> StreamConditions:
    if award is None:
        return StreamConditions(stream=code, allocation=allocation)
    return StreamConditions(
        stream=code,
        allocation=allocation,
        min_interventions_percent=award.min_interventions_percent,
        evaluation_percent=award.evaluation_percent,
        admin_cap_percent=award.admin_cap_percent,
    )


def figures_of(line: PlanLine) -> PlanLineFigures:
    """A stored plan line as the plain figures the pure checks read."""
    return PlanLineFigures(
        ref=line.line_ref,
        stream=line.grant_stream.code,
        category=line.category,
        cost_type=line.cost_type,
        spend_type=line.spend_type,
        yef_strand=line.yef_strand,
        annual_budget=line.annual_budget,
        profile=line.profile,
    )


@dataclass(frozen=True)
class PlanSummary:
    """A plan as the plan pages show it: its figures per grant against the allocations, what
    stops it being submitted (``problems``: the header, then the plan checks) and what is only
    worth a second look (``warnings``)."""

    plan: DeliveryPlan
    conditions: list[StreamConditions]
    streams: list[StreamFigures]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {figures.stream: figures.total for figures in self.streams}

    @property
    def problem_count(self) -> int:
        return len(self.problems)


def summarise_plan(plan: DeliveryPlan) -> PlanSummary:
    """Run the checks on a stored plan and total its lines per grant."""
    figures = [figures_of(line) for line in plan.lines]
    conditions = conditions_for(
        plan.recipient_id, plan.financial_year, sorted({f.stream for f in figures})
    )
    problems = check_header(PlanHeader(lead_name=plan.lead_name, s151_contact=plan.s151_contact))
    problems.extend(check_plan(figures, conditions))
    return PlanSummary(
        plan=plan,
        conditions=conditions,
        streams=figures_by_stream(figures, conditions),
        problems=list(problems),
        warnings=list(plan_warnings(figures)),
    )


@dataclass(frozen=True)
class PlanListRow:
    """One recipient on the plan list: its latest plan (if any) and its allocations."""

    recipient: Organisation
    allocations: dict[str, Decimal]
    summary: PlanSummary | None
    due: date | None = None
    overdue: bool = False


def plan_due(financial_year: str) -> date:
    """When the year's plans are due: the earliest date the year's awards set, else the default
    (the end of the year's first month)."""
    year = FinancialYear.parse(financial_year)
    dates = [a.deadlines.plan_due(year) for a in awards_of(financial_year).values()]
    return min(dates) if dates else Deadlines().plan_due(year)


def is_plan_overdue(plan: DeliveryPlan | None, due: date, today: date) -> bool:
    """Late: not yet submitted (none, a draft or sent back) after its due date. A later version
    of an approved plan is a change, not a late plan."""
    if plan is not None and (
        plan.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED) or plan.version > 1
    ):
        return False
    return is_overdue(due, today=today)


def plan_list_rows(user: User, financial_year: str, today: date | None = None) -> list[PlanListRow]:
    """Each recipient the user may see, with its latest plan for the year and its checks, when
    the plan is due and whether it is late."""
    today = today or date.today()
    due = plan_due(financial_year)
    rows = []
    for recipient in plan_recipients(user):
        plan = latest_plan_for(recipient.id, financial_year)
        rows.append(
            PlanListRow(
                recipient=recipient,
                allocations=allocations_of(recipient.id, financial_year),
                summary=summarise_plan(plan) if plan is not None else None,
                due=due,
                overdue=is_plan_overdue(plan, due, today),
            )
        )
    return rows


def plan_list_totals(rows: list[PlanListRow]) -> dict[str, tuple[Decimal, Decimal]]:
    """Per grant: planned and allocated over the rows shown."""
    codes = {c for r in rows for c in r.allocations} | {
        c for r in rows if r.summary for c in r.summary.totals
    }
    return {
        code: (
            sum((r.summary.totals.get(code, ZERO) for r in rows if r.summary), ZERO),
            sum((r.allocations.get(code, ZERO) for r in rows), ZERO),
        )
        for code in sorted(codes)
    }


def changes_from_previous_version(
    plan: DeliveryPlan,
) -> tuple[DeliveryPlan | None, list[LineChange]]:
    """The version before ``plan`` (None for the first) and what changed from it, line by line."""
    previous = db.session.scalar(
        select(DeliveryPlan)
        .where(
            DeliveryPlan.recipient_id == plan.recipient_id,
            DeliveryPlan.financial_year == plan.financial_year,
            DeliveryPlan.version < plan.version,
        )
        .order_by(DeliveryPlan.version.desc())
        .limit(1)
    )
    if previous is None:
        return None, []
    return previous, compare_lines(
        [_line_facts(line) for line in previous.lines], [_line_facts(line) for line in plan.lines]
    )


def _line_facts(line: PlanLine) -> LineFacts:
    return LineFacts(
        line.line_ref,
        line.title,
        line.grant_stream.code,
        line.annual_budget,
        line.profile,
        (
            ("category", line.category.label),
            ("cost type", f"{line.cost_type.label}, {line.spend_type.label.lower()}"),
            ("provider", line.provider or "none"),
            ("YEF strand", line.yef_strand or "none"),
            ("output targets", line.output_targets or "none"),
        ),
    )
