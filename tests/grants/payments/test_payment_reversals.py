"""A payment recorded by mistake is reversed, not deleted: kept and shown as reversed with who,
when and why, no longer counted as paid anywhere, and its quarter (and reference) free again.
On the demo: Bristol's 2024-25 SVD Q1 claim is approved and unpaid."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from audit.models import AuditAction, AuditEvent
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.payments import queries, services
from grants.payments.models import GrantPayment
from tests.builders import make_user
from tests.grants.payments.test_payments import YEAR, fields, position_of


def mistaken_payment(user=None) -> GrantPayment:
    return services.record_payment(
        fields(amount="100.00", payment_reference="REF-G"), user=user, today=date(2025, 1, 20)
    )


def test_a_mistaken_payment_blocks_the_real_one_until_it_is_reversed(demo):
    finance = make_user(role=Role.FINANCE, name="Fay Finance")
    claimed = position_of("bristol").claimed
    mistake = mistaken_payment(finance)
    real = fields(amount=str(claimed), payment_reference="BACS-REAL")

    with pytest.raises(DomainError) as blocked:
        services.record_payment(real, user=finance)
    assert ("quarter", "Bristol's SVD Q1 payment is already recorded") in [
        (p.column, p.message) for p in blocked.value.problems
    ]

    services.reverse_payment(mistake.id, "  Typed £100.00 for £100,927.52  ", user=finance)
    payment = services.record_payment(real, user=finance)

    kept = db.session.get(GrantPayment, mistake.id)
    assert kept.is_reversed and kept.reversed_by == finance
    assert kept.reversal_reason == "Typed £100.00 for £100,927.52"
    assert kept.amount == Decimal("100.00")  # the row is kept as it was
    assert position_of("bristol").paid == payment.amount == claimed


def test_the_reversal_is_audited_with_its_reason(demo):
    finance = make_user(role=Role.FINANCE)
    mistake = mistaken_payment(finance)

    services.reverse_payment(mistake.id, "Wrong amount", user=finance)

    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.table_name == "grant_payments",
            AuditEvent.record_id == str(mistake.id),
            AuditEvent.action == AuditAction.UPDATE,
        )
    )
    assert event.reason == "reversed payment REF-G: Wrong amount"
    assert event.before["reversed_at"] is None and event.after["reversed_at"]
    assert event.after["reversal_reason"] == "Wrong amount"


def test_a_reversal_needs_a_reason_and_happens_once(demo):
    mistake = mistaken_payment()

    with pytest.raises(DomainError) as no_reason:
        services.reverse_payment(mistake.id, "   ", user=None)
    services.reverse_payment(mistake.id, "Wrong amount", user=None)
    with pytest.raises(DomainError) as twice:
        services.reverse_payment(mistake.id, "Again", user=None)

    assert [(p.column, p.message) for p in no_reason.value.problems] == [
        ("reason", "enter why the payment is being reversed")
    ]
    assert [(p.column, p.message) for p in twice.value.problems] == [
        ("reason", "payment REF-G is already reversed")
    ]
    assert db.session.get(GrantPayment, mistake.id).reversal_reason == "Wrong amount"


def test_a_reversed_reference_may_be_used_again(demo):
    services.reverse_payment(mistaken_payment().id, "Wrong amount", user=None)

    again = services.record_payment(fields(amount="100.00", payment_reference="REF-G"), user=None)

    assert not again.is_reversed


def test_the_database_refuses_a_second_live_payment_for_a_quarter(demo):
    mistake = mistaken_payment()

    def duplicate(reference: str) -> GrantPayment:
        return GrantPayment(
            recipient=mistake.recipient,
            grant_stream=mistake.grant_stream,
            financial_year=YEAR,
            quarter=1,
            paid_on=date(2024, 8, 15),
            amount=Decimal("1.00"),
            payment_reference=reference,
        )

    db.session.add(duplicate("OTHER-REF"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    services.reverse_payment(mistake.id, "Wrong amount", user=None)
    db.session.add(duplicate("REF-G"))
    db.session.commit()  # the reversed one no longer holds the quarter or the reference


def test_reversed_payments_count_nowhere_as_paid(demo, runner, client, sign_in):
    paid_before = queries.position_report(YEAR).overall.paid
    services.reverse_payment(mistaken_payment().id, "Wrong amount", user=None)

    report = queries.position_report(YEAR)
    as_json = json.loads(
        runner.invoke(args=["grants", "position", "--year", YEAR, "--format", "json"]).output
    )
    sign_in(make_user(role=Role.FINANCE))
    sheet = load_workbook(io.BytesIO(client.get(f"/payments/position-{YEAR}.xlsx").data)).active

    assert report.overall.paid == paid_before
    assert Decimal(as_json["overall"]["paid"]) == paid_before
    bristol = next(
        r
        for r in sheet.iter_rows(values_only=True)
        if r[:2] == ("Bristol", "Serious Violence Duty grant")
    )
    assert bristol[4] == 0


def test_finance_reverses_a_payment_on_the_page(demo, client, sign_in):
    mistake = mistaken_payment()
    sign_in(make_user(role=Role.FINANCE, name="Fay Finance"))
    url = f"/payments/{mistake.id}/reverse"

    form = client.get(url)
    refused = client.post(url, data={"reason": ""})
    done = client.post(url, data={"reason": "Typed £100.00 for £100,927.52"})
    page = client.get(f"/payments?year={YEAR}").get_data(as_text=True)

    assert form.status_code == 200 and "REF-G" in form.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Enter why the payment is being reversed" in refused.get_data(as_text=True)
    assert done.status_code == 302
    reversed_table = page[page.index('data-testid="reversed-payments"') :]
    assert "REF-G" in reversed_table and "Fay Finance" in reversed_table
    assert "Typed £100.00 for £100,927.52" in reversed_table
    live_table = page[page.index('data-testid="payments"') : page.index("Reversed payments")]
    assert "REF-G" not in live_table
    assert f"/payments/{mistake.id}/reverse" not in page  # no second reversal offered


def test_a_spoke_lead_cannot_reverse_a_payment(demo, client, sign_in):
    from reference.queries import get_organisation_by_code

    mistake = mistaken_payment()
    sign_in(make_user(role=Role.SPOKE, spoke=get_organisation_by_code("bristol")))

    assert client.post(f"/payments/{mistake.id}/reverse", data={"reason": "x"}).status_code == 403
    assert not db.session.get(GrantPayment, mistake.id).is_reversed


def test_the_command_line_reverses_a_payment_as_someone(demo, runner):
    finance = make_user(role=Role.FINANCE, email="fay@example.org")
    hub = make_user(role=Role.HUB, email="hub@example.org")
    mistake = mistaken_payment()
    args = ["payments", "reverse", str(mistake.id), "--reason", "Wrong amount"]

    nobody = runner.invoke(args=args)
    not_allowed = runner.invoke(args=[*args, "--as", hub.email])
    listed = runner.invoke(args=["payments", "list", "--year", YEAR])
    done = runner.invoke(args=[*args, "--as", finance.email])
    again = runner.invoke(args=[*args, "--as", finance.email])

    assert nobody.exit_code != 0 and "--as" in nobody.output
    assert not_allowed.exit_code == 1
    assert f"{mistake.id}" in listed.output and "REF-G" in listed.output
    assert done.exit_code == 0, done.output
    assert "Reversed payment REF-G" in done.output
    assert again.exit_code == 1 and "already reversed" in again.output
    assert db.session.get(GrantPayment, mistake.id).reversed_by.email == finance.email
