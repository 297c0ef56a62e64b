"""``vrp formula import-indicators``: the database-backed member of the formula group."""

from __future__ import annotations

from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext

from allocations.services import import_indicator_dataset
from core.problems import DomainError
from extensions import db


@click.command("import-indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--name", required=True, help="The dataset's name; an existing name gets a new version."
)
@with_appcontext
def import_indicators_command(file: Path, name: str) -> None:
    """Import an indicator file (CSV or XLSX: recipient,indicator,value,source,as_of) as a new
    version of the dataset NAME. A file with any bad row is refused whole."""
    g.cli_actor = "cli:formula import-indicators"
    try:
        dataset = import_indicator_dataset(
            file.read_bytes(), filename=file.name, name=name, user=None
        )
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.message}; nothing was imported.", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    spokes = len({v.recipient_code for v in dataset.values})
    click.echo(
        f"Imported {len(dataset.values)} values for {spokes} spokes as {dataset.title} "
        f"(dataset {dataset.id})."
    )
