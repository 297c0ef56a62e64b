"""The ``formula`` click group: ``vrp formula run`` works on files alone.

What lives here: thin click wrappers that parse options, call ``formulas.files.run_formula_files``
and render the result. What must not: Flask, the database, or any rule of the formula. The group
is a plain ``click.Group``, so it runs without an app context; the lead engineer attaches it to
the ``vrp`` FlaskGroup and adds the database-backed ``import-indicators`` beside ``run``.

Problems go to stderr with exit status 1, each naming file, row and column; a bad option is a
usage error (exit status 2).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import click

from core.money import MoneyError, to_money
from core.problems import DomainError
from exports.spreadsheets import write_xlsx
from formulas.files import run_formula_files
from formulas.report import (
    build_json,
    build_sheets,
    describe_unused,
    format_csv,
    format_table,
)

FORMATS = ("table", "json", "csv", "xlsx")
EXPONENT = re.compile(r"\d[eE][+-]?\d")  # 1e6, 1.5E+3: a number in exponent notation
_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def formula() -> None:
    """Run the funding formula."""


def _parse_pot(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    if EXPONENT.search(value):
        raise click.BadParameter(
            f"{value} is in exponent notation; write the amount out in full, e.g. 1000000.00"
        )
    try:
        pot = to_money(value, field="--pot")
    except MoneyError as error:
        raise click.BadParameter(str(error).removeprefix("--pot: ")) from None
    if pot < 0:
        raise click.BadParameter(f"{value} is negative")
    return pot


@formula.command("run")
@click.argument("formula_file", type=_EXISTING_FILE)
@click.option(
    "--indicators",
    "indicators_file",
    required=True,
    type=_EXISTING_FILE,
    help="CSV or XLSX: recipient,indicator,value,source,as_of (one row per spoke per indicator).",
)
@click.option(
    "--previous",
    "previous_file",
    type=_EXISTING_FILE,
    help="CSV or XLSX: recipient,amount (last year's allocations, for damping and change).",
)
@click.option(
    "--pot",
    callback=_parse_pot,
    metavar="AMOUNT",
    help="Use this pot instead of the formula's (e.g. the confirmed grant).",
)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output (required for xlsx).",
)
def run(
    formula_file: Path,
    indicators_file: Path,
    previous_file: Path | None,
    pot: Decimal | None,
    output_format: str,
    out: Path | None,
) -> None:
    """Share a pot among the spokes with the formula in FORMULA_FILE."""
    if output_format == "xlsx" and out is None:
        raise click.UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
    try:
        result = run_formula_files(formula_file, indicators_file, previous_file, pot)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    if result.unused_indicators and output_format != "table":
        click.echo(describe_unused(result.unused_indicators), err=True)
    if output_format == "xlsx":
        content: bytes | str = write_xlsx(build_sheets(result))
    elif output_format == "json":
        content = json.dumps(build_json(result), indent=2) + "\n"
    elif output_format == "csv":
        content = format_csv(result)
    else:
        content = format_table(result)
    if out is None:
        click.echo(content, nl=False)
    elif isinstance(content, bytes):
        out.write_bytes(content)
        click.echo(f"Wrote {out}", err=True)
    else:
        out.write_text(content, encoding="utf-8", newline="")
        click.echo(f"Wrote {out}", err=True)
