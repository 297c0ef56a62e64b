"""The audit log: who changed what, when, from what to what; and nothing can rewrite it."""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Date, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from audit.listeners import AuditLogIsAppendOnly, set_reason
from audit.models import AuditAction, AuditEvent
from auth.roles import Role
from database import Money
from extensions import db
from reference.models import Organisation, OrganisationKind, enum_column
from tests.builders import (
    DEFAULT_PASSWORD,
    cheap_password_hash,
    make_audit_event,
    make_spoke,
    make_user,
)


def events(table: str | None = None) -> list[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if table:
        statement = statement.where(AuditEvent.table_name == table)
    return list(db.session.scalars(statement))


# --- what is written ------------------------------------------------------------------------------


def test_creating_a_record_writes_a_create_event_with_its_values(app):
    spoke = make_spoke("bristol", "Bristol")

    (event,) = events("organisations")
    assert event.action is AuditAction.CREATE
    assert event.record_id == str(spoke.id)
    assert event.record_label == "bristol"
    assert event.before is None
    assert event.after == {
        "id": spoke.id,
        "code": "bristol",
        "name": "Bristol",
        "kind": "spoke",
        "org_id": None,
        "gss_code": None,
        "notes": None,
        "active": True,
        "colour": None,
        "active_from": None,
        "closed_from": None,
    }
    assert event.actor_id is None
    assert event.actor_label == "system"  # no signed-in user, no command
    assert event.at.tzinfo is not None


def test_updating_a_record_writes_the_values_before_and_after(app):
    spoke = make_spoke("bristol", "Bristol")
    spoke.name = "Bristol City Council"
    spoke.gss_code = "E06000023"
    db.session.commit()

    event = events("organisations")[-1]
    assert event.action is AuditAction.UPDATE
    assert event.before["name"] == "Bristol"
    assert event.after["name"] == "Bristol City Council"
    assert event.changed_fields() == [
        ("gss_code", None, "E06000023"),
        ("name", "Bristol", "Bristol City Council"),
    ]


def test_an_update_that_changes_nothing_writes_nothing(app):
    spoke = make_spoke("bristol", "Bristol")
    spoke.name = "Bristol"
    db.session.commit()

    assert [e.action for e in events("organisations")] == [AuditAction.CREATE]


def test_deleting_a_record_writes_its_last_values(app):
    spoke = make_spoke("bristol", "Bristol")
    spoke_id = spoke.id
    db.session.delete(spoke)
    db.session.commit()

    event = events("organisations")[-1]
    assert event.action is AuditAction.DELETE
    assert event.record_id == str(spoke_id)
    assert event.before["code"] == "bristol"
    assert event.after is None


def test_the_event_is_written_in_the_same_transaction_as_the_change(app):
    make_spoke("bristol")
    spoke = db.session.scalar(select(Organisation))
    spoke.name = "Renamed"
    db.session.flush()
    db.session.rollback()

    assert [e.action for e in events("organisations")] == [AuditAction.CREATE]


def test_users_are_audited_without_their_password_hash_or_sign_in_time(app, client, sign_in):
    user = make_user(role=Role.HUB)
    sign_in(user)  # sets last_signed_in_at
    user.set_password("another-long-password")
    user.name = "Renamed"
    db.session.commit()

    user_events = events("users")
    assert [e.action for e in user_events] == [AuditAction.CREATE, AuditAction.UPDATE]
    for event in user_events:
        for values in (event.before, event.after):
            assert "password_hash" not in (values or {})
            assert "last_signed_in_at" not in (values or {})
    assert user_events[0].after["role"] == "hub"
    changed = {name: (before, after) for name, before, after in user_events[1].changed_fields()}
    # A new password shows in the log as the time it was set, never as the hash.
    assert set(changed) == {"name", "password_changed_at"}
    assert changed["name"] == (user_events[0].after["name"], "Renamed")
    dumped = json.dumps([[e.before, e.after] for e in user_events])
    assert "scrypt:" not in dumped and "pbkdf2:" not in dumped


def test_signing_in_alone_writes_no_user_event(app, sign_in):
    sign_in(make_user())

    assert [e.action for e in events("users")] == [AuditAction.CREATE]


def test_unaudited_tables_write_no_events(app, client):
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "x"})

    assert events() == []  # the sign-in attempt was recorded, but is not audited


# A throwaway audited model with money, a date and an enum, in its own metadata.
class Base(DeclarativeBase):
    pass


class Stage(enum.StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"


class AuditedGrant(Base):
    __tablename__ = "test_audited_grants"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    due: Mapped[date] = mapped_column(Date)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "test_stage"))


@pytest.fixture
def audited_grants(app):
    db.session.remove()
    Base.metadata.create_all(db.engine)
    yield
    db.session.remove()
    Base.metadata.drop_all(db.engine)


def test_money_dates_and_enums_are_audited_as_plain_strings(audited_grants):
    grant = AuditedGrant(
        reference="VRU-24-001",
        amount=Decimal("157181.26"),
        due=date(2025, 3, 31),
        stage=Stage.DRAFT,
    )
    db.session.add(grant)
    db.session.commit()
    grant.amount = Decimal("1528667.00")
    grant.stage = Stage.AGREED
    db.session.commit()

    created, updated = events("test_audited_grants")
    assert created.record_label == "VRU-24-001"
    assert created.after == {
        "id": grant.id,
        "reference": "VRU-24-001",
        "amount": "157181.26",
        "due": "2025-03-31",
        "stage": "draft",
    }
    assert updated.changed_fields() == [
        ("amount", "157181.26", "1528667.00"),
        ("stage", "draft", "agreed"),
    ]
    # Stored as JSON strings, read back as strings: no float ever holds the money.
    db.session.expire_all()
    assert db.session.get(AuditEvent, updated.id).after["amount"] == "1528667.00"


# --- who ------------------------------------------------------------------------------------------


def test_changes_through_the_web_carry_the_signed_in_user(app, client, sign_in):
    admin = make_user(role=Role.ADMIN, email="admin@example.org")
    sign_in(admin)

    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "name": "New",
            "role": "hub",
            "spoke": "",
            "password": "a-long-enough-secret",
        },
    )

    assert response.status_code == 302
    event = events("users")[-1]
    assert (event.action, event.record_label) == (AuditAction.CREATE, "new@example.org")
    assert (event.actor_id, event.actor_label) == (admin.id, "admin@example.org")


def test_changes_from_vrp_demo_carry_the_command(runner, monkeypatch):
    monkeypatch.setattr("auth.models.generate_password_hash", cheap_password_hash)  # speed only
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert {e.actor_label for e in events()} == {"cli:demo"}
    assert {e.table_name for e in events()} >= {"organisations", "users"}


def test_changes_from_vrp_users_create_carry_the_command(runner):
    runner.invoke(
        args=["users", "create", "fran@example.org", "--role", "finance"],
        input="a-long-enough-secret\n",
    )

    (event,) = events("users")
    assert event.actor_label == "cli:users create"
    assert event.actor_id is None


# --- why ------------------------------------------------------------------------------------------


def test_a_reason_is_attached_to_the_next_changes_only(app):
    spoke = make_spoke("bristol", "Bristol")

    set_reason(db.session, "Boundary change agreed by the board, minute 24/117")
    spoke.name = "Bristol City"
    db.session.commit()
    spoke.name = "Bristol"
    db.session.commit()

    created, with_reason, without = events("organisations")
    assert created.reason is None
    assert with_reason.reason == "Boundary change agreed by the board, minute 24/117"
    assert without.reason is None


def test_a_reason_is_attached_to_creations_too(app):
    set_reason(db.session, "New spoke")
    db.session.add(Organisation(code="new", name="New", kind=OrganisationKind.SPOKE))
    db.session.commit()

    assert events("organisations")[0].reason == "New spoke"


def test_a_reason_is_dropped_when_the_change_is_rolled_back(app):
    spoke = make_spoke("bristol")
    set_reason(db.session, "abandoned")
    spoke.name = "Abandoned"
    db.session.flush()
    db.session.rollback()
    spoke.name = "Renamed"
    db.session.commit()

    assert events("organisations")[-1].reason is None


# --- append only ----------------------------------------------------------------------------------


def test_the_orm_refuses_to_update_an_audit_event(app):
    event = make_audit_event()
    event.actor_label = "someone else"

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    assert db.session.get(AuditEvent, event.id).actor_label == "system"


def test_the_orm_refuses_to_delete_an_audit_event(app):
    event = make_audit_event()
    db.session.delete(event)

    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()

    assert db.session.get(AuditEvent, event.id) is not None


def test_no_route_changes_the_audit_log(app):
    writers = sorted(
        f"{rule.rule} {sorted(rule.methods - {'GET', 'HEAD', 'OPTIONS'})}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/audit") and rule.methods - {"GET", "HEAD", "OPTIONS"}
    )
    assert any(r.rule.startswith("/audit") for r in app.url_map.iter_rules())
    assert not writers


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_the_audit_page_answers_only_get(client, sign_in, method):
    sign_in(make_user(role=Role.ADMIN))

    assert getattr(client, method)("/audit/").status_code == 405


# --- the page -------------------------------------------------------------------------------------


@pytest.fixture
def auditor_client(client):
    """Four events: a user and two spokes created, one spoke renamed; then an auditor signs in
    (the auditor's own creation is a fifth event, by ``system``)."""
    make_user(role=Role.HUB, email="hub@example.org")
    bristol = make_spoke("bristol", "Bristol")
    make_spoke("banes", "Bath & North East Somerset")
    bristol.name = "Bristol City"
    db.session.commit()
    auditor = make_user(role=Role.AUDITOR, email="auditor@example.org")
    client.post("/sign-in", data={"email": auditor.email, "password": DEFAULT_PASSWORD})
    return client


def shown(client, query="") -> int:
    """The number of events the page says it found (its table caption)."""
    html = client.get(f"/audit/{query}").get_data(as_text=True)
    caption = html.split('govuk-table__caption--m">', 1)[1].split("</caption>", 1)[0]
    return int(caption.split()[0])


def test_the_page_lists_events_newest_first(auditor_client):
    html = auditor_client.get("/audit/").get_data(as_text=True)

    assert "5 events" in html
    assert html.index("auditor@example.org") < html.index("hub@example.org")
    assert "name: Bristol → Bristol City" in html


def test_the_page_filters(auditor_client):
    today = datetime.now(UTC).date()
    assert shown(auditor_client) == 5
    assert shown(auditor_client, "?table=organisations") == 3
    assert shown(auditor_client, "?table=users") == 2
    assert shown(auditor_client, "?action=update") == 1
    assert shown(auditor_client, "?action=create") == 4
    assert shown(auditor_client, "?action=nonsense") == 5  # an unknown action filters nothing
    assert shown(auditor_client, "?record=bristol") == 2
    assert shown(auditor_client, "?record=hub@example.org") == 1
    assert shown(auditor_client, "?actor=system") == 5
    assert shown(auditor_client, "?actor=someone") == 0
    assert shown(auditor_client, f"?from={today}&to={today}") == 5
    assert shown(auditor_client, f"?from={today + timedelta(days=1)}") == 0
    assert shown(auditor_client, f"?to={today - timedelta(days=1)}") == 0
    assert shown(auditor_client, "?from=not-a-date") == 5
    assert shown(auditor_client, "?table=organisations&action=update&record=bristol") == 1


def test_the_page_filters_by_who_made_the_change(app, client, sign_in):
    admin = make_user(role=Role.ADMIN, email="admin@example.org")
    sign_in(admin)
    client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "name": "New",
            "role": "hub",
            "spoke": "",
            "password": "a-long-enough-secret",
        },
    )

    assert shown(client, "?actor=admin@example.org") == 1
    assert shown(client, "?actor=system") == 1


def test_the_page_shows_fifty_events_a_page(app, client, sign_in):
    sign_in(make_user(role=Role.AUDITOR))  # the 1st event
    db.session.add_all(
        AuditEvent(
            table_name="organisations",
            record_id=str(n),
            action=AuditAction.UPDATE,
            actor_label="system",
            record_label=f"record-{n:03d}",
        )
        for n in range(1, 55)
    )  # 54 more: 55 in all
    db.session.commit()

    first = client.get("/audit/").get_data(as_text=True)
    second = client.get("/audit/?page=2").get_data(as_text=True)

    def rows(html):
        body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
        return body.count('<tr class="govuk-table__row">')

    assert "55 events" in first
    assert (rows(first), rows(second)) == (50, 5)
    assert "page=2" in first
    assert "page=1" in second
    assert "record-054" in first and "record-054" not in second  # newest first
    assert rows(client.get("/audit/?page=3").get_data(as_text=True)) == 0


def test_pagination_keeps_the_filters(app, client, sign_in):
    sign_in(make_user(role=Role.AUDITOR))
    db.session.add_all(
        AuditEvent(
            table_name="organisations",
            record_id=str(n),
            action=AuditAction.UPDATE,
            actor_label="system",
        )
        for n in range(60)
    )
    db.session.commit()

    html = client.get("/audit/?table=organisations").get_data(as_text=True)

    assert "table=organisations" in html.split("govuk-pagination", 1)[1]
