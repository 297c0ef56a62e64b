"""Read-only queries for quarterly returns, and the figures worked out from what they hold.

What lives here: fetching returns (scoped to what the user may see), the grid of returns per
recipient, grant and quarter, the history of a return from the audit log, and gathering the
numbers that ``grants.figures`` (pure) turns into figures. What must not: any write (the use
cases are in ``grants.returns.services``) or arithmetic beyond adding up what was fetched.

Which returns count: a return counts towards the year to date, the spend to date and the
claims once it is submitted or approved. A draft or returned return is still being written, so
it counts only on its own page (its own quarter shown against the counted earlier quarters).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocations.models import Allocation, AllocationStatus
from audit.models import AuditEvent
from auth.models import User
from auth.scoping import can_edit_for, scope_to_user
from core.financial_year import FinancialYear
from core.money import ZERO
from extensions import db
from grants.awards.models import GrantAward
from grants.deadlines import Deadlines, is_overdue
from grants.figures import (
    Conditions,
    LineFigures,
    LineInput,
    MatchAmount,
    QuarterSpend,
    RecipientFigures,
    RecipientInput,
    SpendLine,
    Thresholds,
    calculate_line,
    calculate_recipient,
)
from grants.plans.models import DeliveryPlan, PlanLine
from grants.plans.queries import approved_plan_for
from grants.returns.models import QuarterlyReturn, ReturnLine, UnderspendRecord
from grants.vocabulary import ReviewStatus
from reference.models import GrantStream, Organisation, OrganisationKind

COUNTED = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)


# --- fetching ---------------------------------------------------------------------------------


def get_return(return_id: int) -> QuarterlyReturn | None:
    return db.session.scalar(
        select(QuarterlyReturn)
        .where(QuarterlyReturn.id == return_id)
        .options(
            selectinload(QuarterlyReturn.lines).selectinload(ReturnLine.plan_line),
            selectinload(QuarterlyReturn.match_lines),
            selectinload(QuarterlyReturn.recipient),
            selectinload(QuarterlyReturn.grant_stream),
        )
    )


def find_return(
    recipient_id: int, stream_id: int, financial_year: str, quarter: int
) -> QuarterlyReturn | None:
    return db.session.scalar(
        select(QuarterlyReturn).where(
            QuarterlyReturn.recipient_id == recipient_id,
            QuarterlyReturn.grant_stream_id == stream_id,
            QuarterlyReturn.financial_year == financial_year,
            QuarterlyReturn.quarter == quarter,
        )
    )


def returns_of(recipient_id: int, stream_id: int, financial_year: str) -> list[QuarterlyReturn]:
    """All of a recipient's returns of one grant for the year, in quarter order."""
    return list(
        db.session.scalars(
            select(QuarterlyReturn)
            .where(
                QuarterlyReturn.recipient_id == recipient_id,
                QuarterlyReturn.grant_stream_id == stream_id,
                QuarterlyReturn.financial_year == financial_year,
            )
            .options(
                selectinload(QuarterlyReturn.lines).selectinload(ReturnLine.plan_line),
                selectinload(QuarterlyReturn.match_lines),
            )
            .order_by(QuarterlyReturn.quarter)
        )
    )


def award_for(stream_id: int, financial_year: str) -> GrantAward | None:
    return db.session.scalar(
        select(GrantAward).where(
            GrantAward.grant_stream_id == stream_id, GrantAward.financial_year == financial_year
        )
    )


def stream_by_code(code: str) -> GrantStream | None:
    return db.session.scalar(select(GrantStream).where(GrantStream.code == code.strip().upper()))


def recipient_by_code(code: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(
            Organisation.code == code.strip().lower(),
            Organisation.kind.in_([OrganisationKind.HUB, OrganisationKind.SPOKE]),
        )
    )


def list_streams() -> list[GrantStream]:
    return list(db.session.scalars(select(GrantStream).order_by(GrantStream.code)))


def plan_lines_for(plan: DeliveryPlan, stream_id: int) -> list[PlanLine]:
    """The plan's lines of one grant, in the plan's order."""
    return [line for line in plan.lines if line.grant_stream_id == stream_id]


def current_allocation(recipient_id: int, stream_id: int, financial_year: str) -> Decimal:
    """The recipient's active allocation of the grant for the year (variations change it)."""
    return sum(
        db.session.scalars(
            select(Allocation.amount).where(
                Allocation.recipient_id == recipient_id,
                Allocation.grant_stream_id == stream_id,
                Allocation.financial_year == financial_year,
                Allocation.status == AllocationStatus.ACTIVE,
            )
        ),
        ZERO,
    )


def thresholds_of(award: GrantAward) -> Thresholds:
    return Thresholds(
        percent=award.variance_threshold_percent, amount=award.variance_threshold_amount
    )


def conditions_of(award: GrantAward | None) -> Conditions:
    """The award's conditions (none to hold the figures to before the award is set up)."""
    if award is None:
        return Conditions()
    return Conditions(
        min_match_percent=award.min_match_percent,
        min_interventions_percent=award.min_interventions_percent,
    )


# --- the figures of one return ---------------------------------------------------------------


@dataclass(frozen=True)
class ReturnLineRow:
    """A line of a return with its plan line and its figures."""

    line: ReturnLine
    plan_line: PlanLine
    figures: LineFigures


@dataclass(frozen=True)
class ReturnFigures:
    rows: list[ReturnLineRow]
    recipient: RecipientFigures
    award: GrantAward | None
    uncounted_earlier: list[int]  # earlier quarters with no submitted or approved return

    @property
    def totals(self) -> dict[str, Decimal]:
        names = (
            "annual_budget",
            "profile",
            "actual",
            "year_to_date",
            "forecast_remaining",
            "forecast_outturn",
            "variance",
        )
        return {
            name: sum((getattr(row.figures, name) for row in self.rows), ZERO) for name in names
        }

    @property
    def reasons_missing(self) -> list[str]:
        return [
            row.plan_line.line_ref
            for row in self.rows
            if row.figures.needs_reason and not (row.line.variance_reason or "").strip()
        ]


def build_return_figures(ret: QuarterlyReturn) -> ReturnFigures:
    """The return's line figures (against the counted earlier quarters) and the recipient's
    figures for the grant as at this quarter (the counted earlier quarters plus this one)."""
    earlier = [
        r
        for r in returns_of(ret.recipient_id, ret.grant_stream_id, ret.financial_year)
        if r.quarter < ret.quarter and r.status in COUNTED
    ]
    earlier_by_ref: dict[str, list[Decimal]] = defaultdict(list)
    for previous in earlier:
        for line in previous.lines:
            earlier_by_ref[line.plan_line.line_ref].append(line.actual)
    award = award_for(ret.grant_stream_id, ret.financial_year)
    thresholds = thresholds_of(award) if award else Thresholds(Decimal("0"), ZERO)
    rows = []
    for line in ret.lines:
        plan_line = line.plan_line
        rows.append(
            ReturnLineRow(
                line=line,
                plan_line=plan_line,
                figures=calculate_line(
                    LineInput(
                        line_ref=plan_line.line_ref,
                        annual_budget=plan_line.annual_budget,
                        profile=plan_line.profile,
                        earlier_actuals=tuple(earlier_by_ref.get(plan_line.line_ref, ())),
                        actual=line.actual,
                        forecast_remaining=line.forecast_remaining,
                    ),
                    ret.quarter,
                    thresholds,
                ),
            )
        )
    recipient = calculate_recipient(
        RecipientInput(
            recipient=ret.recipient.code,
            stream=ret.grant_stream.code,
            allocation=current_allocation(
                ret.recipient_id, ret.grant_stream_id, ret.financial_year
            ),
            quarters=tuple(quarter_spend(r) for r in [*earlier, ret]),
            planned_budget=sum(
                (line.annual_budget for line in plan_lines_for(ret.plan, ret.grant_stream_id)), ZERO
            ),
            final_underspend=final_underspends(ret.financial_year).get(
                (ret.grant_stream_id, ret.recipient_id)
            ),
        ),
        conditions_of(award),
    )
    counted_quarters = {r.quarter for r in earlier}
    return ReturnFigures(
        rows=rows,
        recipient=recipient,
        award=award,
        uncounted_earlier=[q for q in range(1, ret.quarter) if q not in counted_quarters],
    )


def quarter_spend(ret: QuarterlyReturn) -> QuarterSpend:
    """A stored return as the plain numbers ``grants.figures`` reads."""
    return QuarterSpend(
        quarter=ret.quarter,
        lines=tuple(
            SpendLine(
                line_ref=line.plan_line.line_ref,
                category=line.plan_line.category,
                cost_type=line.plan_line.cost_type,
                actual=line.actual,
                forecast_remaining=line.forecast_remaining,
            )
            for line in ret.lines
        ),
        match=tuple(MatchAmount(kind=m.kind, amount=m.amount) for m in ret.match_lines),
    )


# --- the list of returns -------------------------------------------------------------------------


@dataclass
class GridRow:
    """One recipient and grant on the return list: its return (or none) for each quarter."""

    recipient: Organisation
    stream: GrantStream
    returns: dict[int, QuarterlyReturn | None] = field(default_factory=dict)
    can_edit: bool = False
    has_plan: bool = False
    due: dict[int, date] = field(default_factory=dict)
    overdue: dict[int, bool] = field(default_factory=dict)
    spend: dict[int, Decimal] = field(default_factory=dict)  # each return's spend, as entered


def grid_totals(rows: list[GridRow]) -> list[tuple[GrantStream, dict[int, Decimal]]]:
    """Each grant's spend per quarter over the rows shown (returns as entered so far)."""
    streams = sorted({row.stream.id: row.stream for row in rows}.values(), key=lambda s: s.code)
    return [
        (
            stream,
            {
                q: sum((row.spend.get(q, ZERO) for row in rows if row.stream.id == stream.id), ZERO)
                for q in (1, 2, 3, 4)
            },
        )
        for stream in streams
    ]


def return_years(user: User) -> list[str]:
    """Years with active allocations or returns the user may see, newest first."""
    allocation_years = scope_to_user(
        select(Allocation.financial_year)
        .distinct()
        .where(Allocation.status == AllocationStatus.ACTIVE),
        Allocation.recipient_id,
        user,
    )
    return_years_ = scope_to_user(
        select(QuarterlyReturn.financial_year).distinct(), QuarterlyReturn.recipient_id, user
    )
    return sorted(
        set(db.session.scalars(allocation_years)) | set(db.session.scalars(return_years_)),
        reverse=True,
    )


def return_due(stream_id: int, financial_year: str, quarter: int) -> date:
    """When a quarter's return is due, by the award's deadlines (or the agreement's default)."""
    award = award_for(stream_id, financial_year)
    deadlines = award.deadlines if award is not None else Deadlines()
    return deadlines.return_due(FinancialYear.parse(financial_year), quarter)


def is_return_overdue(ret: QuarterlyReturn | None, due: date, today: date) -> bool:
    """Late: not yet submitted (not started, a draft, or sent back) after its due date."""
    waiting = ret is None or ret.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
    return waiting and is_overdue(due, today=today)


def return_grid(user: User, financial_year: str, today: date | None = None) -> list[GridRow]:
    """Each recipient x grant the user may see for the year (those with an allocation or a
    return), with its returns by quarter, when each is due and whether it is late. A spoke lead
    sees only their own spoke."""
    today = today or date.today()
    recipients = {
        o.id: o
        for o in db.session.scalars(
            scope_to_user(
                select(Organisation).where(
                    Organisation.kind.in_([OrganisationKind.HUB, OrganisationKind.SPOKE])
                ),
                Organisation.id,
                user,
            )
        )
    }
    streams = {s.id: s for s in list_streams()}
    pairs: set[tuple[int, int]] = set()
    for recipient_id, stream_id in db.session.execute(
        select(Allocation.recipient_id, Allocation.grant_stream_id).where(
            Allocation.financial_year == financial_year,
            Allocation.status == AllocationStatus.ACTIVE,
        )
    ):
        pairs.add((recipient_id, stream_id))
    returns = list(
        db.session.scalars(
            select(QuarterlyReturn).where(QuarterlyReturn.financial_year == financial_year)
        )
    )
    pairs |= {(r.recipient_id, r.grant_stream_id) for r in returns}
    by_key = {(r.recipient_id, r.grant_stream_id, r.quarter): r for r in returns}
    rows = []
    for recipient_id, stream_id in pairs:
        recipient = recipients.get(recipient_id)
        if recipient is None:
            continue
        plan = approved_plan_for(recipient_id, financial_year)
        quarters = {q: by_key.get((recipient_id, stream_id, q)) for q in (1, 2, 3, 4)}
        due = {q: return_due(stream_id, financial_year, q) for q in (1, 2, 3, 4)}
        rows.append(
            GridRow(
                recipient=recipient,
                stream=streams[stream_id],
                returns=quarters,
                can_edit=can_edit_for(user, recipient),
                has_plan=plan is not None and bool(plan_lines_for(plan, stream_id)),
                due=due,
                overdue={q: is_return_overdue(quarters[q], due[q], today) for q in due},
                spend={q: quarter_spend(r).actual for q, r in quarters.items() if r is not None},
            )
        )
    return sorted(
        rows,
        key=lambda row: (
            row.recipient.kind is not OrganisationKind.HUB,
            row.recipient.name,
            row.stream.code,
        ),
    )


def editable_recipients(user: User) -> list[Organisation]:
    """The recipients whose returns ``user`` may fill in (a spoke lead: their spoke; the Hub:
    the Hub)."""
    return [
        o
        for o in db.session.scalars(
            select(Organisation)
            .where(
                Organisation.kind.in_([OrganisationKind.HUB, OrganisationKind.SPOKE]),
                Organisation.active.is_(True),
            )
            .order_by(Organisation.name)
        )
        if can_edit_for(user, o)
    ]


def return_history(ret: QuarterlyReturn) -> list[AuditEvent]:
    """The return's status changes, oldest first (from the audit log): who moved it, when, and
    the comment or reason given."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.table_name == QuarterlyReturn.__tablename__,
            AuditEvent.record_id == str(ret.id),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        event
        for event in events
        if event.before is None
        or (event.after or {}).get("status") != (event.before or {}).get("status")
    ]


def final_underspends(financial_year: str) -> dict[tuple[int, int], Decimal]:
    return {
        (r.grant_stream_id, r.recipient_id): r.amount
        for r in db.session.scalars(
            select(UnderspendRecord).where(UnderspendRecord.financial_year == financial_year)
        )
    }


def recipient_order(recipient: Organisation) -> tuple[bool, str]:
    return (recipient.kind is not OrganisationKind.HUB, recipient.name)


def existing_return(
    recipient_id: int, stream_code: str | None, financial_year: str | None, quarter: int
) -> QuarterlyReturn | None:
    """The return already started for a recipient, grant, year and quarter, if any."""
    stream = stream_by_code(stream_code or "")
    if stream is None or not financial_year:
        return None
    return find_return(recipient_id, stream.id, financial_year, quarter)


QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}


def return_name(ret: QuarterlyReturn) -> str:
    """The return in words, for messages to people: ``Bristol's Violence Reduction Unit grant
    return for 2024-25 Q2 (July to September)``."""
    name = ret.recipient.name
    owner = f"{name}'" if name.endswith("s") else f"{name}'s"
    return (
        f"{owner} {ret.grant_stream.name} return for {ret.financial_year} Q{ret.quarter} "
        f"({QUARTER_MONTHS[ret.quarter]})"
    )
