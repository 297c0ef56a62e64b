"""``vrp reminders send [--dry-run]``: meant to run once a day (cron or a systemd timer)."""

from __future__ import annotations

from datetime import date

import click
from flask import g
from flask.cli import with_appcontext

from reminders.services import send_reminders


@click.group("reminders", help="Email reminders: returns due, reviews waiting, due diligence.")
def reminders_cli() -> None:
    pass


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send and record nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this date (YYYY-MM-DD), for a catch-up run.",
)
@with_appcontext
def send_command(dry_run: bool, today: object) -> None:
    """Make today's reminders, record them in the outbox and send every unsent one."""
    g.cli_actor = "cli:reminders send"
    day = today.date() if today is not None else date.today()  # type: ignore[attr-defined]
    report = send_reminders(day, dry_run=dry_run, echo=click.echo)
    if dry_run:
        for reminder in report.messages:
            click.echo(f"Would send to {reminder.to_email}: {reminder.subject}")
        click.echo(f"Dry run: {report.made} new reminders; nothing was sent or recorded.")
        return
    click.echo(f"{report.made} new reminders; {report.sent} sent.")
    for failure in report.failed:
        click.echo(f"Not sent (will retry next run): {failure}", err=True)
    if report.failed:
        raise SystemExit(1)
