"""``vrp demo``: load the Avon and Somerset demonstration data."""

from __future__ import annotations

import click
from flask import g
from flask.cli import with_appcontext

from demo.services import load_demo


@click.command("demo", help="Load the Avon and Somerset demo data (safe to run twice).")
@with_appcontext
def demo_command() -> None:
    g.cli_actor = "cli:demo"
    report = load_demo()
    if report.created:
        click.echo(f"Loaded {len(report.created)} demo records.")
    else:
        click.echo("The demo data was already loaded; nothing changed.")
    click.echo("\nDemo sign-ins (every account uses the same demo password):")
    for email, password, role in report.sign_ins:
        click.echo(f"  {role:28} {email:32} {password}")
