"""``vrp setup FILE``: set up (or update) the partnership from its set-up file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext

from core.problems import DomainError
from extensions import db
from partnership.services import apply_setup
from partnership.setup_file import parse_setup_file


@click.command("setup")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change.")
@with_appcontext
def setup_command(file: Path, dry_run: bool) -> None:
    """Create or update the OPCC, its Hub, the spokes, grant streams and financial years from a
    set-up file (see examples/partnerships/). Safe to run again: what is already there and
    unchanged is left alone, and nothing is ever deleted."""
    g.cli_actor = "cli:setup"
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file.name} is not a text file (UTF-8)") from None
    try:
        report = apply_setup(parse_setup_file(text, file.name), dry_run=dry_run)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.message}; nothing was written.", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    verb = "Would create" if dry_run else "Created"
    for line in report.created:
        click.echo(f"{verb} {line}")
    for line in report.updated:
        click.echo(f"{'Would update' if dry_run else 'Updated'} {line}")
    for line in report.left_alone:
        click.echo(f"Left as it is: {line}")
    if not report.changed:
        click.echo("The partnership is already set up as the file says; nothing changed.")
    elif dry_run:
        click.echo("Dry run: nothing was written.")
