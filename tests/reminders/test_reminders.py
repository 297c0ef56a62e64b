"""Reminders sent to a real SMTP server that the test starts (aiosmtpd on a free local port),
read back as they arrived: once and only once."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from auth.roles import Role
from extensions import db
from reference.queries import get_organisation_by_code
from reminders.models import OutboxMessage
from tests.builders import make_user

TODAY = "2025-01-20"  # Q3's returns are due on 31 January 2025


class Inbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, MAIL_FROM="vrp@asvrp.example"
    )
    yield handler
    controller.stop()


def send(runner, *args):
    return runner.invoke(args=["reminders", "send", "--today", TODAY, *args])


def test_spoke_leads_and_finance_get_their_reminders_once_and_only_once(demo, runner, inbox):
    lead = make_user(
        role=Role.SPOKE, spoke=get_organisation_by_code("bristol"), email="lead@bristol.example"
    )
    finance = make_user(role=Role.FINANCE, email="fran@opcc.example")

    first = send(runner)
    second = send(runner)

    assert first.exit_code == 0, first.output
    to_lead = [m for m in inbox.messages if m["To"] == lead.email]
    subjects = sorted(m["Subject"] for m in to_lead)
    assert subjects == [
        "Due soon: the Bristol Serious Violence Duty grant 2024-25 Q3 return",
        "Due soon: the Bristol Violence Reduction Unit grant 2024-25 Q3 return",
    ]
    assert "due on 31 January 2025" in to_lead[0].get_payload(decode=True).decode()
    to_finance = [m["Subject"] for m in inbox.messages if m["To"] == finance.email]
    assert any(s.startswith("To review: the ") for s in to_finance)
    assert all(m["From"] == "vrp@asvrp.example" for m in inbox.messages)
    assert second.output.startswith("0 new reminders; 0 sent.")
    assert len(inbox.messages) == len({m["To"] + m["Subject"] for m in inbox.messages})


def test_once_late_the_lead_hears_again_that_it_is_overdue(demo, runner, inbox):
    lead = make_user(
        role=Role.SPOKE, spoke=get_organisation_by_code("bristol"), email="lead@bristol.example"
    )
    send(runner)

    runner.invoke(args=["reminders", "send", "--today", "2025-02-03"])

    overdue = [
        m["Subject"]
        for m in inbox.messages
        if m["To"] == lead.email and m["Subject"].startswith("Overdue")
    ]
    assert len(overdue) == 2


def test_a_dry_run_lists_and_records_and_sends_nothing(demo, runner, inbox):
    make_user(
        role=Role.SPOKE, spoke=get_organisation_by_code("bristol"), email="lead@bristol.example"
    )

    result = send(runner, "--dry-run")

    assert "Would send to lead@bristol.example: Due soon:" in result.output
    assert inbox.messages == []
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_server_that_refuses_leaves_the_messages_to_retry(demo, runner, app):
    make_user(
        role=Role.SPOKE, spoke=get_organisation_by_code("bristol"), email="lead@bristol.example"
    )
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)

    result = send(runner)

    assert result.exit_code == 1
    assert "Not sent (will retry next run)" in result.output
    unsent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
    assert len(list(unsent)) > 0


def test_without_a_server_development_prints_them(demo, runner):
    make_user(
        role=Role.SPOKE, spoke=get_organisation_by_code("bristol"), email="lead@bristol.example"
    )

    result = send(runner)

    assert "--- To: lead@bristol.example" in result.output
    assert date(2025, 1, 31).strftime("%B") in result.output
