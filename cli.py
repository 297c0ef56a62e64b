"""The ``vrp`` command line: Flask's CLI over ``create_app``, with the project's groups.

``vrp db upgrade`` (Flask-Migrate), ``vrp setup``, ``vrp demo``, ``vrp users ...``,
``vrp serve``, ``vrp formula ...``. ``flask --app app`` works too. ``vrp formula run`` works on
files alone, with no database. ``vrp --env-file FILE`` reads settings from a file first.

A setting that is missing or wrong, or a database that cannot be reached or is not migrated, is
one clear line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from allocations.commands import import_indicators_command
from app import create_app
from config import ConfigError
from formulas.commands import formula as formula_cli


@click.group(
    cls=FlaskGroup,
    create_app=create_app,
    add_version_option=False,
    help="Grant funding and commissioning for the Violence Reduction Partnership.",
)
def main() -> None:
    """The ``vrp`` command group (``run`` is the console script around it)."""


formula_cli.add_command(import_indicators_command)
main.add_command(formula_cli)


def run() -> None:
    """Entry point of the ``vrp`` console script."""
    try:
        main.main(prog_name="vrp")
    except ConfigError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    except (OperationalError, ProgrammingError) as error:
        click.echo(f"Error: {database_problem(error)}", err=True)
        sys.exit(2)


def database_problem(error: Exception) -> str:
    """What a database error means for someone running a command."""
    text = str(getattr(error, "orig", error))
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return "the database is not set up yet: run `vrp db upgrade` first."
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return f"the database cannot be used: {first}. Check DATABASE_URL and that the server is up."


if __name__ == "__main__":
    run()
