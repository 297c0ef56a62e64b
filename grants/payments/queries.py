"""Read-only queries for payments: the position of every recipient and grant for a year, and the
approved claims a payment is checked against. A spoke lead sees their own spoke only. A reversed
payment is listed but never counted as paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocations.models import Allocation, AllocationStatus
from auth.models import User
from auth.scoping import scope_to_user
from core.money import ZERO
from extensions import db
from grants.agreements.models import GrantAgreement
from grants.figures import calculate_claims
from grants.payments.models import GrantPayment
from grants.payments.position import Position, total
from grants.returns.models import QuarterlyReturn, ReturnLine
from grants.returns.queries import COUNTED, quarter_spend, recipient_order
from grants.vocabulary import PaymentSchedule, ReviewStatus
from reference.models import GrantStream, Organisation


@dataclass(frozen=True)
class PositionReport:
    financial_year: str
    rows: list[Position]
    by_stream: list[Position]  # one total per grant
    overall: Position
    names: dict[str, str]  # recipient code -> name
    stream_names: dict[str, str]


def position_report(financial_year: str, user: User | None = None) -> PositionReport:
    """Allocated, claimed, paid, spent and remaining per recipient and grant, with totals."""
    allocations: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    recipients: dict[str, Organisation] = {}
    streams: dict[str, GrantStream] = {}
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
    for allocation in db.session.scalars(statement):
        key = (allocation.recipient.code, allocation.grant_stream.code)
        allocations[key] += allocation.amount
        recipients[key[0]] = allocation.recipient
        streams[key[1]] = allocation.grant_stream
    spent: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    approved: dict[tuple[str, str], list[QuarterlyReturn]] = defaultdict(list)
    for ret in _returns(financial_year, user):
        key = (ret.recipient.code, ret.grant_stream.code)
        spent[key] += quarter_spend(ret).actual
        if ret.status is ReviewStatus.APPROVED:
            approved[key].append(ret)
    paid: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for payment in payments_of(financial_year, user):
        if payment.is_reversed:  # recorded by mistake: not paid
            continue
        paid[(payment.recipient.code, payment.grant_stream.code)] += payment.amount
    rows = []
    for key in sorted(allocations, key=lambda k: (k[1], recipient_order(recipients[k[0]]))):
        claims = calculate_claims(allocations[key], [quarter_spend(r) for r in approved[key]])
        rows.append(
            Position(
                recipient=key[0],
                stream=key[1],
                allocated=allocations[key],
                claimed=claims[-1].cumulative if claims else ZERO,
                paid=paid[key],
                spent=spent[key],
            )
        )
    by_stream = [
        total((r for r in rows if r.stream == code), f"Total {code}", code)
        for code in sorted(streams)
    ]
    return PositionReport(
        financial_year=financial_year,
        rows=rows,
        by_stream=by_stream,
        overall=total(rows),
        names={code: org.name for code, org in recipients.items()},
        stream_names={code: stream.name for code, stream in streams.items()},
    )


def payments_of(financial_year: str, user: User | None = None) -> list[GrantPayment]:
    """Every payment of the year, reversed ones too (``is_reversed``: they count as nothing)."""
    statement = (
        select(GrantPayment)
        .where(GrantPayment.financial_year == financial_year)
        .options(
            selectinload(GrantPayment.recipient),
            selectinload(GrantPayment.grant_stream),
            selectinload(GrantPayment.reversed_by),
        )
        .order_by(GrantPayment.paid_on, GrantPayment.id)
    )
    if user is not None:
        statement = scope_to_user(statement, GrantPayment.recipient_id, user)
    return list(db.session.scalars(statement))


def approved_claims_to(
    recipient: Organisation,
    stream: GrantStream,
    financial_year: str,
    quarter: int,
    allocation: Decimal,
) -> Decimal:
    """The approved claims of a recipient's grant up to and including ``quarter``."""
    returns = db.session.scalars(
        select(QuarterlyReturn)
        .where(
            QuarterlyReturn.recipient_id == recipient.id,
            QuarterlyReturn.grant_stream_id == stream.id,
            QuarterlyReturn.financial_year == financial_year,
            QuarterlyReturn.quarter <= quarter,
            QuarterlyReturn.status == ReviewStatus.APPROVED,
        )
        .options(selectinload(QuarterlyReturn.lines).selectinload(ReturnLine.plan_line))
    )
    claims = calculate_claims(allocation, [quarter_spend(r) for r in returns])
    return claims[-1].cumulative if claims else ZERO


def schedule_for(recipient: Organisation, financial_year: str) -> PaymentSchedule:
    """The payment schedule of the recipient's latest agreement for the year (in arrears when
    there is none yet: the safer rule)."""
    agreement = db.session.scalar(
        select(GrantAgreement)
        .where(
            GrantAgreement.recipient_id == recipient.id,
            GrantAgreement.financial_year == financial_year,
        )
        .order_by(GrantAgreement.version.desc())
        .limit(1)
    )
    return agreement.payment_schedule if agreement else PaymentSchedule.QUARTERLY_IN_ARREARS


def _returns(financial_year: str, user: User | None) -> list[QuarterlyReturn]:
    statement = (
        select(QuarterlyReturn)
        .where(
            QuarterlyReturn.financial_year == financial_year,
            QuarterlyReturn.status.in_(COUNTED),
        )
        .options(
            selectinload(QuarterlyReturn.lines).selectinload(ReturnLine.plan_line),
            selectinload(QuarterlyReturn.recipient),
            selectinload(QuarterlyReturn.grant_stream),
        )
    )
    if user is not None:
        statement = scope_to_user(statement, QuarterlyReturn.recipient_id, user)
    return list(db.session.scalars(statement))
