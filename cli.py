"""The ``vrp`` command line: Flask's CLI over ``create_app``, with the project's groups.

``vrp db upgrade`` (Flask-Migrate), ``vrp demo``, ``vrp users create``, ``vrp formula ...``.
``flask --app app`` works too.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from app import create_app
# from formulas.commands import formula_cli  (re-enable when formulas.commands lands)


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False,
             help="Grant funding and commissioning for the Violence Reduction Partnership.")
def main() -> None:
    """Entry point of the ``vrp`` console script."""


# main.add_command(formula_cli)
