"""What finance is told when a payment's date or amount is wrong: every problem at once, each on
its field, in plain words. Paid in arrears, a payment is dated after its quarter ends, and never
after today."""

from __future__ import annotations

from datetime import date

import pytest

from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.agreements.models import GrantAgreement
from grants.payments import services
from grants.vocabulary import PaymentSchedule
from reference.queries import get_organisation_by_code
from tests.builders import make_user
from tests.grants.payments.test_payments import YEAR, fields

TODAY = date(2025, 1, 20)


def problems_of(**overrides) -> list[tuple[str | None, str]]:
    with pytest.raises(DomainError) as refused:
        services.record_payment(fields(**overrides), user=None, today=TODAY)
    return [(p.column, p.message) for p in refused.value.problems]


def test_a_payment_dated_in_the_future_is_refused(demo):
    assert problems_of(paid_on=date(2030, 10, 1), amount="1.00") == [
        ("paid_on", "the date paid cannot be in the future (today is 20 January 2025)")
    ]


def test_paid_in_arrears_a_payment_is_not_dated_before_its_quarter_ends(demo):
    # The demo's agreements pay in arrears: Q3 ends on 31 December 2024.
    assert (
        "paid_on",
        "paid in arrears, a Q3 payment cannot be dated before the quarter ends: "
        "enter a date after 31 December 2024",
    ) in problems_of(quarter="3", paid_on=date(2024, 10, 1), amount="1.00")
    after_it_ends = services.record_payment(
        fields(quarter="3", paid_on=date(2025, 1, 2), amount="1.00"), user=None, today=TODAY
    )
    assert after_it_ends.paid_on == date(2025, 1, 2)


def test_paid_in_advance_a_payment_may_be_dated_within_its_quarter(demo):
    db.session.add(
        GrantAgreement(
            recipient=get_organisation_by_code("bristol"),
            financial_year=YEAR,
            version=99,
            payment_schedule=PaymentSchedule.QUARTERLY_IN_ADVANCE,
        )
    )
    db.session.commit()

    payment = services.record_payment(
        fields(quarter="3", paid_on=date(2024, 10, 1), amount="1.00"), user=None, today=TODAY
    )

    assert payment.quarter == 3


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "enter the amount paid"),
        ("   ", "enter the amount paid"),
        (None, "enter the amount paid"),
        ("abc", "enter the amount in pounds and pence, for example 1,250.00"),
        ("12.345", "enter the amount in pounds and pence, for example 1,250.00"),
    ],
)
def test_an_amount_missing_or_not_money_says_so_plainly(demo, typed, message):
    assert ("amount", message) in problems_of(amount=typed)


def test_every_problem_shows_on_its_field_even_with_a_date_that_is_not_a_date(
    demo, client, sign_in
):
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/payments/new?year={YEAR}",
        data={
            "recipient": "bristol",
            "grant": "SVD",
            "quarter": "1",
            "paid_on": ["31", "2", "2024"],
            "amount": "abc",
            "payment_reference": "BACS-0001",
        },
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Enter date paid as a real date" in page
    assert "Enter the amount in pounds and pence, for example 1,250.00" in page
    assert "None is not an amount" not in page and "Enter the date it was paid" not in page


def test_an_empty_amount_and_a_future_date_both_show(demo, client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/payments/new?year={YEAR}",
        data={
            "recipient": "bristol",
            "grant": "SVD",
            "quarter": "1",
            "paid_on": ["1", "10", "2030"],
            "amount": "",
            "payment_reference": "BACS-0001",
        },
    )
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Enter the amount paid" in page
    assert "The date paid cannot be in the future" in page
