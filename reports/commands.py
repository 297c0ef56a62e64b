"""``vrp report delivery-plan|quarterly-return|annual-summary`` and ``vrp export 360giving``:
thin wrappers over ``reports.queries`` and the writers. An unknown year, grant, spoke or
quarter, or a draft not asked for, prints one line on standard error and exits with status 1.
Each generation shows its steps on standard error, since a PDF can take a while."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import with_appcontext

from reports import annual, delivery, giving, queries
from reports.document import Report
from reports.pages import build_pdf
from reports.workbook import build_workbook

OUT = click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write."
)
YEAR = click.option("--year", required=True, help="Financial year, e.g. 2023-24.")
DRAFT = click.option(
    "--draft", is_flag=True, help="Produce it even with returns or plans in draft, marked DRAFT."
)


def _step(text: str) -> None:
    click.echo(text, err=True)


def _write(gather: Callable[[], Report], fmt: str, out: Path) -> None:
    _step("Gathering the records...")
    try:
        report = gather()
    except queries.ReportError as error:
        raise click.ClickException(str(error)) from None
    if report.is_draft:
        _step("DRAFT: " + " ".join(report.draft_reasons))
    _step(f"Writing {fmt.upper()}...")
    body = build_pdf(report) if fmt == "pdf" else build_workbook(report)
    out.write_bytes(body)
    _step(f"Wrote {out} ({len(body):,} bytes).")


@click.group("report")
def report_cli() -> None:
    """Home Office outputs: delivery plans, quarterly spend returns, the annual summary."""


@report_cli.command("quarterly-return")
@click.option("--grant", "grant", required=True, help="Grant stream code, e.g. VRU or SVD.")
@YEAR
@click.option("--quarter", type=int, required=True, help="1, 2, 3 or 4.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), default="xlsx")
@OUT
@DRAFT
@with_appcontext
def quarterly_return_command(
    grant: str, year: str, quarter: int, fmt: str, out: Path, draft: bool
) -> None:
    """The quarterly Home Office spend return for one grant, across its recipients."""
    _write(lambda: queries.quarterly_return(grant, year, quarter, allow_draft=draft), fmt, out)


@report_cli.command("annual-summary")
@YEAR
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf")
@OUT
@DRAFT
@with_appcontext
def annual_summary_command(year: str, fmt: str, out: Path, draft: bool) -> None:
    """The year's summary of finances, as in the annual report."""
    _write(lambda: annual.annual_summary(year, allow_draft=draft), fmt, out)


@report_cli.command("delivery-plan")
@YEAR
@click.option("--spoke", help="A spoke's (or the Hub's) code; the whole partnership without it.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf")
@OUT
@DRAFT
@with_appcontext
def delivery_plan_command(year: str, spoke: str | None, fmt: str, out: Path, draft: bool) -> None:
    """The delivery plans for the year: one recipient's, or consolidated."""
    _write(lambda: delivery.delivery_plan(year, spoke, allow_draft=draft), fmt, out)


@click.group("export")
def export_cli() -> None:
    """Open data."""


@export_cli.command("360giving")
@YEAR
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@OUT
@with_appcontext
def giving_command(year: str, fmt: str, out: Path) -> None:
    """The year's grants in the 360Giving Data Standard, checked against its schema."""
    _step("Gathering the grants...")
    try:
        grants = giving.year_grants(year)
    except queries.ReportError as error:
        raise click.ClickException(str(error)) from None
    problems = giving.validate(grants)
    if problems:
        raise click.ClickException(
            "The data does not meet the 360Giving schema:\n" + "\n".join(problems)
        )
    body = giving.as_json(grants) if fmt == "json" else giving.as_csv(grants)
    out.write_bytes(body)
    _step(f"Wrote {len(grants)} grants to {out}.")
