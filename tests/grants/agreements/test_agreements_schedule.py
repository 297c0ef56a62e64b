"""The agreement's payment schedule and default conditions (pure arithmetic and wording)."""

from __future__ import annotations

import doctest
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import grants.agreements.schedule
from core.financial_year import FinancialYear
from grants.agreements.schedule import (
    GrantTerms,
    build_default_conditions,
    build_payment_schedule,
)
from grants.deadlines import return_due_on
from grants.vocabulary import PaymentSchedule

YEAR = FinancialYear(2024)
VRU = GrantTerms(
    "VRU",
    "Violence Reduction Unit grant",
    Decimal("20"),
    Decimal("60"),
    Decimal("5"),
    Decimal("10"),
    Decimal("10"),
    Decimal("5000.00"),
)
SVD = GrantTerms("SVD", "Serious Violence Duty grant", Decimal("25"))


def test_docstring_examples():
    assert doctest.testmod(grants.agreements.schedule).failed == 0


def test_quarterly_in_arrears_pays_after_each_quarter_and_adds_up_exactly():
    payments = build_payment_schedule(
        YEAR,
        PaymentSchedule.QUARTERLY_IN_ARREARS,
        {"VRU": Decimal("439194.00"), "SVD": Decimal("40883.01")},
    )

    assert [
        (p.label, p.period_start, p.period_end, p.claim_due_on, p.pay_on) for p in payments
    ] == [
        ("Q1 (Apr-Jun)", date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 31), date(2024, 8, 31)),
        (
            "Q2 (Jul-Sep)",
            date(2024, 7, 1),
            date(2024, 9, 30),
            date(2024, 10, 31),
            date(2024, 11, 30),
        ),
        (
            "Q3 (Oct-Dec)",
            date(2024, 10, 1),
            date(2024, 12, 31),
            date(2025, 1, 31),
            date(2025, 2, 28),
        ),
        ("Q4 (Jan-Mar)", date(2025, 1, 1), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31)),
    ]
    assert [p.amounts["VRU"] for p in payments] == [Decimal("109798.50")] * 4
    assert [p.amounts["SVD"] for p in payments] == [
        Decimal("10220.76"),
        Decimal("10220.75"),
        Decimal("10220.75"),
        Decimal("10220.75"),
    ]
    assert sum(p.total for p in payments) == Decimal("480077.01")


def test_a_leap_year_february_is_a_payment_date():
    assert build_payment_schedule(
        FinancialYear(2023), PaymentSchedule.QUARTERLY_IN_ARREARS, {"VRU": Decimal("4.00")}
    )[2].pay_on == date(2024, 2, 29)


@settings(max_examples=60, deadline=None)
@given(
    pennies=st.integers(min_value=0, max_value=10**11),
    schedule=st.sampled_from(list(PaymentSchedule)),
)
def test_payments_always_add_up_to_the_allocation(pennies, schedule):
    amount = Decimal(pennies) / 100
    payments = build_payment_schedule(YEAR, schedule, {"VRU": amount})

    assert sum((p.amounts["VRU"] for p in payments), Decimal(0)) == amount
    assert max(p.amounts["VRU"] for p in payments) - min(
        p.amounts["VRU"] for p in payments
    ) <= Decimal("0.01")


def test_quarterly_returns_are_due_a_month_after_each_quarter():
    assert [return_due_on(YEAR, q) for q in (1, 2, 3, 4)] == [
        date(2024, 7, 31),
        date(2024, 10, 31),
        date(2025, 1, 31),
        date(2025, 4, 30),
    ]


def test_default_conditions_come_from_the_awards():
    text = build_default_conditions(YEAR, [VRU, SVD], PaymentSchedule.QUARTERLY_IN_ARREARS)

    paragraphs = text.split("\n\n")
    assert [p.split(".")[0] for p in paragraphs] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert "between 1 April 2024 and 31 March 2025" in paragraphs[1]
    assert paragraphs[2] == (
        "3. Violence Reduction Unit grant (VRU): match funding (cash or in kind) of at least 20% "
        "of grant spend; at least 60% of the grant spent on interventions; at least 5% of "
        "intervention spend on evaluating them; no more than 10% on management and "
        "administration; variances from profile above 10% or £5,000.00 explained."
    )
    assert paragraphs[3] == (
        "4. Serious Violence Duty grant (SVD): match funding (cash or in kind) of at least 25% of "
        "grant spend; spend reported as labour and non-labour costs."
    )
    assert (
        "Q1 by 31 July 2024; Q2 by 31 October 2024; Q3 by 31 January 2025; Q4 by 30 April 2025"
    ) in paragraphs[4]
    assert "quarterly in arrears" in paragraphs[5]
    assert "cannot be carried into 2025-26" in paragraphs[6]


def test_each_payment_schedule_has_its_own_wording():
    texts = {
        schedule: build_default_conditions(YEAR, [VRU], schedule) for schedule in PaymentSchedule
    }

    assert "paid quarterly in advance" in texts[PaymentSchedule.QUARTERLY_IN_ADVANCE]
    assert "paid in one sum in advance" in texts[PaymentSchedule.ANNUAL_IN_ADVANCE]
