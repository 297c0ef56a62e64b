"""What needs my action: each item appears and disappears as the records change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from auth.roles import Role
from extensions import db
from grants.payments import services as payments
from grants.returns import services as returns
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import ReviewStatus
from home.actions import Actions, actions_for
from reference.queries import get_organisation_by_code
from tests.builders import make_user

TODAY = date(2025, 1, 20)  # in the demo's current year, eleven days before Q3's returns are due


def item(actions, starts: str):
    found = [a for a in actions if a.text.startswith(starts)]
    return found[0] if found else None


def test_returns_to_review_come_and_go_as_finance_approves_them(demo, in_request):
    finance = make_user(role=Role.FINANCE)
    submitted = db.session.scalars(
        select(QuarterlyReturn).where(QuarterlyReturn.status == ReviewStatus.SUBMITTED)
    ).all()

    before = item(actions_for(finance, TODAY), "returns to review")
    returns.approve_return(submitted[0].id, lock_version=submitted[0].lock_version, user=finance)
    after = item(actions_for(finance, TODAY), "returns to review")

    assert before.count == len(submitted) and after.count == len(submitted) - 1
    assert before.href == "/returns?year=2024-25"


def test_claims_to_pay_disappear_once_paid(demo, in_request):
    finance = make_user(role=Role.FINANCE)
    before = item(actions_for(finance, TODAY), "claims to pay for 2024-25")
    bristol_svd = next(d for d in before.details if d.startswith("Bristol Serious"))
    amount = bristol_svd.rsplit("£", 1)[1].replace(",", "")

    payments.record_payment(
        payments.PaymentFields(
            recipient_code="bristol",
            stream_code="SVD",
            financial_year="2024-25",
            quarter=1,
            paid_on=TODAY,
            amount=amount,
            payment_reference="TEST-1",
        ),
        user=finance,
    )

    after = item(actions_for(finance, TODAY), "claims to pay for 2024-25")
    assert after.count == before.count - 1
    assert not any(d.startswith("Bristol Serious") for d in after.details)


def test_a_spoke_lead_sees_returns_due_within_fourteen_days_then_overdue(demo, in_request):
    lead = make_user(role=Role.SPOKE, spoke=get_organisation_by_code("bristol"))

    early = item(actions_for(lead, date(2025, 1, 10)), "returns due")
    soon = item(actions_for(lead, TODAY), "returns due")
    late = item(actions_for(lead, date(2025, 2, 1)), "returns due")

    assert early is None  # 21 days before: not yet
    assert soon.count == 2 and not soon.urgent
    assert "Bristol Violence Reduction Unit grant 2024-25 Q3: due 31 January 2025" in soon.details
    assert late.urgent and all("(overdue)" in d for d in late.details)


def test_a_return_sent_back_is_on_the_spoke_leads_list_until_resubmitted(demo, in_request):
    finance = make_user(role=Role.FINANCE)
    lead = make_user(role=Role.SPOKE, spoke=get_organisation_by_code("bristol"))
    ret = db.session.scalar(
        select(QuarterlyReturn).where(
            QuarterlyReturn.status == ReviewStatus.SUBMITTED,
            QuarterlyReturn.recipient.has(code="bristol"),
        )
    )

    assert item(actions_for(lead, TODAY), "returns sent back") is None
    returns.send_back_return(
        ret.id, comment="Line INT-01 needs a reason", lock_version=ret.lock_version, user=finance
    )

    sent_back = item(actions_for(lead, TODAY), "return sent back")
    assert sent_back.count == 1 and sent_back.urgent
    assert sent_back.text == "return sent back to you"  # one return, in the singular
    somerset = make_user(role=Role.SPOKE, spoke=get_organisation_by_code("somerset"))
    assert [a for a in actions_for(somerset, TODAY) if "sent back" in a.text] == []  # not theirs


def test_an_auditor_sees_recent_changes_to_approved_records(demo, in_request):
    finance = make_user(role=Role.FINANCE)
    auditor = make_user(role=Role.AUDITOR)
    approved = db.session.scalar(
        select(QuarterlyReturn).where(
            QuarterlyReturn.status == ReviewStatus.APPROVED,
            QuarterlyReturn.financial_year == "2024-25",
        )
    )

    # The demo itself superseded an approved formula run when the grant was confirmed.
    before = item(actions_for(auditor), "change")  # "1 change to an approved record" or more
    returns.reopen_return(
        approved.id, reason="Duplicated invoice", lock_version=approved.lock_version, user=finance
    )

    change = item(actions_for(auditor), "changes to approved records")
    assert change.count == before.count + 1
    assert before.text == (
        "change to an approved record in the last 30 days"
        if before.count == 1
        else "changes to approved records in the last 30 days"
    )
    assert "Duplicated invoice" in change.details[0]  # newest first


def test_the_home_page_shows_the_list_with_links(demo, client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    html = client.get("/").get_data(as_text=True)

    assert "Needs your action" in html
    assert "returns to review</a>" in html


def test_one_of_a_thing_is_said_in_the_singular():
    actions = Actions()
    actions.add("returns to review", 1, "/returns", one="return to review")
    actions.add("claims to pay", 2, "/payments", one="claim to pay")
    actions.add("grants to close", 0, "/close", one="grant to close")

    assert [(a.count, a.text) for a in actions.items] == [
        (1, "return to review"),
        (2, "claims to pay"),
    ]


def test_the_home_dashboard_totals_every_money_column(demo, client, sign_in):
    from decimal import Decimal

    from tests.allocations.helpers import table_rows

    sign_in(make_user(role=Role.FINANCE))

    rows = table_rows(client.get("/").get_data(as_text=True), "dashboard-position")

    def pounds(text):
        sign = -1 if text.startswith("-") else 1
        amount = text.split()[0]  # a link's hidden words follow the amount
        return sign * Decimal(amount.lstrip("-").lstrip("£").replace(",", ""))

    body, total = rows[1:-1], rows[-1]
    assert total[0] == "Total" and len(body) >= 10
    for column in (2, 3, 4):  # allocated, spent to date, forecast underspend
        assert sum(pounds(row[column]) for row in body) == pounds(total[column - 1])
