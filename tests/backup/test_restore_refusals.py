"""Restore refuses what it cannot load exactly: one line on stderr, exit 1, nothing written.

A newer (or unknown) or older schema, a damaged file (cut short, a flipped byte, edited without
a new checksum, a table missing, not a backup at all), a database with rows in it, or a database
not migrated. And after a restore that worked, new rows get fresh ids.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from reference.models import Organisation
from tests.backup.helpers import (
    checksum_of,
    latest_revision,
    rewrite,
    row_counts,
    section,
    stored_values,
    vrp,
)
from tests.builders import make_spoke


def assert_refused(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert "Traceback" not in result.output


def assert_empty(url: str) -> None:
    assert set(row_counts(url).values()) == {0}


def with_revision(revision: str):
    def edit(documents):
        documents[0]["schema_revision"] = revision
        documents[section(documents, "alembic_version") + 1] = [revision]
        return documents

    return edit


# --- schema revisions -----------------------------------------------------------------------------


def test_a_backup_from_a_newer_schema_is_refused(app, database_url, demo_backup, tmp_path):
    newer = rewrite(demo_backup, tmp_path / "newer.vrpbak", with_revision("0099"))

    result = vrp(database_url, "restore", str(newer))

    assert_refused(
        result,
        f"the backup is from schema revision 0099, newer than this database's {latest_revision()} "
        "or unknown "
        "to this version of the app: restore it with the version of the app that made it "
        "(app version 0.1.0)",
    )
    assert_empty(database_url)


def test_a_backup_from_an_older_schema_is_refused_with_the_way_forward(
    app, database_url, demo_backup, tmp_path
):
    older = rewrite(demo_backup, tmp_path / "older.vrpbak", with_revision("0002"))

    result = vrp(database_url, "restore", str(older))

    assert_refused(
        result,
        "the backup is from an older schema revision (0002) than this database's "
        f"{latest_revision()}: restore "
        "it with the version of the app that made it (app version 0.1.0), then upgrade the app "
        "and run `vrp db upgrade`",
    )
    assert_empty(database_url)


def test_a_database_not_migrated_is_refused(backend, new_database, demo_backup):
    url = new_database(backend, migrated=False)

    result = vrp(url, "restore", str(demo_backup))

    assert_refused(result, "the database is not migrated: run `vrp db upgrade` first")


# --- damaged files --------------------------------------------------------------------------------


def test_a_file_cut_short_is_refused(app, database_url, demo_backup, tmp_path):
    cut = tmp_path / "cut.vrpbak"
    cut.write_bytes(demo_backup.read_bytes()[: demo_backup.stat().st_size // 2])

    result = vrp(database_url, "restore", str(cut))

    assert_refused(
        result,
        "the backup is damaged: it is not a complete gzip file (Compressed file ended before "
        "the end-of-stream marker was reached)",
    )
    assert_empty(database_url)


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_a_flipped_byte_is_refused(app, database_url, demo_backup, tmp_path, where):
    data = bytearray(demo_backup.read_bytes())
    data[int(len(data) * where)] ^= 0x10
    flipped = tmp_path / "flipped.vrpbak"
    flipped.write_bytes(bytes(data))

    result = vrp(database_url, "restore", str(flipped))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the backup is damaged: ")
    assert len(result.stderr.splitlines()) == 1
    assert_empty(database_url)


def test_an_edited_file_with_a_stale_checksum_is_refused(app, database_url, demo_backup, tmp_path):
    def pay_a_penny_more(documents):
        start = section(documents, "return_lines")
        columns = [c["name"] for c in documents[start]["columns"]]
        documents[start + 1][columns.index("actual")] += 1
        return documents

    edited = rewrite(
        demo_backup, tmp_path / "edited.vrpbak", pay_a_penny_more, checksum=checksum_of(demo_backup)
    )

    result = vrp(database_url, "restore", str(edited))

    assert_refused(result, "the backup is damaged: its checksum does not match its content")
    assert_empty(database_url)


def test_a_file_missing_a_table_is_refused(app, database_url, demo_backup, tmp_path):
    def drop_users(documents):
        documents[0]["tables"] = [t for t in documents[0]["tables"] if t["name"] != "users"]
        start = section(documents, "users")
        del documents[start : start + 1 + documents[start]["row_count"]]
        return documents

    missing = rewrite(demo_backup, tmp_path / "missing.vrpbak", drop_users)

    result = vrp(database_url, "restore", str(missing))

    assert_refused(result, "the backup is damaged or incomplete: it has no table users")
    assert_empty(database_url)


def test_a_value_of_the_wrong_kind_is_refused(app, database_url, demo_backup, tmp_path):
    def money_as_pounds_text(documents):
        start = section(documents, "grant_awards")
        columns = [c["name"] for c in documents[start]["columns"]]
        documents[start + 1][columns.index("confirmed_amount")] = "1528667.00"
        return documents

    wrong = rewrite(demo_backup, tmp_path / "wrong.vrpbak", money_as_pounds_text)

    result = vrp(database_url, "restore", str(wrong))

    assert_refused(
        result,
        "the backup is damaged: grant_awards row 1, column confirmed_amount holds '1528667.00', "
        "which is not a pence value",
    )
    assert_empty(database_url)


def test_a_file_that_is_not_a_backup_is_refused(app, database_url, tmp_path):
    not_gzip = tmp_path / "notes.txt"
    not_gzip.write_text("hello\n")

    result = vrp(database_url, "restore", str(not_gzip))

    assert_refused(
        result,
        "the backup is damaged: it is not a complete gzip file (Not a gzipped file (b'he'))",
    )


def test_a_missing_file_is_refused(app, database_url, tmp_path):
    result = vrp(database_url, "restore", str(tmp_path / "nowhere.vrpbak"))

    assert_refused(result, f"there is no backup file {tmp_path / 'nowhere.vrpbak'}")


# --- the database must be empty -------------------------------------------------------------------


def test_a_database_with_rows_is_refused_and_left_alone(app, demo, database_url, demo_backup):
    before = stored_values(database_url)

    result = vrp(database_url, "restore", str(demo_backup))

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database is not empty (financial_years: 2 rows, ")
    assert result.stderr.endswith(
        "more tables): restore only into a new database after `vrp db upgrade`\n"
    )
    assert stored_values(database_url) == before


def test_one_row_anywhere_makes_the_database_not_empty(app, database_url, demo_backup):
    make_spoke("bristol")
    before = stored_values(database_url)

    result = vrp(database_url, "restore", str(demo_backup))

    assert_refused(
        result,
        "the database is not empty (organisations: 1 row, audit_events: 1 row): restore only "
        "into a new database after `vrp db upgrade`",
    )
    assert stored_values(database_url) == before


# --- after a restore ------------------------------------------------------------------------------


def test_new_rows_after_a_restore_get_fresh_ids(app, database_url, demo_backup):
    assert vrp(database_url, "restore", str(demo_backup)).exit_code == 0
    last_organisation = db.session.scalar(select(func.max(Organisation.id)))
    last_event = db.session.scalar(select(func.max(AuditEvent.id)))

    spoke = make_spoke("new-spoke", "A new spoke")

    assert spoke.id == last_organisation + 1
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last_event)).all()
    assert [(e.id, e.table_name, e.record_id) for e in created] == [
        (last_event + 1, "organisations", str(spoke.id))
    ]


def test_the_audit_log_is_restored_as_it_was(
    backend, app, database_url, demo_database, demo_backup
):
    source = f"sqlite:///{demo_database}" if backend == "sqlite" else demo_database

    assert vrp(database_url, "restore", str(demo_backup)).exit_code == 0

    # Equal, so the restore itself wrote no audit events either.
    assert stored_values(database_url)["audit_events"] == stored_values(source)["audit_events"]
