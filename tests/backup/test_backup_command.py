"""``vrp backup FILE``: one file with every table, or one clear line and no file at all."""

from __future__ import annotations

from backup.archive import FORMAT_VERSION, KINDS
from backup.columns import kind_of
from backup.services import backed_up_tables
from extensions import db
from tests.backup.helpers import latest_revision, migrate, read_lines, row_counts, vrp


def test_a_backup_holds_every_table_with_its_counts(backend, app, demo, database_url, tmp_path):
    path = tmp_path / "demo.vrpbak"

    result = vrp(database_url, "backup", str(path))

    assert result.exit_code == 0, result.output
    documents = read_lines(path)
    header = documents[0]
    counts = {"alembic_version": 1, **row_counts(database_url)}
    assert {t["name"]: t["row_count"] for t in header["tables"]} == counts
    assert [t["name"] for t in header["tables"]] == [
        "alembic_version",
        *(t.name for t in db.metadata.sorted_tables),
    ]
    assert header["format_version"] == FORMAT_VERSION
    assert header["schema_revision"] == latest_revision()
    assert header["database"] == backend
    assert header["created_at"].endswith("+00:00")
    assert len(documents) == 1 + len(counts) + sum(counts.values())
    assert path.stat().st_mode & 0o777 == 0o600  # password hashes are in it
    assert result.stdout.startswith(
        f"Backed up {sum(counts.values())} rows in {len(counts)} tables at schema "
    )


def test_an_existing_file_is_kept_unless_forced(app, database_url, tmp_path):
    path = tmp_path / "kept.vrpbak"
    path.write_text("precious")

    refused = vrp(database_url, "backup", str(path))

    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {path} already exists: choose another name, or --force to replace it\n"
    )
    assert path.read_text() == "precious"
    assert vrp(database_url, "backup", str(path), "--force").exit_code == 0
    assert read_lines(path)[0]["format"] == "vrp-backup"


def test_a_database_not_migrated_is_refused_and_no_file_is_left(backend, new_database, tmp_path):
    url = new_database(backend, migrated=False)

    result = vrp(url, "backup", str(tmp_path / "nothing.vrpbak"))

    assert result.exit_code == 1
    assert result.stderr == "Error: the database is not migrated: run `vrp db upgrade` first\n"
    assert list(tmp_path.glob("*nothing*")) == []


def test_a_missing_folder_is_refused(app, database_url, tmp_path):
    result = vrp(database_url, "backup", str(tmp_path / "no" / "such" / "backup.vrpbak"))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: there is no folder {tmp_path / 'no' / 'such'} to write the backup into\n"
    )


def test_every_column_has_an_exact_portable_kind(app):
    # A new column type (a float, a naive DateTime...) fails here, by name, not in a backup.
    kinds = {
        f"{table.name}.{column.name}": kind_of(column)
        for table in backed_up_tables()
        for column in table.columns
    }

    assert set(kinds.values()) <= set(KINDS)
    assert kinds["grant_awards.confirmed_amount"] == "pence"
    assert kinds["indicator_values.value"] == "decimal"
    assert kinds["audit_events.after"] == "json"


def test_a_database_behind_the_latest_schema_is_refused(backend, new_database, tmp_path):
    url = new_database(backend, migrated=False)
    migrate(url, "0002")

    result = vrp(url, "backup", str(tmp_path / "old.vrpbak"))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the database is at schema revision 0002, not the latest ({latest_revision()}): "
        "run `vrp db upgrade` first\n"
    )
