"""Recording a payment (finance).

Rules, decided here (the arithmetic is ``grants.payments.position``): one payment per recipient,
grant, year and quarter; never more in all than the allocation; paid in arrears, never more in
all than the approved claims to the end of the quarter; a payment reference used once. The
recipient's allocation rows are locked while a payment is checked (and the database's unique
constraints refuse a second payment for a quarter, or a reference used twice, outright; the one
refused is told which), so a payment is never recorded twice. Every payment is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from allocations.models import Allocation, AllocationStatus
from audit.listeners import set_reason
from auth.models import User
from core.financial_year import QUARTERS
from core.money import ZERO, MoneyError, to_money
from core.problems import DomainError, Problems
from extensions import db
from grants.editing import clean_text, parse_year
from grants.payments import queries
from grants.payments.models import GrantPayment
from grants.payments.position import payment_problems
from grants.vocabulary import PaymentSchedule
from reference.models import GrantStream, Organisation


@dataclass(frozen=True)
class PaymentFields:
    recipient_code: str | None
    stream_code: str | None
    financial_year: str | None
    quarter: str | int | None
    paid_on: date | None
    amount: str | Decimal | None
    payment_reference: str | None
    notes: str | None = None


def record_payment(fields: PaymentFields, *, user: User | None) -> GrantPayment:
    problems = Problems()
    year = parse_year(fields.financial_year, problems)
    recipient = db.session.scalar(
        select(Organisation).where(Organisation.code == (fields.recipient_code or "").strip())
    )
    if recipient is None:
        problems.add("choose the recipient", column="recipient")
    stream = db.session.scalar(
        select(GrantStream).where(GrantStream.code == (fields.stream_code or "").strip().upper())
    )
    if stream is None:
        problems.add("choose the grant", column="grant")
    quarter = _quarter(fields.quarter, problems)
    if fields.paid_on is None:
        problems.add("enter the date it was paid", column="paid_on")
    amount = None
    try:
        amount = to_money(
            fields.amount if fields.amount not in (None, "") else None, field="the amount"
        )
    except MoneyError as error:
        problems.add(str(error), column="amount")
    if amount is None and not any(p.column == "amount" for p in problems):
        problems.add("enter the amount paid", column="amount")
    reference = clean_text(fields.payment_reference)
    if not reference:
        problems.add("enter the payment reference", column="payment_reference")
    elif len(reference) > 100:
        problems.add(
            "the payment reference must be 100 characters or fewer", column="payment_reference"
        )
    else:
        _check_reference_unused(reference, problems)
    if year is None or recipient is None or stream is None or quarter is None or amount is None:
        raise DomainError("The payment was not recorded", problems)

    _lock_allocations(recipient, stream, year.label)
    allocated = _allocated(recipient, stream, year.label)
    if allocated == ZERO:
        problems.add(
            f"{recipient.name} has no {stream.code} allocation in {year.label}", column="recipient"
        )
    _check_quarter_unpaid(recipient, stream, year.label, quarter, problems)
    paid_before = sum(
        db.session.scalars(
            select(GrantPayment.amount).where(
                GrantPayment.recipient_id == recipient.id,
                GrantPayment.grant_stream_id == stream.id,
                GrantPayment.financial_year == year.label,
            )
        ),
        ZERO,
    )
    in_arrears = queries.schedule_for(recipient, year.label) is PaymentSchedule.QUARTERLY_IN_ARREARS
    for message in payment_problems(
        amount,
        quarter=quarter,
        allocated=allocated,
        paid_before=paid_before,
        approved_claims_to_quarter=queries.approved_claims_to(
            recipient, stream, year.label, quarter, allocated
        ),
        in_arrears=in_arrears,
    ):
        problems.add(message, column="amount")
    if problems:
        raise DomainError("The payment was not recorded", problems)
    payment = GrantPayment(
        recipient=recipient,
        grant_stream=stream,
        financial_year=year.label,
        quarter=quarter,
        paid_on=fields.paid_on,
        amount=amount,
        payment_reference=reference,
        notes=clean_text(fields.notes),
        recorded_by=user,
    )
    db.session.add(payment)
    set_reason(db.session, f"payment {reference}")
    try:
        db.session.commit()
    except IntegrityError:
        # The same quarter or reference recorded by someone else between our checks and now (a
        # reference is checked before the lock, and is unique across recipients): the unique
        # constraints refused ours. Say which, from what the database holds now.
        db.session.rollback()
        refused = Problems()
        _check_reference_unused(reference, refused)
        _check_quarter_unpaid(recipient, stream, year.label, quarter, refused)
        if not refused:
            refused.add(
                "someone else recorded this payment at the same time; reload the page",
                column="quarter",
            )
        raise DomainError("The payment was not recorded", refused) from None
    return payment


def _check_reference_unused(reference: str, problems: Problems) -> None:
    taken = select(GrantPayment.id).where(GrantPayment.payment_reference == reference)
    if db.session.scalar(taken) is not None:
        problems.add(
            f"the payment reference {reference} is already recorded", column="payment_reference"
        )


def _check_quarter_unpaid(
    recipient: Organisation, stream: GrantStream, year: str, quarter: int, problems: Problems
) -> None:
    paid = select(GrantPayment.id).where(
        GrantPayment.recipient_id == recipient.id,
        GrantPayment.grant_stream_id == stream.id,
        GrantPayment.financial_year == year,
        GrantPayment.quarter == quarter,
    )
    if db.session.scalar(paid) is not None:
        problems.add(
            f"{recipient.name}'s {stream.code} Q{quarter} payment is already recorded",
            column="quarter",
        )


def _quarter(value: str | int | None, problems: Problems) -> int | None:
    try:
        quarter = int(str(value).strip().upper().removeprefix("Q"))
    except (TypeError, ValueError):
        quarter = 0
    if quarter not in QUARTERS:
        problems.add("choose the quarter the payment is for", column="quarter")
        return None
    return quarter


def _allocated(recipient: Organisation, stream: GrantStream, year: str) -> Decimal:
    return sum(
        db.session.scalars(
            select(Allocation.amount).where(
                Allocation.recipient_id == recipient.id,
                Allocation.grant_stream_id == stream.id,
                Allocation.financial_year == year,
                Allocation.status == AllocationStatus.ACTIVE,
            )
        ),
        ZERO,
    )


def _lock_allocations(recipient: Organisation, stream: GrantStream, year: str) -> None:
    """Hold the recipient's allocation rows until commit, so two payments for the same grant
    are checked one after the other (PostgreSQL; SQLite writes one at a time anyway)."""
    db.session.execute(
        select(Allocation.id)
        .where(
            Allocation.recipient_id == recipient.id,
            Allocation.grant_stream_id == stream.id,
            Allocation.financial_year == year,
        )
        .with_for_update()
    )
