"""The command line acts as someone: ``vrp returns import`` (like every import) needs ``--as
EMAIL`` and ``--spoke CODE``, refuses an account that may not do it, records the person as the
actor in the audit log, and refuses a file whose Return sheet names another spoke."""

from __future__ import annotations

from sqlalchemy import func, select

from audit.models import AuditEvent
from auth import services as auth_services
from auth.roles import Role
from extensions import db
from grants.returns.models import QuarterlyReturn
from tests.builders import make_spoke, make_user
from tests.grants.returns.builders import make_setup, return_workbook


def run(runner, tmp_path, *args: str, content: bytes | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "q1.xlsx"
    path.write_bytes(content or return_workbook())
    return runner.invoke(args=["returns", "import", str(path), *args])


def returns_stored() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(QuarterlyReturn)) or 0


def test_without_as_the_command_refuses_and_says_so(runner, tmp_path):
    make_setup()

    result = run(runner, tmp_path, "--spoke", "bristol")

    assert result.exit_code == 2
    assert "Missing option '--as'" in result.output
    assert returns_stored() == 0


def test_an_unknown_deactivated_or_unpermitted_account_is_refused(runner, tmp_path):
    setup = make_setup()
    admin = make_user(role=Role.ADMIN)
    gone = make_user(role=Role.SPOKE, spoke=setup.recipient, email="gone@example.org")
    auth_services.deactivate_user(gone.id, reason="Left", by=admin)
    make_user(role=Role.AUDITOR, email="audit@example.org")

    unknown = run(runner, tmp_path, "--spoke", "bristol", "--as", "who@example.org")
    deactivated = run(runner, tmp_path, "--spoke", "bristol", "--as", "gone@example.org")
    auditor = run(runner, tmp_path, "--spoke", "bristol", "--as", "audit@example.org")

    assert unknown.exit_code == deactivated.exit_code == auditor.exit_code == 1
    assert "--as who@example.org: there is no account with that email" in unknown.output
    assert "--as gone@example.org: the account is deactivated" in deactivated.output
    assert "--as audit@example.org: a" in auditor.output and "may not fill in returns" in (
        auditor.output
    )
    assert returns_stored() == 0


def test_another_spokes_lead_may_not_import_into_this_spoke(runner, tmp_path):
    make_setup()
    other = make_user(role=Role.SPOKE, spoke=make_spoke(code="banes"), email="b@example.org")

    result = run(runner, tmp_path, "--spoke", "bristol", "--as", other.email)

    assert result.exit_code == 1
    assert "you may not fill in returns for Bristol" in result.output
    assert returns_stored() == 0


def test_a_file_naming_another_spoke_than_asked_is_refused(runner, tmp_path):
    setup = make_setup()
    make_spoke(code="banes")

    # Asked for B&NES; the file (written for Bristol) says bristol: refused before anything else.
    result = run(runner, tmp_path, "--spoke", "banes", "--as", setup.lead.email)

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  Return sheet, row 2, column value: this file is for the spoke 'bristol', not 'banes' "
        "as asked; nothing is imported into another spoke's return"
    ]
    assert returns_stored() == 0


def test_the_person_is_recorded_as_the_actor(runner, tmp_path):
    setup = make_setup()

    result = run(runner, tmp_path, "--spoke", "bristol", "--as", setup.lead.email)

    assert result.exit_code == 0, result.output
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.table_name == "quarterly_returns")
    )
    assert (event.actor_id, event.actor_label) == (setup.lead.id, f"cli:{setup.lead.email}")
