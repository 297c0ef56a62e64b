"""Allocation variations: after a formula run is approved, allocations change only through a
recorded variation (money moved between recipients, or one allocation adjusted), with its reason,
decision reference, who and when, in one audited transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from audit.models import AuditAction, AuditEvent
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.awards.models import AllocationVariation
from grants.awards.variations import record_adjustment, record_reallocation
from grants.vocabulary import VariationKind
from tests.allocations.helpers import error_summary, table_rows
from tests.builders import make_spokes, make_user
from tests.grants.awards.builders import (
    YEAR,
    allocation_amounts,
    make_allocations,
    make_award,
    make_year,
    stored_counts,
)


def reallocate(**overrides):  # type: ignore[no-untyped-def]
    arguments = {
        "financial_year": YEAR,
        "stream_code": "VRU",
        "from_code": "hub",
        "to_code": "bristol",
        "amount": "1530.04",
        "reason": "Hub underspend: delay recruiting new posts",
        "decision_reference": "PCC-DN-2024-077",
        "user": None,
    }
    arguments.update(overrides)
    return record_reallocation(**arguments)


def problems_of(error: pytest.ExceptionInfo[DomainError]) -> dict[str | None, str]:
    return {p.column: p.message for p in error.value.problems}


# --- services: worked examples ------------------------------------------------------------------


def test_a_reallocation_moves_the_exact_amount_and_keeps_the_total(app):
    make_year()
    before, svd_before = allocation_amounts(), allocation_amounts("SVD")
    finance = make_user(role=Role.FINANCE)

    variation = reallocate(user=finance, quarter=3)

    after = allocation_amounts()
    assert after["hub"] == Decimal("304203.36")  # 305,733.40 - 1,530.04
    assert after["bristol"] == Decimal("401530.04")  # 400,000.00 + 1,530.04
    assert {c: a for c, a in after.items() if c not in ("hub", "bristol")} == {
        c: a for c, a in before.items() if c not in ("hub", "bristol")
    }
    assert sum(after.values()) == sum(before.values()) == Decimal("1528667.00")
    assert allocation_amounts("SVD") == svd_before  # the other grant untouched
    assert (variation.kind, variation.amount, variation.quarter) == (
        VariationKind.REALLOCATION,
        Decimal("1530.04"),
        3,
    )
    assert (variation.from_allocation.recipient.code, variation.to_allocation.recipient.code) == (
        "hub",
        "bristol",
    )
    assert (variation.created_by, variation.decision_reference) == (finance, "PCC-DN-2024-077")
    assert variation.created_at is not None


def test_a_reallocation_is_audited_with_its_reason(app):
    make_year()

    variation = reallocate()

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.reason.like("reallocation%")).order_by(AuditEvent.id)
    ).all()
    assert sorted((e.table_name, e.action.value) for e in events) == [
        ("allocation_variations", "create"),
        ("allocations", "update"),
        ("allocations", "update"),
    ]
    assert {e.reason for e in events} == {
        "reallocation of £1,530.04 from hub to bristol (decision PCC-DN-2024-077): "
        "Hub underspend: delay recruiting new posts"
    }
    assert {
        (e.before["amount"], e.after["amount"]) for e in events if e.table_name == "allocations"
    } == {("305733.40", "304203.36"), ("400000.00", "401530.04")}
    created = next(e for e in events if e.table_name == "allocation_variations")
    assert created.record_id == str(variation.id)
    assert created.after["amount"] == "1530.04"


def test_moving_the_whole_allocation_leaves_nothing(app):
    make_year()

    reallocate(from_code="banes", to_code="somerset", amount="150000.00")

    after = allocation_amounts()
    assert (after["banes"], after["somerset"]) == (Decimal("0.00"), Decimal("470000.00"))
    assert sum(after.values()) == Decimal("1528667.00")


def test_more_than_the_source_allocation_is_refused(app):
    make_year()
    before = stored_counts()

    with pytest.raises(DomainError) as error:
        reallocate(from_code="banes", amount="150000.01")

    assert problems_of(error)["amount"] == (
        "Bath & North East Somerset has £150,000.00 of VRU in 2024-25; the amount to move "
        "cannot be more than that"
    )
    assert stored_counts() == before
    assert allocation_amounts()["banes"] == Decimal("150000.00")


def test_more_than_two_decimals_is_refused_not_rounded(app):
    make_year()
    before = stored_counts()

    with pytest.raises(DomainError) as error:
        reallocate(amount="10.005")

    assert problems_of(error)["amount"] == "the amount: '10.005' has more than two decimal places"
    assert stored_counts() == before


def test_a_closed_award_refuses_variations(app):
    make_award(confirmed="1528667.00", closed=True)
    make_allocations()
    before = stored_counts()

    with pytest.raises(DomainError) as error:
        reallocate()
    with pytest.raises(DomainError):
        record_adjustment(
            financial_year=YEAR,
            stream_code="VRU",
            recipient_code="bristol",
            amount="10.00",
            reason="r",
            decision_reference="d",
            user=None,
        )

    assert problems_of(error)["financial_year"] == (
        "the VRU 2024-25 award is closed for the year; its allocations can no longer change"
    )
    assert stored_counts() == before


def test_every_problem_with_a_reallocation_is_listed(app):
    make_year()

    with pytest.raises(DomainError) as error:
        reallocate(
            from_code="bristol",
            to_code="bristol",
            amount="-5",
            reason=" ",
            decision_reference="",
            quarter="5",
        )

    assert problems_of(error) == {
        "amount": "the amount to move must be more than £0.00",
        "to_recipient": "money must move to a different recipient",
        "reason": "enter the reason for the variation",
        "decision_reference": "enter the decision reference",
        "quarter": "the quarter '5' is not 1, 2, 3 or 4",
    }


def test_a_recipient_without_an_allocation_is_refused(app):
    make_allocations(amounts={"hub": "100.00", "bristol": "900.00"})

    with pytest.raises(DomainError) as error:
        reallocate(to_code="somerset", amount="1.00")
    with pytest.raises(DomainError) as unknown:
        reallocate(from_code="atlantis", stream_code="XYZ", financial_year="2024")

    assert problems_of(error)["to_recipient"] == "Somerset has no VRU allocation in 2024-25"
    assert set(problems_of(unknown)) >= {"financial_year", "grant_stream"}


def test_an_adjustment_changes_one_allocation_up_or_down(app):
    make_year()

    up = record_adjustment(
        financial_year=YEAR,
        stream_code="SVD",
        recipient_code="bristol",
        amount="0.01",
        reason="Confirmed award a penny higher",
        decision_reference="PCC-DN-2025-003",
        user=None,
        quarter="Q4",
    )
    record_adjustment(
        financial_year=YEAR,
        stream_code="SVD",
        recipient_code="somerset",
        amount="-5000.00",
        reason="Reduced after the confirmed award",
        decision_reference="PCC-DN-2025-003",
        user=None,
    )

    after = allocation_amounts("SVD")
    assert (after["bristol"], after["somerset"]) == (Decimal("40883.01"), Decimal("20000.00"))
    assert sum(after.values()) == Decimal("152181.27")
    assert (up.kind, up.amount, up.quarter, up.from_allocation) == (
        VariationKind.ADJUSTMENT,
        Decimal("0.01"),
        4,
        None,
    )
    reasons = db.session.scalars(
        select(AuditEvent.reason).where(AuditEvent.table_name == "allocation_variations")
    ).all()
    assert reasons[-1] == (
        "adjustment of -£5,000.00 to somerset (decision PCC-DN-2025-003): "
        "Reduced after the confirmed award"
    )


def test_an_adjustment_cannot_take_an_allocation_below_nothing(app):
    make_year()

    with pytest.raises(DomainError) as error:
        record_adjustment(
            financial_year=YEAR,
            stream_code="VRU",
            recipient_code="banes",
            amount="-150000.01",
            reason="r",
            decision_reference="d",
            user=None,
        )
    with pytest.raises(DomainError) as zero:
        record_adjustment(
            financial_year=YEAR,
            stream_code="VRU",
            recipient_code="banes",
            amount="0",
            reason="r",
            decision_reference="d",
            user=None,
        )

    assert "would leave less than nothing" in problems_of(error)["amount"]
    assert "changes nothing" in problems_of(zero)["amount"]


def test_allocation_amounts_change_only_through_variations(app):
    # Every change of an allocation's amount in the audit log comes with a variation.
    make_year()
    reallocate()
    record_adjustment(
        financial_year=YEAR,
        stream_code="VRU",
        recipient_code="somerset",
        amount="100.00",
        reason="r",
        decision_reference="d",
        user=None,
    )

    changes = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.table_name == "allocations", AuditEvent.action == AuditAction.UPDATE
        )
    ).all()
    variations = db.session.scalars(select(AllocationVariation)).all()
    assert len(changes) == 3
    assert len(variations) == 2
    assert all(e.reason and "decision" in e.reason for e in changes)


# --- pages ---------------------------------------------------------------------------------------


def post_reallocation(client, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "financial_year": YEAR,
        "grant_stream": "VRU",
        "from_recipient": "hub",
        "to_recipient": "bristol",
        "amount": "1,530.04",
        "quarter": "3",
        "reason": "Hub underspend: delay recruiting new posts",
        "decision_reference": "PCC-DN-2024-077",
        "submit": "Record the reallocation",
    }
    data.update(overrides)
    return client.post("/variations/new", data=data)


def test_finance_records_a_reallocation_and_sees_it_listed(client, sign_in):
    make_year()
    finance = make_user(role=Role.FINANCE, name="Fran Finance")
    sign_in(finance)

    response = post_reallocation(client)
    html = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302
    assert response.headers["Location"] == "/variations?year=2024-25"
    assert "Recorded the reallocation under decision PCC-DN-2024-077" in html
    row = table_rows(html, "variations")[1]
    assert row[1:] == [
        "Violence Reduction Unit grant 2024-25",
        "Moved from VRP Hub to Bristol",
        "£1,530.04",
        "Hub underspend: delay recruiting new posts",
        "PCC-DN-2024-077",
        "Fran Finance",
    ]
    assert row[0].endswith("Q3")
    assert allocation_amounts()["bristol"] == Decimal("401530.04")


def test_the_form_is_prefilled_from_the_underspend_link(client, sign_in):
    make_year()
    sign_in(make_user(role=Role.FINANCE))

    html = client.get(
        "/variations/new?year=2024-25&stream=SVD&from=bristol&to=somerset&amount=5702.48"
    ).get_data(as_text=True)

    assert '<option value="SVD" selected>' in html
    assert '<option value="2024-25" selected>' in html
    assert 'value="5702.48"' in html
    start = html.index('name="from_recipient"')
    assert '<option value="bristol" selected>' in html[start : html.index("</select>", start)]
    start = html.index('name="to_recipient"')
    assert '<option value="somerset" selected>' in html[start : html.index("</select>", start)]


def test_a_bad_variation_answers_400_naming_the_fields_and_stores_nothing(client, sign_in):
    make_year()
    sign_in(make_user(role=Role.FINANCE))
    before = stored_counts()

    response = post_reallocation(client, amount="10.005", reason="", decision_reference="")

    assert response.status_code == 400
    summary = error_summary(response.get_data(as_text=True))
    assert "The amount: '10.005' has more than two decimal places" in summary
    assert "Enter the reason for the variation" in summary
    assert "Enter the decision reference" in summary
    assert 'href="#amount"' in response.get_data(as_text=True)
    assert stored_counts() == before


def test_finance_records_an_adjustment_through_the_form(client, sign_in):
    make_year()
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        "/variations/new?kind=adjustment",
        data={
            "financial_year": YEAR,
            "grant_stream": "VRU",
            "recipient": "south-glos",
            "amount": "-933.60",
            "quarter": "",
            "reason": "Confirmed award lower",
            "decision_reference": "PCC-DN-2025-004",
            "submit": "Record the adjustment",
        },
    )

    assert response.status_code == 302
    assert allocation_amounts()["south-glos"] == Decimal("172000.00")


def test_a_spoke_lead_sees_only_variations_touching_their_spoke(client, sign_in):
    make_year()
    reallocate()  # hub -> bristol
    reallocate(from_code="banes", to_code="somerset", amount="1.00")
    sign_in(make_user(role=Role.SPOKE, spoke=make_spokes()["bristol"]))

    html = client.get("/variations").get_data(as_text=True)

    rows = table_rows(html, "variations")
    assert len(rows) == 2
    assert "Moved from VRP Hub to Bristol" in rows[1]
    assert client.get("/variations/new").status_code == 403
    assert post_reallocation(client).status_code == 403
    assert allocation_amounts()["bristol"] == Decimal("401530.04")
