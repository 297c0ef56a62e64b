"""``vrp formula import-indicators``: the database-backed member of the formula group."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from allocations.services import import_indicator_dataset
from auth.acting import acting_user, as_option
from auth.roles import Permission
from core.problems import DomainError
from core.uploads import read_file
from extensions import db


@click.command("import-indicators")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--name", required=True, help="The dataset's name; an existing name gets a new version."
)
@as_option
@with_appcontext
def import_indicators_command(file: Path, name: str, as_email: str) -> None:
    """Import an indicator file (CSV or XLSX: recipient,indicator,value,source,as_of) as a new
    version of the dataset NAME, as the person EMAIL. A file with any bad row is refused whole."""
    user = acting_user(as_email, Permission.MANAGE_FORMULAS, "import indicator datasets")
    try:
        dataset = import_indicator_dataset(
            read_file(file), filename=file.name, name=name, user=user
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
