"""``vrp providers list|expiring``: thin wrappers over the provider queries."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from commissioning.providers import queries

providers_cli = AppGroup("providers", help="Commissioned providers and their due diligence.")


@providers_cli.command("list")
def list_command() -> None:
    """Every provider, its org identifier and whether its due diligence blocks a contract."""
    today = date.today()
    for provider in queries.providers():
        blockers = queries.blockers_for(provider, today)
        state = "ready" if not blockers else "blocked: " + "; ".join(b.message for b in blockers)
        click.echo(f"{provider.name}\t{provider.org_identifier or '-'}\t{state}")


@providers_cli.command("expiring")
@click.option("--days", default=60, show_default=True, help="How far ahead to look.")
def expiring_command(days: int) -> None:
    """Due-diligence checks that expire in the next DAYS days."""
    rows = queries.expiring_soon(date.today(), days)
    if not rows:
        click.echo(f"Nothing expires in the next {days} days.")
    for row in rows:
        click.echo(f"{row.expires_on:%d %b %Y}\t{row.provider.name}\t{row.check_name}")
