"""``vrp interventions export --year Y --format csv|xlsx``: the register for a year."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from auth.models import User
from auth.roles import Role
from commissioning.interventions import queries
from exports.csvs import write_csv
from exports.spreadsheets import write_xlsx

interventions_cli = AppGroup("interventions", help="The interventions register.")


@interventions_cli.command("export")
@click.option("--year", "year", required=True, help="Financial year, e.g. 2023-24.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default: stdout).")
def export_command(year: str, fmt: str, out: Path | None) -> None:
    """Every intervention of YEAR with its reach for the year."""
    everyone = User(role=Role.AUDITOR)  # the command line reads everything
    rows = queries.export_rows(queries.interventions(everyone, queries.Filters(year=year)), year)
    body = write_xlsx({f"Interventions {year}": rows}) if fmt == "xlsx" else write_csv(rows)
    if out is not None:
        out.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        click.echo(f"Wrote {len(rows) - 1} interventions to {out}")
    elif isinstance(body, bytes):
        raise click.UsageError("XLSX goes to a file: add --out FILE")
    else:
        sys.stdout.write(body)
