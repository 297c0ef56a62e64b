"""The ``vrp`` command line: Flask's CLI over ``create_app``, with the project's groups.

``vrp db upgrade`` (Flask-Migrate), ``vrp demo``, ``vrp users ...``, ``vrp formula ...``.
``flask --app app`` works too. ``vrp formula run`` works on files alone, with no database.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from allocations.commands import import_indicators_command
from app import create_app
from formulas.commands import formula as formula_cli


@click.group(
    cls=FlaskGroup,
    create_app=create_app,
    add_version_option=False,
    help="Grant funding and commissioning for the Violence Reduction Partnership.",
)
def main() -> None:
    """Entry point of the ``vrp`` console script."""


formula_cli.add_command(import_indicators_command)
main.add_command(formula_cli)
