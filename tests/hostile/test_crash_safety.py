"""A process killed half way through an import or an approval leaves the database exactly as it
was, and the same command then succeeds.

Each command runs as a real process (``tests/hostile/child.py``, this worktree's code) on a
large but valid input, and is stopped at a known point: its transaction has written rows of the
table that matters and has more to write (the next statement, or the COMMIT, is held back). The
test checks the database's own evidence that a write is under way (SQLite's rollback journal;
PostgreSQL's open transaction holding a write lock on that table), kills the process with
SIGKILL (no chance to clean up), and then compares every row of every table with what was there
before. Only the transaction protects the database. The same command is then run to the end,
and must commit exactly one transaction that wrote: all or nothing, never a part.

``vrp restore`` is killed the same way in ``tests/backup/test_restore_crash.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

from auth.roles import Role
from extensions import db
from grants.vocabulary import Category, CostType
from tests.backup.helpers import row_counts, stored_values
from tests.builders import indicator_csv, make_spokes, make_user
from tests.grants.returns.builders import (
    make_allocations,
    make_award,
    make_plan,
    return_workbook,
)

ROOT = Path(__file__).resolve().parents[2]


def command(*args: str) -> list[str]:
    """``vrp ARGS`` (or ``approve ...``) through the test's child module, run from this worktree
    so that its code, not an installed copy's, is what runs."""
    return [sys.executable, "-m", "tests.hostile.child", *args]


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "VRP_ENV": "testing",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }


@dataclass(frozen=True)
class Killed:
    output: str
    stalled: str


def kill_half_way(database_url: str, table: str, *args: str) -> Killed:
    """Run ``vrp ARGS`` until its transaction has written to ``table`` and has more to do, check
    the database shows a write under way, and SIGKILL it there."""
    lines: list[str] = []
    with subprocess.Popen(
        command("--stall-after", table, *args),
        cwd=ROOT,
        env=environment(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:  # blocks until the child says where it stopped
                lines.append(line)
                if line.startswith("STALLED: "):
                    break
            assert lines and lines[-1].startswith("STALLED: "), "".join(lines)
            assert_write_under_way(database_url, table)
        finally:
            process.send_signal(signal.SIGKILL)
            rest, _ = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, [*lines, rest]
    return Killed(output="".join(lines) + rest, stalled=lines[-1])


def assert_write_under_way(database_url: str, table: str) -> None:
    """The database's own evidence that a transaction has written to ``table`` and not ended."""
    if database_url.startswith("sqlite:///"):
        # The rollback journal exists from a transaction's first write until it ends.
        assert Path(database_url.removeprefix("sqlite:///") + "-journal").exists()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            writers = connection.execute(
                text(
                    "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                    "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
                    "AND a.backend_xid IS NOT NULL AND a.state = 'idle in transaction' "
                    "AND l.relation = CAST(:table AS regclass) AND l.mode = 'RowExclusiveLock'"
                ),
                {"table": table},
            ).all()
    finally:
        engine.dispose()
    assert len(writers) == 1, writers


def run_to_the_end(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command("--count-commits", *args),
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_killed_wrote_nothing_then_works(
    database_url: str, table: str, args: tuple[str, ...], expected_rows: int
) -> None:
    db.session.remove()  # the test's own session holds nothing open while the child writes
    counts, before = row_counts(database_url), stored_values(database_url)
    assert counts[table] < expected_rows

    killed = kill_half_way(database_url, table, *args)

    assert "Traceback" not in killed.output, killed.output
    assert row_counts(database_url) == counts, killed.stalled
    assert stored_values(database_url) == before, killed.stalled

    finished = run_to_the_end(database_url, *args)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "WRITE_COMMITS=1" in finished.stderr.splitlines(), finished.stderr
    assert row_counts(database_url)[table] == expected_rows


# --- the four commands ----------------------------------------------------------------------------

RETURN_LINES = 300


def test_a_returns_import_killed_half_way_writes_nothing(app, database_url, tmp_path):
    """A return of 300 lines, started by the import: the return, its lines, its reach and the
    audit events of all of them are one transaction."""
    make_award()
    recipient = make_allocations({"bristol": f"{RETURN_LINES * 40}.00"})["bristol"].recipient
    lines = tuple(
        (f"L{n:03d}", f"Line {n}", Category.STAFFING, CostType.LABOUR, "40.00", "10.00")
        for n in range(1, RETURN_LINES + 1)
    )
    make_plan(recipient, lines=lines)
    make_user(role=Role.SPOKE, spoke=recipient, email="lead@x.example")
    path = tmp_path / "q1.xlsx"
    path.write_bytes(
        return_workbook(
            lines=[(ref, Decimal("10.00"), Decimal("30.00")) for ref, *_ in lines],
            match=[("Council", "cash", Decimal("900.00"), "INV-1", None)],
        )
    )
    args = ("returns", "import", str(path), "--spoke", "bristol", "--as", "lead@x.example")

    assert_killed_wrote_nothing_then_works(database_url, "return_lines", args, RETURN_LINES)


INDICATORS = 1999  # for each of the five spokes: 9,995 rows, just under the 10,000 row limit


def test_an_indicators_import_killed_half_way_writes_nothing(app, database_url, tmp_path):
    make_spokes()
    make_user(role=Role.FINANCE, email="fin@x.example")
    rows = [
        (code, f"indicator_{n}", str(n))
        for code in ("banes", "bristol", "north-somerset", "somerset", "south-glos")
        for n in range(1, INDICATORS + 1)
    ]
    path = tmp_path / "needs.csv"
    path.write_bytes(indicator_csv(rows))
    args = ("formula", "import-indicators", str(path), "--name", "Needs", "--as", "fin@x.example")

    assert_killed_wrote_nothing_then_works(database_url, "indicator_values", args, len(rows))


BIDS = 200


def test_a_bids_import_killed_half_way_writes_nothing(app, database_url, tmp_path):
    from tests.commissioning.builders import make_provider, make_round
    from tests.commissioning.rounds.test_bid_spreadsheet_and_cli import row, workbook

    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    make_user(role=Role.HUB, email="hub@x.example")
    path = tmp_path / "bids.xlsx"
    path.write_bytes(
        workbook(*[row(round_, provider, title=f"Mentoring {n}") for n in range(1, BIDS + 1)])
    )
    args = ("bids", "import", str(path), "--as", "hub@x.example")

    assert_killed_wrote_nothing_then_works(database_url, "bids", args, BIDS)


def test_a_formula_approval_killed_half_way_writes_nothing(app, database_url):
    """Approving a run supersedes the year's approved run and its allocations and writes the
    new ones: killed half way, the old run and allocations are still the approved ones."""
    from tests.builders import make_approved_run, make_run

    first = make_approved_run()
    second = make_run(formula=first.formula_version, dataset=first.dataset, pot="2000.00")
    make_user(role=Role.FINANCE, email="fin@x.example")
    args = ("approve", str(second.id), "fin@x.example", "PCC-DN-2")
    active = row_counts(database_url)["allocations"]

    assert_killed_wrote_nothing_then_works(database_url, "allocations", args, 2 * active)
