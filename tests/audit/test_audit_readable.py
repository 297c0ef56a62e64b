"""The audit log as an auditor reads it: record types and names rather than table ids, who in
words, times to the minute in UK time in the one format, date pickers whose days are UK days,
paging, and a CSV export behind the same permission check whose text cannot run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from audit.models import AuditAction
from auth.roles import Role
from extensions import db
from tests.allocations.helpers import table_rows
from tests.builders import make_audit_event, make_spoke, make_user


def audit_rows(client, query: str = "") -> list[list[str]]:
    return table_rows(client.get(f"/audit/{query}").get_data(as_text=True), "audit-events")[1:]


def exported(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/audit/events.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def auditor(sign_in):
    user = make_user(role=Role.AUDITOR, name="Audrey Auditor", email="audrey@example.org")
    sign_in(user)
    return user


def test_a_change_shows_the_persons_name_the_record_type_and_name_and_the_minute(client, sign_in):
    fran = make_user(role=Role.FINANCE, name="Fran Finance", email="fran@example.org")
    make_audit_event(
        actor_id=fran.id,
        actor_label=fran.email,
        table_name="plan_lines",
        record_id="17",
        record_label="line INT-01",
        action=AuditAction.UPDATE,
        at=datetime(2024, 7, 1, 13, 5, 59, tzinfo=UTC),
        before={"annual_budget": "100.00"},
        after={"annual_budget": "250.00"},
    )
    sign_in(make_user(role=Role.AUDITOR))

    rows = audit_rows(client, "?table=plan_lines")

    assert rows == [
        [
            "1 July 2024, 14:05",  # British Summer Time
            "Fran Finance (fran@example.org)",
            "Update",
            "Delivery plan line line INT-01",
            "annual budget: £100.00 → £250.00",
        ]
    ]
    assert "#17" not in client.get("/audit/").get_data(as_text=True)


def test_changes_made_by_a_command_or_no_one_say_so_in_words(client, auditor):
    make_audit_event(actor_label="cli:users create", record_label="new@example.org")
    make_audit_event(actor_label="system", record_label="bristol")

    who = {row[3]: row[1] for row in audit_rows(client, "?table=organisations")}

    assert who["Organisation new@example.org"] == "Command line: vrp users create"
    assert who["Organisation bristol"] == "The system (no one signed in, no command)"


def test_the_who_filter_finds_a_person_by_name(client, sign_in):
    fran = make_user(role=Role.FINANCE, name="Fran Finance", email="fran@example.org")
    make_audit_event(actor_id=fran.id, actor_label=fran.email)
    sign_in(make_user(role=Role.AUDITOR))

    assert [row[1] for row in audit_rows(client, "?actor=fran+fin")] == [
        "Fran Finance (fran@example.org)"
    ]


def test_the_date_pickers_filter_by_uk_days(client, auditor):
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK (British Summer Time)
    make_audit_event(record_label="late", at=datetime(2024, 6, 30, 23, 30, tzinfo=UTC))
    html = client.get("/audit/").get_data(as_text=True)

    july = audit_rows(client, "?from=2024-07-01&to=2024-07-01&table=organisations")
    june = audit_rows(client, "?to=2024-06-30&table=organisations")

    assert 'type="date" id="from" name="from"' in html and 'type="date" id="to" name="to"' in html
    assert [row[0] for row in july] == ["1 July 2024, 00:30"]
    assert june == []
    assert 'value="2024-07-01"' in client.get("/audit/?from=2024-07-01").get_data(as_text=True)


def test_the_page_says_which_page_of_how_many(client, auditor):
    db.session.add_all(_event(n) for n in range(60))
    db.session.commit()

    html = client.get("/audit/?page=2").get_data(as_text=True)

    assert "61 events, page 2 of 2" in html


def _event(n: int):
    from audit.models import AuditEvent

    return AuditEvent(
        table_name="organisations", record_id=str(n), action=AuditAction.UPDATE, actor_label="x"
    )


def test_the_csv_export_has_every_matching_event_in_words(client, sign_in):
    fran = make_user(role=Role.FINANCE, name="Fran Finance", email="fran@example.org")
    make_audit_event(
        actor_id=fran.id,
        actor_label=fran.email,
        table_name="grant_awards",
        record_label='=HYPERLINK("http://evil.example","VRU 2024-25")',
        action=AuditAction.UPDATE,
        at=datetime(2024, 1, 15, 9, 30, tzinfo=UTC),
        before={"match_share": "20"},
        after={"match_share": "-5"},
        reason="@SUM(1+1)",
    )
    make_spoke("bristol", "Bristol")
    sign_in(make_user(role=Role.AUDITOR))

    rows = exported(client, "?table=grant_awards")

    assert rows == [
        [
            "When (UK time)",
            "Who",
            "Action",
            "Record type",
            "Record",
            "Record id",
            "Reason",
            "Changes",
        ],
        [
            "15 January 2024, 09:30",
            "Fran Finance (fran@example.org)",
            "Update",
            "Grant award",
            '\'=HYPERLINK("http://evil.example","VRU 2024-25")',
            "1",
            "'@SUM(1+1)",
            "match share: 20 to -5",
        ],
    ]
    assert len(exported(client)) > 2  # without filters: every event


@pytest.mark.parametrize("role", [Role.SPOKE, Role.FINANCE, Role.HUB, Role.PANEL])
def test_the_csv_export_is_refused_to_those_who_may_not_see_the_log(client, sign_in, role):
    spoke = make_spoke("bristol", "Bristol") if role is Role.SPOKE else None
    sign_in(make_user(role=role, spoke=spoke))

    assert client.get("/audit/events.csv").status_code == 403


def test_the_page_links_to_the_csv_of_what_it_shows(client, auditor):
    html = client.get("/audit/?table=users&page=2").get_data(as_text=True)

    assert 'href="/audit/events.csv?table=users"' in html
