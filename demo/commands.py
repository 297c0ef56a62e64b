"""``vrp demo``: load the Avon and Somerset demonstration data.

Made-up figures must never land on a real partnership's records: the command refuses outside
development (``VRP_ENV=development``) and on a database that holds anything but the demo,
unless told ``--force``, and says why.
"""

from __future__ import annotations

import click
from flask import current_app, g
from flask.cli import with_appcontext

from demo.services import foreign_records, load_demo


@click.command("demo", help="Load the Avon and Somerset demo data (safe to run twice).")
@click.option(
    "--force", is_flag=True, help="Load it even outside development or beside other data."
)
@with_appcontext
def demo_command(force: bool) -> None:
    g.cli_actor = "cli:demo"
    if not force:
        if current_app.config["APP_ENV"] not in ("development", "testing"):
            raise click.ClickException(
                "vrp demo loads made-up data, so it runs only with VRP_ENV=development "
                f"(this is {current_app.config['APP_ENV']!r}). Use --force if you really mean it."
            )
        found = foreign_records()
        if found:
            raise click.ClickException(
                "this database holds records that are not the demo's ("
                + "; ".join(found[:5])
                + ("; ..." if len(found) > 5 else "")
                + "), so the demo was not loaded. Use an empty database, or --force."
            )
    report = load_demo()
    if report.created:
        click.echo(f"Loaded {len(report.created)} demo records.")
    else:
        click.echo("The demo data was already loaded; nothing changed.")
    click.echo("\nDemo sign-ins (every account uses the same demo password):")
    for email, password, role in report.sign_ins:
        click.echo(f"  {role:28} {email:32} {password}")
