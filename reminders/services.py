"""Making and sending reminders.

Rules, decided here:
- Spoke leads (and the Hub's staff) hear about each of their returns not yet submitted when it is
  due within 14 days ("due soon") and again once it is late ("overdue"): at most those two
  messages per return and person, ever.
- Finance officers hear about each due-diligence item expiring in the next 60 days (once per item
  and expiry date) and each return submitted and awaiting their review (once per submission).
- Every message is written to the outbox first with a unique key; sending marks it sent. A run
  that fails half way leaves the rest unsent for the next run, and nothing is ever sent twice.
- Without an SMTP server configured (development), messages are printed instead of sent.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from auth.models import User
from auth.roles import Permission, Role
from commissioning.providers.queries import expiring_soon
from database import utcnow
from extensions import db
from grants.returns import queries as return_queries
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import ReviewStatus
from reference.queries import current_financial_year
from reminders.models import OutboxMessage
from web.templating import format_day

DUE_SOON = timedelta(days=14)


@dataclass(frozen=True)
class Reminder:
    key: str
    to_email: str
    subject: str
    body: str


def due_reminders(today: date) -> list[Reminder]:
    """Every reminder that today calls for, whether or not it was made before."""
    reminders: list[Reminder] = []
    users = list(db.session.scalars(select(User).where(User.active.is_(True))))
    year = current_financial_year(today)
    years = [year.previous().label, year.label]
    for user in users:
        if user.can(Permission.EDIT_RETURNS) and user.role in (Role.SPOKE, Role.HUB):
            reminders.extend(_returns_due(user, years, today))
        if user.can(Permission.REVIEW_RETURNS):
            reminders.extend(_finance(user, today))
    return reminders


def _returns_due(user: User, years: list[str], today: date) -> Iterable[Reminder]:
    for year in years:
        for row in return_queries.return_grid(user, year, today=today):
            if not row.can_edit:
                continue
            for quarter in (1, 2, 3, 4):
                ret = row.returns[quarter]
                if ret is not None and ret.status not in (
                    ReviewStatus.DRAFT,
                    ReviewStatus.RETURNED,
                ):
                    continue
                if ret is None and not row.has_plan:
                    continue
                due = row.due[quarter]
                stage = (
                    "overdue"
                    if row.overdue[quarter]
                    else ("due-soon" if due - today <= DUE_SOON else None)
                )
                if stage is None:
                    continue
                what = f"{row.recipient.name} {row.stream.name} {year} Q{quarter} return"
                late = stage == "overdue"
                yield Reminder(
                    key=f"return-{stage}:{user.id}:{row.recipient.code}:{row.stream.code}:"
                    f"{year}:{quarter}",
                    to_email=user.email,
                    subject=f"{'Overdue' if late else 'Due soon'}: the {what}",
                    body=(
                        f"Dear {user.name},\n\nThe {what} "
                        f"{'was' if late else 'is'} due on {format_day(due)}"
                        f"{' and has not been submitted yet' if late else ''}.\n\n"
                        "Fill it in and submit it under Returns, on the web or with the "
                        "spreadsheet template.\n"
                    ),
                )


def _finance(user: User, today: date) -> Iterable[Reminder]:
    for item in expiring_soon(today):
        yield Reminder(
            key=f"due-diligence:{user.id}:{item.provider.id}:{item.check_name}:{item.expires_on}",
            to_email=user.email,
            subject=f"Due diligence expiring: {item.provider.name}, {item.check_name}",
            body=(
                f"Dear {user.name},\n\n{item.provider.name}'s {item.check_name} expires on "
                f"{format_day(item.expires_on)}. Until it is renewed and checked, no new "
                "contract can be made with them.\n"
            ),
        )
    waiting = db.session.scalars(
        select(QuarterlyReturn).where(QuarterlyReturn.status == ReviewStatus.SUBMITTED)
    )
    for ret in waiting:
        what = (
            f"{ret.recipient.name} {ret.grant_stream.name} {ret.financial_year} "
            f"Q{ret.quarter} return"
        )
        submitted = ret.submitted_at.isoformat() if ret.submitted_at else "?"
        yield Reminder(
            key=f"review:{user.id}:{ret.id}:{submitted}",
            to_email=user.email,
            subject=f"To review: the {what}",
            body=(
                f"Dear {user.name},\n\nThe {what} was submitted"
                f"{' on ' + format_day(ret.submitted_at) if ret.submitted_at else ''} "
                "and is waiting for your review under Returns.\n"
            ),
        )


@dataclass(frozen=True)
class SendReport:
    made: int
    sent: int
    failed: list[str]
    messages: list[Reminder]


def send_reminders(
    today: date, *, dry_run: bool = False, echo: Callable[[str], None] = print
) -> SendReport:
    """Put today's new reminders in the outbox, then send everything unsent. ``dry_run`` says
    what would be made and writes and sends nothing."""
    known = set(db.session.scalars(select(OutboxMessage.key)))
    new = [r for r in due_reminders(today) if r.key not in known]
    unique = list({r.key: r for r in new}.values())
    if dry_run:
        return SendReport(made=len(unique), sent=0, failed=[], messages=unique)
    for reminder in unique:
        db.session.add(
            OutboxMessage(
                key=reminder.key,
                to_email=reminder.to_email,
                subject=reminder.subject,
                body=reminder.body,
            )
        )
    db.session.commit()
    sent, failed = 0, []
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    ):
        try:
            _deliver(message, echo)
        except (OSError, smtplib.SMTPException) as error:
            message.failure = str(error)[:500]
            failed.append(f"{message.to_email}: {message.subject}: {error}")
        else:
            message.sent_at, message.failure = utcnow(), None
            sent += 1
        db.session.commit()  # each message's outcome kept, whatever happens to the next
    return SendReport(made=len(unique), sent=sent, failed=failed, messages=unique)


def _deliver(message: OutboxMessage, echo: Callable[[str], None]) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email.set_content(message.body)
    host = config.get("SMTP_HOST")
    if not host:
        echo(f"--- To: {message.to_email}\n--- Subject: {message.subject}\n{message.body}")
        return
    with smtplib.SMTP(host, config["SMTP_PORT"], timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(email)
