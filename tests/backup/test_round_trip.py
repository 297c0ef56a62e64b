"""A backup moves every stored value between SQLite and PostgreSQL and back, to the penny.

The demo goes from its database to the other kind and back to a new one of its own kind, and
every table is compared row by row: through the models' types (Decimal pounds, enums, aware
datetimes, parsed JSON) and as stored (money in pence, JSON text byte for byte).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import create_engine, select

from database import MAX_PENCE
from extensions import db
from grants.awards.models import GrantAward
from tests.backup.helpers import read_lines, stored_values, vrp
from tests.builders import make_grant_stream

OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}
LONG_TEXT = "Line one\nline two\r\nline three\u2028 £5 “quoted” \\ \t ünïcode 🙂 " * 5000


def test_the_demo_goes_to_the_other_database_and_back_unchanged(
    backend, demo_database, new_database, tmp_path
):
    source = f"sqlite:///{demo_database}" if backend == "sqlite" else demo_database
    other = new_database(OTHER[backend])
    final = new_database(backend)

    steps = [
        vrp(source, "backup", str(tmp_path / "first.vrpbak")),
        vrp(other, "restore", str(tmp_path / "first.vrpbak")),
        vrp(other, "backup", str(tmp_path / "second.vrpbak")),
        vrp(final, "restore", str(tmp_path / "second.vrpbak")),
    ]

    assert [step.exit_code for step in steps] == [0, 0, 0, 0], [s.output for s in steps]
    original = stored_values(source)
    assert sum(len(rows) for rows in original.values()) > 1900  # the whole demo, audit log too
    assert stored_values(other) == original
    assert stored_values(final) == original
    # The two files hold the same tables and rows; only the header (when, from what) differs.
    first, second = read_lines(tmp_path / "first.vrpbak"), read_lines(tmp_path / "second.vrpbak")
    assert first[1:] == second[1:]
    assert first[0]["database"] == backend
    assert second[0]["database"] == OTHER[backend]


def test_money_comes_back_to_the_penny(backend, demo_database, new_database, tmp_path):
    source = f"sqlite:///{demo_database}" if backend == "sqlite" else demo_database
    other = new_database(OTHER[backend])
    vrp(source, "backup", str(tmp_path / "demo.vrpbak"))

    vrp(other, "restore", str(tmp_path / "demo.vrpbak"))

    engine = create_engine(other)
    with engine.connect() as connection:
        confirmed = set(connection.scalars(select(GrantAward.confirmed_amount)))
    engine.dispose()
    assert {Decimal("1528667.00"), Decimal("157181.26")} <= confirmed
    assert all(isinstance(amount, Decimal) for amount in confirmed if amount is not None)


def test_restore_prints_each_table_and_a_summary(backend, app, demo_backup, runner):
    header = read_lines(demo_backup)[0]
    rows = sum(t["row_count"] for t in header["tables"]) - 1  # alembic_version is already there

    result = runner.invoke(args=["restore", str(demo_backup)])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["  alembic_version: 1 row", "  financial_years: 2 rows"]
    assert len(lines) == len(header["tables"]) + 1
    assert lines[-1].startswith(
        f"Restored {rows} rows in {len(header['tables'])} tables from a backup of a {backend} "
        "database taken at "
    )
    assert result.stderr == ""


def test_awkward_values_cross_over_exactly(backend, app, database_url, new_database, tmp_path):
    """The largest amount a BIGINT of pence holds, a negative penny, decimals past any float,
    microseconds, a timestamp made outside UTC, and long text with every kind of line break."""
    stream = make_grant_stream("VRU")
    db.session.add(
        GrantAward(
            grant_stream_id=stream.id,
            financial_year="2024-25",
            indicative_amount=Decimal(MAX_PENCE) / 100,
            confirmed_amount=Decimal("-0.01"),
            svd_labour_amount=Decimal("0.00"),
            min_match_percent=Decimal("33.333333333333333333333333333333"),
            evaluation_percent=Decimal("1E-30"),
            offer_date=date(2024, 2, 29),
            closed_at=datetime(2025, 3, 30, 1, 59, 59, 999999, timezone(timedelta(hours=1))),
            notes=LONG_TEXT,
        )
    )
    db.session.commit()
    other = new_database(OTHER[backend])
    path = tmp_path / "awkward.vrpbak"

    assert vrp(database_url, "backup", str(path)).exit_code == 0
    restored = vrp(other, "restore", str(path))
    assert restored.exit_code == 0, restored.output

    assert stored_values(other) == stored_values(database_url)
    engine = create_engine(other)
    with engine.connect() as connection:
        award = connection.execute(select(GrantAward.__table__)).one()
    engine.dispose()
    assert award.indicative_amount == Decimal("92233720368547758.07")
    assert award.min_match_percent == Decimal("33.333333333333333333333333333333")
    assert award.evaluation_percent == Decimal("1E-30")
    assert award.closed_at == datetime(2025, 3, 30, 0, 59, 59, 999999, UTC)
    assert award.notes == LONG_TEXT
