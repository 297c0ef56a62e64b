"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

The ``app`` fixture's database was built by running the migrations (never ``create_all``), so
comparing it with the models' metadata catches a model change that has no migration.
"""

from __future__ import annotations

import pprint
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text
from sqlalchemy.exc import DBAPIError

from audit.models import AuditAction, AuditEvent
from extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
FOUNDATION_TABLES = {
    "audit_events",
    "financial_years",
    "grant_streams",
    "organisations",
    "sign_in_attempts",
    "users",
}


def schema_differences(metadata: MetaData) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def describe(difference) -> str:
    """One line per difference: ``add_table allocations``, ``modify_type users.name ...``."""
    if isinstance(difference, list):  # column modifications come grouped
        return "\n".join(
            f"{op} {table}.{column}: {old!r} -> {new!r}"
            for op, _schema, table, column, _existing, old, new in difference
        )
    op, *rest = difference
    names = [getattr(item, "name", None) or repr(item) for item in rest]
    return f"{op} {' '.join(str(n) for n in names)}"


def test_schema_at_head_matches_the_models(app):
    differences = schema_differences(db.metadata)

    assert differences == [], (
        "The migrated database differs from the models; write a migration "
        "(vrp db migrate -m 'verb noun'):\n" + "\n".join(describe(d) for d in differences)
    )


def test_the_comparison_notices_a_model_change(app):
    # The same check against metadata that differs from the database must find the difference,
    # or the test above proves nothing.
    changed = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["grant_streams"].c.name.type = String(100)  # 200 in the database
    Table("not_migrated", changed, Column("id", Integer, primary_key=True))

    differences = schema_differences(changed)

    added = [d[1].name for d in differences if isinstance(d, tuple) and d[0] == "add_table"]
    retyped = [d[0][2:4] for d in differences if isinstance(d, list) and d[0][0] == "modify_type"]
    assert "not_migrated" in added, pprint.pformat(differences)
    assert ("grant_streams", "name") in retyped, pprint.pformat(differences)


def test_downgrade_to_base_then_upgrade_to_head(app):
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock on the tables being dropped
    try:
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
    finally:
        upgrade()  # on PostgreSQL the database is shared with the tests that follow

    tables = set(inspect(db.engine).get_table_names())
    assert tables >= FOUNDATION_TABLES | {"alembic_version"}
    assert tables == set(db.metadata.tables) | {"alembic_version"}
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def add_audit_event() -> int:
    event = AuditEvent(
        actor_label="test",
        action=AuditAction.CREATE,
        table_name="organisations",
        record_id="1",
        after={"code": "bristol"},
    )
    db.session.add(event)
    db.session.commit()
    return event.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor_label = 'someone else' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ],
)
def test_the_database_refuses_to_change_the_audit_log(app, statement):
    event_id = add_audit_event()

    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement), {"id": event_id})
    db.session.rollback()

    assert (
        db.session.execute(
            text("SELECT actor_label FROM audit_events WHERE id = :id"), {"id": event_id}
        ).scalar_one()
        == "test"
    )


def test_the_database_still_accepts_new_audit_events(app):
    add_audit_event()
    add_audit_event()

    assert db.session.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 2
