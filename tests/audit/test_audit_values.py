"""Audit values in words: every audited record has a name, linked records show theirs, money is
pounds, times and dates take the house format, flags are Yes or No, enums their labels; and a
date range the wrong way round is refused on its field."""

from __future__ import annotations

import csv
import io

import pytest

from audit.describe import RECORD_TYPES, record_type
from audit.labels import has_label, record_label
from audit.models import AuditAction
from audit.readable import audited_models
from auth.models import User
from auth.roles import Role
from commissioning.rounds.models import Bid, BidScore, ConflictDeclaration, RoundCriterion
from tests.allocations.helpers import error_summary, table_rows
from tests.builders import make_audit_event, make_spoke, make_user


@pytest.fixture
def auditor(sign_in):
    user = make_user(role=Role.AUDITOR, name="Audrey Auditor", email="audrey@example.org")
    sign_in(user)
    return user


def test_every_audited_model_has_a_record_type_and_a_label(app):
    models = audited_models()

    assert len(models) > 20
    assert [m.__name__ for m in models if m.__tablename__ not in RECORD_TYPES] == []
    assert [m.__name__ for m in models if not has_label(m)] == []


def test_a_record_without_a_name_of_its_own_is_named_from_what_it_belongs_to(app):
    bid = Bid(reference="B-2024-07")
    pat = User(name="Pat Panel", email="pat@example.org")

    declaration = ConflictDeclaration(bid=bid, user=pat)
    score = BidScore(bid=bid, user=pat, criterion=RoundCriterion(name="Value for money"))

    assert record_label(declaration) == "B-2024-07: Pat Panel's declaration of interests"
    assert record_label(score) == "B-2024-07: Pat Panel's score for Value for money"
    assert "<" not in record_label(score)


def test_record_types_read_as_words(app):
    assert record_type("yef_strands") == "YEF strand"
    assert record_type("conflict_declarations") == "Declaration of interests"


def test_changed_values_read_as_words(client, auditor):
    bristol = make_spoke("bristol", "Bristol")
    fran = make_user(role=Role.FINANCE, name="Fran Finance", email="fran@example.org")
    make_audit_event(
        table_name="allocations",
        record_label="VRU 2024-25 bristol",
        action=AuditAction.CREATE,
        after={
            "amount": "1000.00",
            "recipient_id": bristol.id,
            "is_top_slice": False,
            "status": "active",
            "created_at": "2026-12-02T13:09:48.382834+00:00",
        },
    )
    make_audit_event(
        table_name="bids",
        record_label="B-1",
        action=AuditAction.UPDATE,
        before={"decision": None, "decided_by_id": None, "submitted_on": "2024-05-01"},
        after={"decision": "approve", "decided_by_id": fran.id, "submitted_on": "2024-05-02"},
    )

    rows = {
        row[3]: row[4]
        for row in table_rows(client.get("/audit/").get_data(as_text=True), "audit-events")[1:]
    }

    allocation = rows["Allocation VRU 2024-25 bristol"]
    assert "amount: – → £1,000.00" in allocation
    assert "recipient: – → Bristol" in allocation
    assert "is top slice: – → No" in allocation
    assert "status: – → Active" in allocation
    assert "created at: – → 2 December 2026, 13:09" in allocation
    bid = rows["Bid B-1"]
    assert "decision: – → Approved" in bid
    assert "decided by: – → Fran Finance" in bid
    assert "submitted on: 1 May 2024 → 2 May 2024" in bid


def test_the_csv_has_the_same_words_and_keeps_the_record_id(client, auditor):
    bristol = make_spoke("bristol", "Bristol")
    make_audit_event(
        table_name="allocations",
        record_id="42",
        record_label="VRU 2024-25 bristol",
        action=AuditAction.UPDATE,
        before={"amount": "1000.00", "recipient_id": bristol.id},
        after={"amount": "1500.50", "recipient_id": bristol.id},
    )

    text = client.get("/audit/events.csv?table=allocations").get_data().decode("utf-8-sig")

    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["Record id"] == "42"
    assert row["Changes"] == "amount: £1,000.00 to £1,500.50"


def test_a_real_change_names_the_linked_spoke_and_the_role(client, auditor):
    make_user(role=Role.SPOKE, spoke=make_spoke("bristol", "Bristol"), name="Sam Spoke")

    html = client.get("/audit/?table=users").get_data(as_text=True)

    rows = table_rows(html, "audit-events")[1:]
    sam = next(row[4] for row in rows if "name: – → Sam Spoke" in row[4])
    assert "role: – → Spoke lead" in sam
    assert "spoke: – → Bristol" in sam
    assert "active: – → Yes" in sam
    assert "+00:00" not in html


def test_a_date_range_the_wrong_way_round_is_refused_on_the_to_date(client, auditor):
    make_audit_event(record_label="anything")

    response = client.get("/audit/?from=2024-07-02&to=2024-07-01")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in html
    message = "The 'to' date must be on or after the 'from' date"
    assert message in error_summary(html).replace("&#39;", "'")
    assert 'id="to-error"' in html
    assert table_rows(html, "audit-events")[1:] == []


def test_no_record_in_the_demos_log_goes_by_its_class_and_id(demo):
    from sqlalchemy import select

    from audit.models import AuditEvent
    from extensions import db

    labels = db.session.scalars(select(AuditEvent.record_label)).all()
    scores = db.session.scalars(
        select(AuditEvent.record_label).where(AuditEvent.table_name == "bid_scores")
    ).all()

    assert [label for label in labels if (label or "").startswith("<")] == []
    assert scores and all("'s score for " in label for label in scores)
