"""Two finance officers recording payments at the same moment, in two real PostgreSQL
transactions: each checks what has been paid, then inserts. Never two payments for a quarter or
under one reference, never more in all than the approved claims or the allocation; the one
refused is told why, and what was paid still reconciles.

Both attempts meet just before the service locks the recipient's allocation rows, having made
every check they can without it (the reference is free, the figures are read), so both are
inside their transactions and about to check and insert together."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from audit.models import AuditAction, AuditEvent
from auth.models import User
from auth.roles import Role
from core.problems import DomainError, Problem
from extensions import db
from grants.agreements.models import GrantAgreement
from grants.payments import queries, services
from grants.payments.models import GrantPayment
from grants.vocabulary import PaymentSchedule, ReviewStatus
from tests.builders import make_user
from tests.concurrency.race import Race, one_winner
from tests.grants.returns.builders import YEAR, make_setup, make_year_of_returns

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def finance(app) -> tuple[int, int]:
    return make_user(role=Role.FINANCE).id, make_user(role=Role.FINANCE).id


@pytest.fixture
def meet_at_the_lock(race: Race, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        services, "_lock_allocations", race.meeting_before(services._lock_allocations)
    )


def paying(user_id: int, *, recipient: str = "bristol", quarter: int, amount: str, reference: str):
    def attempt() -> str:
        services.record_payment(
            services.PaymentFields(
                recipient_code=recipient,
                stream_code="VRU",
                financial_year=YEAR,
                quarter=quarter,
                paid_on=date(2024, 10, 15),  # after Q1 and Q2 end: paid in arrears
                amount=amount,
                payment_reference=reference,
            ),
            user=db.session.get(User, user_id),
        )
        return reference

    return attempt


def stored_payments() -> list[GrantPayment]:
    return list(db.session.scalars(select(GrantPayment).order_by(GrantPayment.id)))


def refusal(error: BaseException | None) -> list[Problem]:
    assert isinstance(error, DomainError), repr(error)
    assert error.message == "The payment was not recorded"
    return list(error.problems)


def assert_reconciles(recipient: str = "bristol") -> None:
    """The position shows what the payments table holds, within the claims and the allocation."""
    row = next(r for r in queries.position_report(YEAR).rows if r.recipient == recipient)
    paid = sum(
        (p.amount for p in stored_payments() if p.recipient.code == recipient), Decimal("0.00")
    )
    assert row.paid == paid
    assert row.paid <= row.allocated and row.remaining == row.allocated - paid


def created_payments(race: Race) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.table_name == "grant_payments", AuditEvent.action == AuditAction.CREATE
            )
        )
    )


@pytest.mark.usefixtures("meet_at_the_lock")
def test_the_same_quarter_paid_twice_at_once_is_recorded_once(race, finance):
    make_year_of_returns(make_setup(), quarters=(1,))  # Q1's £3,000.00 claim approved
    first, second = finance

    winner, loser = one_winner(
        race.run(
            paying(first, quarter=1, amount="3000.00", reference="BACS-0001"),
            paying(second, quarter=1, amount="3000.00", reference="BACS-0002"),
        )
    )

    assert ("quarter", "Bristol's VRU Q1 payment is already recorded") in [
        (p.column, p.message) for p in refusal(loser.error)
    ]
    (payment,) = stored_payments()
    assert (payment.payment_reference, payment.quarter, payment.amount) == (
        winner.value,
        1,
        Decimal("3000.00"),
    )
    assert [e.after["payment_reference"] for e in created_payments(race)] == [winner.value]
    assert_reconciles()


@pytest.mark.usefixtures("meet_at_the_lock")
def test_one_reference_used_for_two_recipients_at_once_is_recorded_once(race, finance):
    for spoke in ("bristol", "banes"):
        make_year_of_returns(make_setup(spoke), quarters=(1,))
    first, second = finance

    outcomes = race.run(
        paying(first, recipient="bristol", quarter=1, amount="3000.00", reference="BACS-0001"),
        paying(second, recipient="banes", quarter=1, amount="3000.00", reference="BACS-0001"),
    )

    _, loser = one_winner(outcomes)
    assert [(p.column, p.message) for p in refusal(loser.error)] == [
        ("payment_reference", "the payment reference BACS-0001 is already recorded")
    ]
    (payment,) = stored_payments()
    assert payment.payment_reference == "BACS-0001"
    assert len(created_payments(race)) == 1
    assert_reconciles("bristol")
    assert_reconciles("banes")


@pytest.mark.usefixtures("meet_at_the_lock")
def test_two_quarters_paid_at_once_never_pass_the_approved_claims(race, finance):
    # Paid in arrears: approved claims of £3,000.00 to Q1 and £6,000.00 to Q2. Either payment
    # alone may be made; both would pay £7,000.00.
    make_year_of_returns(make_setup(), quarters=(1, 2))
    first, second = finance

    winner, loser = one_winner(
        race.run(
            paying(first, quarter=1, amount="3000.00", reference="BACS-Q1"),
            paying(second, quarter=2, amount="4000.00", reference="BACS-Q2"),
        )
    )

    (problem,) = refusal(loser.error)
    assert problem.column == "amount"
    assert "it would take payments to £7,000.00, more than the approved claims" in problem.message
    assert [p.payment_reference for p in stored_payments()] == [winner.value]
    assert len(created_payments(race)) == 1
    assert_reconciles()


@pytest.mark.usefixtures("meet_at_the_lock")
def test_two_quarters_paid_at_once_never_pass_the_allocation(race, finance):
    setup = make_setup(allocation="12000.00")
    db.session.add(
        GrantAgreement(
            recipient=setup.recipient,
            financial_year=YEAR,
            payment_schedule=PaymentSchedule.QUARTERLY_IN_ADVANCE,
        )
    )
    db.session.commit()
    first, second = finance

    winner, loser = one_winner(
        race.run(
            paying(first, quarter=1, amount="7000.00", reference="BACS-Q1"),
            paying(second, quarter=2, amount="6000.00", reference="BACS-Q2"),
        )
    )

    (problem,) = refusal(loser.error)
    assert problem.column == "amount"
    assert "it would take payments to £13,000.00, more than the allocation (£12,000.00)" in (
        problem.message
    )
    assert [p.payment_reference for p in stored_payments()] == [winner.value]
    assert_reconciles()


def test_the_returns_builders_approve_what_the_payments_check(app):
    """The set-up the races above rely on: Q1 and Q2 approved, £3,000.00 each."""
    setup = make_setup()
    returns = make_year_of_returns(setup, quarters=(1, 2))
    assert {r.status for r in returns} == {ReviewStatus.APPROVED}
    assert queries.approved_claims_to(
        setup.recipient, setup.stream, YEAR, 2, Decimal("12000.00")
    ) == Decimal("6000.00")
