"""A restore killed half way leaves the database exactly as it was: empty, and still restorable.

``vrp restore`` runs as a real process on a backup made large with many audit events; it is
killed (SIGKILL, no chance to clean up) once it has written the tables before ``audit_events``
and is busy with that one. Only the transaction protects the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.backup.helpers import rewrite, row_counts, section, vrp

ROOT = Path(__file__).resolve().parents[2]
# This worktree's ``vrp`` (the console script in the virtualenv may import another copy).
VRP = [sys.executable, "-c", "import cli; cli.run()"]
EXTRA_EVENTS = 60_000


def with_many_audit_events(documents):
    header, start = documents[0], section(documents, "audit_events")
    count = documents[start]["row_count"]
    last = documents[start + count]
    after = '{"note": "' + "x" * 200 + '"}'
    extra = [
        [last[0] + n, last[1], None, "cli:test", "create", "organisations", str(n)]
        for n in range(1, EXTRA_EVENTS + 1)
    ]
    for row in extra:
        row.extend(["x", "null", after, None])
    documents[start]["row_count"] = count + EXTRA_EVENTS
    for table in header["tables"]:
        if table["name"] == "audit_events":
            table["row_count"] = count + EXTRA_EVENTS
    documents[start + count + 1 : start + count + 1] = extra
    return documents


def test_a_restore_killed_half_way_writes_nothing(
    backend, app, database_url, demo_backup, tmp_path
):
    large = rewrite(demo_backup, tmp_path / "large.vrpbak", with_many_audit_events)
    environment = {
        **os.environ,
        "VRP_ENV": "testing",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    printed = []
    with subprocess.Popen(
        [*VRP, "restore", str(large)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            printed.append(line)
            if line.startswith("  users:"):  # audit_events, the large table, is next
                break
        process.send_signal(signal.SIGKILL)
        rest, errors = process.communicate(timeout=60)

    assert process.returncode == -signal.SIGKILL, [*printed, rest, errors]
    assert rest == ""
    assert printed[-1].startswith("  users: ")
    if backend == "sqlite":
        # The killed transaction left its rollback journal behind: rows had been written.
        assert Path(database_url.removeprefix("sqlite:///") + "-journal").exists()
    assert set(row_counts(database_url).values()) == {0}
    restored = vrp(database_url, "restore", str(demo_backup))
    assert restored.exit_code == 0, restored.output
