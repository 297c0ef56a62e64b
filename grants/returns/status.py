"""The year's figures for every recipient (``vrp grants status``, the underspend page) and the
year-end close preview. Read-only: nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocations.models import Allocation, AllocationStatus
from auth.models import User
from auth.scoping import scope_to_user
from core.financial_year import FinancialYear, FinancialYearError
from core.money import ZERO
from core.problems import Problems
from extensions import db
from grants.awards.models import GrantAward
from grants.figures import (
    RecipientFigures,
    RecipientInput,
    StreamTotals,
    calculate_final_underspend,
    calculate_recipient,
    calculate_stream_totals,
)
from grants.plans.queries import approved_plan_for
from grants.returns.models import QuarterlyReturn, ReturnLine
from grants.returns.queries import (
    COUNTED,
    award_for,
    conditions_of,
    final_underspends,
    plan_lines_for,
    quarter_spend,
    recipient_order,
    returns_of,
    stream_by_code,
)
from grants.vocabulary import ReviewStatus
from reference.models import GrantStream, Organisation

# --- the year's figures for every recipient -------------------------------------------------------


@dataclass(frozen=True)
class StatusReport:
    """The year's figures per recipient and grant, and per grant overall."""

    financial_year: str
    as_at_quarter: int | None
    rows: list[RecipientFigures]
    totals: list[StreamTotals]
    names: dict[str, str]  # recipient code -> name
    closed: dict[str, bool]  # stream code -> whether the year is closed


def status_report(
    financial_year: str, *, as_at_quarter: int | None = None, user: User | None = None
) -> StatusReport:
    """Every recipient with an active allocation (or a return) for the year, per grant, from
    the counted returns up to ``as_at_quarter`` (all quarters when ``None``). A user who is a
    spoke lead sees their own spoke only, and totals over what they see."""
    statement = (
        select(Allocation)
        .where(
            Allocation.financial_year == financial_year,
            Allocation.status == AllocationStatus.ACTIVE,
        )
        .options(selectinload(Allocation.recipient), selectinload(Allocation.grant_stream))
    )
    if user is not None:
        statement = scope_to_user(statement, Allocation.recipient_id, user)
    allocations: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    recipients: dict[int, Organisation] = {}
    streams: dict[int, GrantStream] = {}
    for allocation in db.session.scalars(statement):
        key = (allocation.grant_stream_id, allocation.recipient_id)
        allocations[key] += allocation.amount
        recipients[allocation.recipient_id] = allocation.recipient
        streams[allocation.grant_stream_id] = allocation.grant_stream
    returns_statement = (
        select(QuarterlyReturn)
        .where(
            QuarterlyReturn.financial_year == financial_year, QuarterlyReturn.status.in_(COUNTED)
        )
        .options(
            selectinload(QuarterlyReturn.lines).selectinload(ReturnLine.plan_line),
            selectinload(QuarterlyReturn.match_lines),
            selectinload(QuarterlyReturn.recipient),
            selectinload(QuarterlyReturn.grant_stream),
        )
    )
    if as_at_quarter is not None:
        returns_statement = returns_statement.where(QuarterlyReturn.quarter <= as_at_quarter)
    if user is not None:
        returns_statement = scope_to_user(returns_statement, QuarterlyReturn.recipient_id, user)
    counted: dict[tuple[int, int], list[QuarterlyReturn]] = defaultdict(list)
    for ret in db.session.scalars(returns_statement):
        key = (ret.grant_stream_id, ret.recipient_id)
        counted[key].append(ret)
        recipients[ret.recipient_id] = ret.recipient
        streams[ret.grant_stream_id] = ret.grant_stream
    finals = final_underspends(financial_year)
    awards = {
        a.grant_stream_id: a
        for a in db.session.scalars(
            select(GrantAward).where(GrantAward.financial_year == financial_year)
        )
    }
    rows: list[RecipientFigures] = []
    totals: list[StreamTotals] = []
    for stream_id, stream in sorted(streams.items(), key=lambda item: item[1].code):
        conditions = conditions_of(awards.get(stream_id))
        stream_rows = []
        keys = sorted(
            {k for k in [*allocations, *counted] if k[0] == stream_id},
            key=lambda k: recipient_order(recipients[k[1]]),
        )
        for key in keys:
            recipient = recipients[key[1]]
            plan = approved_plan_for(recipient.id, financial_year)
            stream_rows.append(
                calculate_recipient(
                    RecipientInput(
                        recipient=recipient.code,
                        stream=stream.code,
                        allocation=allocations[key],
                        quarters=tuple(quarter_spend(r) for r in counted.get(key, [])),
                        planned_budget=None
                        if plan is None
                        else sum(
                            (line.annual_budget for line in plan_lines_for(plan, stream_id)), ZERO
                        ),
                        final_underspend=finals.get(key),
                    ),
                    conditions,
                )
            )
        award = awards.get(stream_id)
        rows.extend(stream_rows)
        totals.append(
            calculate_stream_totals(
                stream.code,
                stream_rows,
                conditions,
                labour_amount=award.svd_labour_amount if award else None,
                non_labour_amount=award.svd_non_labour_amount if award else None,
            )
        )
    return StatusReport(
        financial_year=financial_year,
        as_at_quarter=as_at_quarter,
        rows=rows,
        totals=totals,
        names={o.code: o.name for o in recipients.values()},
        closed={s.code: bool(awards.get(i) and awards[i].is_closed) for i, s in streams.items()},
    )


# --- year-end close -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseRow:
    """One recipient at year-end: its allocation, approved spend and final underspend."""

    recipient: Organisation
    allocation: Decimal
    spent: Decimal
    final_underspend: Decimal
    approved_quarters: list[int]


@dataclass(frozen=True)
class ClosePreview:
    """What closing a grant's year would record, and why it cannot be closed yet (if so)."""

    financial_year: str
    stream: GrantStream | None
    award: GrantAward | None
    rows: list[CloseRow]
    problems: Problems

    @property
    def can_close(self) -> bool:
        return not self.problems and self.award is not None

    @property
    def total_underspend(self) -> Decimal:
        return sum((row.final_underspend for row in self.rows), ZERO)


def close_preview(stream_code: str, financial_year: str) -> ClosePreview:
    """Each recipient with an allocation of the grant for the year, with its final underspend
    (allocation less approved spend, never below zero), and the problems that stop the close:
    no award, already closed, or a recipient with an allocation lacking an approved return for
    some quarter."""
    problems = Problems()
    stream = stream_by_code(stream_code or "")
    if stream is None:
        problems.add(f"unknown grant {stream_code!r}", column="grant")
    try:
        year = FinancialYear.parse(financial_year or "").label
    except FinancialYearError as error:
        problems.add(str(error), column="financial_year")
        year = financial_year
    if stream is None or problems:
        return ClosePreview(year, stream, None, [], problems)
    award = award_for(stream.id, year)
    if award is None:
        problems.add(f"there is no {stream.code} {year} grant award to close", column="grant")
    elif award.is_closed:
        problems.add(
            f"the {stream.code} {year} year was closed on {award.closed_at:%d %b %Y}",
            column="grant",
        )
    allocations: dict[int, Decimal] = defaultdict(lambda: ZERO)
    recipients: dict[int, Organisation] = {}
    for allocation in db.session.scalars(
        select(Allocation)
        .where(
            Allocation.grant_stream_id == stream.id,
            Allocation.financial_year == year,
            Allocation.status == AllocationStatus.ACTIVE,
        )
        .options(selectinload(Allocation.recipient))
    ):
        allocations[allocation.recipient_id] += allocation.amount
        recipients[allocation.recipient_id] = allocation.recipient
    rows = []
    for recipient_id in sorted(recipients, key=lambda i: recipient_order(recipients[i])):
        recipient = recipients[recipient_id]
        returns = {r.quarter: r for r in returns_of(recipient_id, stream.id, year)}
        approved = [q for q, r in sorted(returns.items()) if r.status is ReviewStatus.APPROVED]
        if allocations[recipient_id] > 0:
            for quarter in (1, 2, 3, 4):
                ret = returns.get(quarter)
                if ret is None:
                    problems.add(
                        f"{recipient.name} has no Q{quarter} return",
                        column=f"reason-{recipient.code}",
                    )
                elif ret.status is not ReviewStatus.APPROVED:
                    problems.add(
                        f"{recipient.name}'s Q{quarter} return is {ret.status.value}; "
                        "every return must be approved first",
                        column=f"reason-{recipient.code}",
                    )
        spent = sum((quarter_spend(returns[q]).actual for q in approved), ZERO)
        rows.append(
            CloseRow(
                recipient=recipient,
                allocation=allocations[recipient_id],
                spent=spent,
                final_underspend=calculate_final_underspend(allocations[recipient_id], spent),
                approved_quarters=approved,
            )
        )
    return ClosePreview(year, stream, award, rows, problems)
