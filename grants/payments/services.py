"""Recording a payment (finance), and reversing one recorded by mistake.

Rules, decided here (the arithmetic is ``grants.payments.position``): one live payment per
recipient, grant, year and quarter; never more in all than the allocation; paid in arrears, never
more in all than the approved claims to the end of the quarter, and never dated before that
quarter ends; never dated after today (the caller's today); a payment reference used by one live
payment. The recipient's allocation rows are locked while a payment is checked (and the
database's partial unique indexes refuse a second live payment for a quarter, or a reference
used twice, outright; the one refused is told which), so a payment is never recorded twice.

A payment is never edited or deleted. One recorded by mistake is reversed, with a reason: the row
stays (shown as reversed, with who, when and why), it no longer counts as paid anywhere, and its
quarter and reference are free again. Every payment and reversal is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from allocations.models import Allocation, AllocationStatus
from audit.listeners import set_reason
from auth.models import User
from core.financial_year import QUARTERS, FinancialYear
from core.money import ZERO, MoneyError, to_money
from core.problems import DomainError, Problem, Problems
from database import utcnow
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


def record_payment(
    fields: PaymentFields, *, user: User | None, today: date | None = None
) -> GrantPayment:
    """Record a payment, or raise ``DomainError`` with every problem, each on its field.
    ``today`` is the caller's today (the system's date when not given)."""
    today = today or date.today()
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
    amount = _amount(fields.amount, problems)
    reference = clean_text(fields.payment_reference)
    if not reference:
        problems.add("enter the payment reference", column="payment_reference")
    elif len(reference) > 100:
        problems.add(
            "the payment reference must be 100 characters or fewer", column="payment_reference"
        )
    else:
        _check_reference_unused(reference, problems)
    in_arrears = (
        recipient is not None
        and year is not None
        and queries.schedule_for(recipient, year.label) is PaymentSchedule.QUARTERLY_IN_ARREARS
    )
    _check_paid_on(fields.paid_on, today, year, quarter, in_arrears=in_arrears, problems=problems)
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
                GrantPayment.reversed_at.is_(None),
            )
        ),
        ZERO,
    )
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
        # indexes refused ours. Say which, from what the database holds now.
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


def reverse_payment(
    payment_id: int, reason: str | None, *, user: User | None, now: datetime | None = None
) -> GrantPayment:
    """Reverse a payment recorded by mistake: kept, marked reversed (who, when, why), no longer
    counted as paid; its quarter may then be paid again and its reference used again."""
    payment = db.session.scalar(
        select(GrantPayment).where(GrantPayment.id == payment_id).with_for_update()
    )
    if payment is None:
        raise DomainError("The payment was not reversed", [Problem("there is no such payment")])
    problems = Problems()
    why = clean_text(reason)
    if payment.is_reversed:
        problems.add(f"payment {payment.payment_reference} is already reversed", column="reason")
    elif not why:
        problems.add("enter why the payment is being reversed", column="reason")
    elif len(why) > 2000:
        problems.add("the reason must be 2,000 characters or fewer", column="reason")
    if problems:
        raise DomainError("The payment was not reversed", problems)
    payment.reversed_at = now or utcnow()
    payment.reversed_by = user
    payment.reversal_reason = why
    set_reason(db.session, f"reversed payment {payment.payment_reference}: {why}")
    db.session.commit()
    return payment


def _amount(value: str | Decimal | None, problems: Problems) -> Decimal | None:
    """The amount typed, or ``None`` with a problem in plain words on ``amount``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.add("enter the amount paid", column="amount")
        return None
    try:
        return to_money(value)
    except MoneyError:
        problems.add("enter the amount in pounds and pence, for example 1,250.00", column="amount")
        return None


def _check_paid_on(
    paid_on: date | None,
    today: date,
    year: FinancialYear | None,
    quarter: int | None,
    *,
    in_arrears: bool,
    problems: Problems,
) -> None:
    if paid_on is None:
        problems.add("enter the date it was paid", column="paid_on")
        return
    if paid_on > today:
        problems.add(
            f"the date paid cannot be in the future (today is {_day_of(today)})",
            column="paid_on",
        )
    elif in_arrears and year is not None and quarter is not None:
        quarter_ends = year.quarter_dates(quarter)[1]
        if paid_on <= quarter_ends:
            problems.add(
                f"paid in arrears, a Q{quarter} payment cannot be dated before the quarter "
                f"ends: enter a date after {_day_of(quarter_ends)}",
                column="paid_on",
            )


def _day_of(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check_reference_unused(reference: str, problems: Problems) -> None:
    taken = select(GrantPayment.id).where(
        GrantPayment.payment_reference == reference, GrantPayment.reversed_at.is_(None)
    )
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
        GrantPayment.reversed_at.is_(None),
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
