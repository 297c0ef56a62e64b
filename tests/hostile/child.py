"""A ``vrp`` command in a process of its own, for the tests that kill one or measure one.

    python -m tests.hostile.child [--stall-after TABLE] [--count-commits] [--peak] ARGS...

run from the project's folder (so that this worktree's code is imported, not an installed
copy's). ARGS is a ``vrp`` command line, or ``approve RUN_ID EMAIL REFERENCE``: no command
approves a funding formula run (its page calls ``allocations.services.approve_run``), so this
calls that service as the command line would, acting as EMAIL.

``--stall-after TABLE``: once the open transaction has written a row of TABLE, stop before its
next statement or its COMMIT, whichever comes first: print ``STALLED: ...`` on standard error and
sleep, for the test to kill the process there, half way through the write.

``--count-commits``: at exit, print ``WRITE_COMMITS=n``: how many transactions that wrote
anything were committed (one, for an import or an approval that is all or nothing).

``--peak``: at exit, print ``PEAK_KIB=n``: this process's own peak memory (VmHWM from
/proc/self/status; ``ru_maxrss`` of a child would carry the forking pytest's peak across exec).

The hooks are SQLAlchemy engine events registered here, in the test's process only: the app
knows nothing of them.
"""

from __future__ import annotations

import re
import sys
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


class Watch:
    """The writes of the current transaction, and what to do about them."""

    def __init__(self, stall_after: str | None) -> None:
        self.stall_after = stall_after
        self.target_written = False
        self.writes = 0
        self.write_commits = 0

    def stall(self, where: str) -> None:
        print(f"STALLED: {where}", file=sys.stderr, flush=True)
        while True:  # until killed
            time.sleep(60)

    def before_statement(self, statement: str) -> None:
        if self.target_written:
            self.stall(f"before {' '.join(statement.split())[:60]}")

    def after_statement(self, statement: str) -> None:
        written = WRITE.match(statement)
        if written is None:
            return
        self.writes += 1
        if written.group(1).lower() == (self.stall_after or "").lower():
            self.target_written = True

    def before_commit(self) -> None:
        if self.target_written:
            self.stall("before COMMIT")
        if self.writes:
            self.write_commits += 1
        self.writes = 0

    def after_rollback(self) -> None:
        self.writes = 0


def install(watch: Watch) -> None:
    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        watch.before_statement(statement)

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        watch.after_statement(statement)

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    event.listen(Engine, "commit", lambda _conn: watch.before_commit())
    event.listen(Engine, "rollback", lambda _conn: watch.after_rollback())


def approve(run_id: str, email: str, reference: str) -> None:
    from allocations.services import approve_run
    from app import create_app
    from auth.acting import acting_user
    from auth.roles import Permission

    app = create_app()
    with app.app_context():
        user = acting_user(email, Permission.APPROVE_ALLOCATIONS, "approve allocations")
        run = approve_run(int(run_id), decision_reference=reference, user=user)
        print(f"Approved run {run.id}")


def peak_kib() -> int:
    with open("/proc/self/status") as status:
        found = re.search(r"VmHWM:\s+(\d+) kB", status.read())
    return int(found.group(1)) if found else -1


def main(argv: list[str]) -> None:
    stall_after = None
    count_commits = peak = False
    while argv and argv[0].startswith("--"):
        option = argv.pop(0)
        if option == "--stall-after":
            stall_after = argv.pop(0)
        elif option == "--count-commits":
            count_commits = True
        elif option == "--peak":
            peak = True
        else:
            raise SystemExit(f"unknown option {option}")
    watch = Watch(stall_after)
    install(watch)
    try:
        if argv[:1] == ["approve"]:
            approve(*argv[1:])
        else:
            import cli

            sys.argv = ["vrp", *argv]
            cli.run()
    finally:
        if count_commits:
            print(f"WRITE_COMMITS={watch.write_commits}", file=sys.stderr)
        if peak:
            print(f"PEAK_KIB={peak_kib()}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
