"""``vrp grants`` and ``vrp returns``: grant figures and quarterly return files."""

from __future__ import annotations

import click


@click.group("grants", help="Grant awards, allocations and the year's figures.")
def grants_cli() -> None:
    pass


@click.group("returns", help="Quarterly return spreadsheets: templates and imports.")
def returns_cli() -> None:
    pass
