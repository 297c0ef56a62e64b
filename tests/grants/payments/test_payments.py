"""Payments against the agreement's schedule, and where every pound stands, on the demo: its
2024-25 Q1 returns are approved and Q2 submitted, and only the VRU claims for Q1 are paid, so
each recipient's SVD Q1 claim may be paid and Q2 not yet."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.payments import queries, services
from grants.payments.models import GrantPayment
from reference.queries import get_organisation_by_code
from tests.builders import make_user

YEAR = "2024-25"


def fields(**overrides) -> services.PaymentFields:
    values = {
        "recipient_code": "bristol",
        "stream_code": "SVD",
        "financial_year": YEAR,
        "quarter": "1",
        "paid_on": date(2024, 8, 15),
        "amount": None,
        "payment_reference": "BACS-0001",
    }
    values.update(overrides)
    return services.PaymentFields(**values)


def position_of(code: str, stream: str = "SVD"):
    report = queries.position_report(YEAR)
    return next(r for r in report.rows if (r.recipient, r.stream) == (code, stream))


def test_a_quarters_approved_claim_can_be_paid_and_shows_in_the_position(demo):
    finance = make_user(role=Role.FINANCE)
    before = position_of("bristol")

    payment = services.record_payment(fields(amount=str(before.claimed)), user=finance)

    after = position_of("bristol")
    assert (after.paid, after.claimed_unpaid) == (before.claimed, Decimal("0.00"))
    assert after.remaining == after.allocated - before.claimed
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.table_name == "grant_payments", AuditEvent.record_id == str(payment.id)
        )
    )
    assert event.reason == "payment BACS-0001"


def test_paid_in_arrears_a_payment_never_exceeds_the_approved_claims(demo):
    claimed = position_of("bristol").claimed
    payments_before = db.session.scalar(select(func.count(GrantPayment.id)))

    with pytest.raises(DomainError) as refused:
        services.record_payment(fields(amount=str(claimed + Decimal("0.01"))), user=None)

    (problem,) = refused.value.problems
    assert problem.column == "amount"
    assert "more than the approved claims to the end of Q1" in problem.message
    assert db.session.scalar(select(func.count(GrantPayment.id))) == payments_before


def test_a_submitted_but_unapproved_quarter_cannot_be_paid(demo):
    claimed_q1 = position_of("bristol").claimed
    services.record_payment(fields(amount=str(claimed_q1)), user=None)

    with pytest.raises(DomainError, match="not recorded") as refused:
        services.record_payment(
            fields(
                quarter="2",
                paid_on=date(2024, 10, 15),
                amount="1.00",
                payment_reference="BACS-0002",
            ),
            user=None,
        )

    assert "approved claims to the end of Q2" in refused.value.problems[0].message


def test_a_quarter_is_paid_once_and_a_reference_used_once(demo):
    services.record_payment(fields(amount="100.00"), user=None)

    with pytest.raises(DomainError) as twice:
        services.record_payment(fields(amount="100.00"), user=None)

    assert {p.column for p in twice.value.problems} == {"quarter", "payment_reference"}


def test_every_problem_is_listed_at_once(demo):
    with pytest.raises(DomainError) as refused:
        services.record_payment(
            fields(
                recipient_code="",
                stream_code="XX",
                quarter="5",
                paid_on=None,
                amount="12.345",
                payment_reference="",
            ),
            user=None,
        )

    assert {p.column for p in refused.value.problems} == {
        "recipient",
        "grant",
        "quarter",
        "paid_on",
        "amount",
        "payment_reference",
    }


def test_the_position_totals_reconcile_to_the_penny(demo):
    paid_before = queries.position_report(YEAR).overall.paid
    services.record_payment(fields(amount="5000.00"), user=None)
    services.record_payment(
        fields(recipient_code="somerset", amount="1234.56", payment_reference="BACS-0002"),
        user=None,
    )

    report = queries.position_report(YEAR)

    for total in report.by_stream:
        rows = [r for r in report.rows if r.stream == total.stream]
        for name in ("allocated", "claimed", "paid", "spent", "remaining"):
            assert getattr(total, name) == sum((getattr(r, name) for r in rows), Decimal("0"))
    assert report.overall.paid - paid_before == Decimal("6234.56")
    assert report.overall.remaining == report.overall.allocated - report.overall.paid
    assert sum((t.paid for t in report.by_stream), Decimal("0")) == report.overall.paid


def test_the_position_command_and_its_json_agree_with_the_page(demo, runner):
    services.record_payment(fields(amount="5000.00"), user=None)

    table = runner.invoke(args=["grants", "position", "--year", YEAR])
    as_json = runner.invoke(args=["grants", "position", "--year", YEAR, "--format", "json"])

    assert table.exit_code == 0, table.output
    assert "Bristol" in table.output and "£5,000.00" in table.output
    document = json.loads(as_json.output)
    bristol = next(
        r for r in document["rows"] if (r["recipient_code"], r["grant"]) == ("bristol", "SVD")
    )
    assert bristol["paid"] == "5000.00"
    assert Decimal(document["overall"]["paid"]) == sum(Decimal(r["paid"]) for r in document["rows"])


def test_the_page_and_the_spreadsheet_show_names_and_totals(demo, client, sign_in):
    services.record_payment(fields(amount="5000.00"), user=None)
    sign_in(make_user(role=Role.FINANCE))

    page = client.get(f"/payments?year={YEAR}").get_data(as_text=True)
    download = client.get(f"/payments/position-{YEAR}.xlsx")

    assert "Bath &amp; North East Somerset" in page and "Total paid" in page
    assert "BACS-0001" in page
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Recipient", "Grant", "Allocated", "Claimed", "Paid", "Spent", "Left to pay")
    assert ("Bristol", "Serious Violence Duty grant") in [r[:2] for r in rows]
    bristol = next(r for r in rows if r[:2] == ("Bristol", "Serious Violence Duty grant"))
    assert bristol[4] == 5000
    assert rows[-1][0] == "Total" and rows[-1][4] == sum(
        r[4] for r in rows[1:] if not str(r[0]).startswith("Total")
    )


def test_a_spoke_lead_sees_only_their_own_position_and_cannot_record(demo, client, sign_in):
    sign_in(make_user(role=Role.SPOKE, spoke=get_organisation_by_code("bristol")))

    page = client.get(f"/payments?year={YEAR}").get_data(as_text=True)
    table = page[page.index('data-testid="position"') :]

    assert "Bristol" in table and "North Somerset" not in table
    assert client.get("/payments/new").status_code == 403
    assert client.post("/payments/new", data={}).status_code == 403


def test_finance_records_a_payment_on_the_page(demo, client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/payments/new?year={YEAR}",
        data={
            "recipient": "bristol",
            "grant": "SVD",
            "quarter": "1",
            "paid_on": ["15", "8", "2024"],
            "amount": "2500.00",
            "payment_reference": "BACS-0009",
        },
    )
    refused = client.post(
        f"/payments/new?year={YEAR}",
        data={
            "recipient": "bristol",
            "grant": "SVD",
            "quarter": "1",
            "paid_on": ["15", "8", "2024"],
            "amount": "2500.00",
            "payment_reference": "BACS-0010",
        },
    )

    assert response.status_code == 302
    assert refused.status_code == 400
    assert "Q1 payment is already recorded" in refused.get_data(as_text=True)
