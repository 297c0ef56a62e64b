"""``vrp grants`` and ``vrp returns``: grant figures and quarterly return files.

Thin wrappers: parse the options, call one query or use case, print. Problems go to stderr,
one per line with their sheet, row and column, and the exit code is 1.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import click
from flask.cli import with_appcontext

from auth.acting import acting_user, as_option
from auth.roles import Permission
from core.financial_year import FinancialYear, FinancialYearError
from core.money import format_gbp, format_plain
from core.problems import DomainError
from core.uploads import read_file
from extensions import db
from grants.figures import RecipientFigures, StreamTotals
from grants.returns.spreadsheet import import_return_file
from grants.returns.status import StatusReport, status_report
from grants.returns.template import build_template


@click.group("grants", help="Grant awards, allocations and the year's figures.")
def grants_cli() -> None:
    pass


@click.group("returns", help="Quarterly return spreadsheets: templates and imports.")
def returns_cli() -> None:
    pass


# --- vrp grants status ----------------------------------------------------------------------------


@grants_cli.command("status")
@click.option("--year", "year_text", required=True, help="Financial year, e.g. 2024-25.")
@click.option(
    "--quarter",
    type=click.IntRange(1, 4),
    default=None,
    help="As at the end of this quarter (default: every return counted so far).",
)
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@with_appcontext
def status_command(year_text: str, quarter: int | None, output: str) -> None:
    """Per recipient and grant: allocation, spent to date, forecast outturn, forecast (or, after
    the year-end close, final) underspend, match funding and match share. Spend counts from
    submitted and approved returns."""
    try:
        year = FinancialYear.parse(year_text).label
    except FinancialYearError as error:
        raise click.BadParameter(str(error), param_hint="--year") from None
    report = status_report(year, as_at_quarter=quarter)
    if output == "json":
        click.echo(json.dumps(status_json(report), indent=2))
        return
    if not report.rows:
        click.echo(f"No allocations or returns for {year}.")
        return
    click.echo(format_status_table(report))


def status_json(report: StatusReport) -> dict[str, Any]:
    """The report as JSON-ready data: money as strings with two decimals, shares as strings."""
    return {
        "financial_year": report.financial_year,
        "as_at_quarter": report.as_at_quarter,
        "recipients": [
            {
                "recipient": row.recipient,
                "name": report.names.get(row.recipient, row.recipient),
                "grant": row.stream,
                **_figures_json(row),
                "forecast_underspend": format_plain(row.forecast_underspend),
                "final_underspend": _plain(row.final_underspend),
                "underspend_is_final": row.is_closed,
                "claimed": format_plain(row.claimed),
                "latest_quarter": row.latest_quarter,
            }
            for row in report.rows
        ],
        "grants": [
            {
                "grant": total.stream,
                "recipients": total.recipients,
                **_figures_json(total),
                "closed": report.closed.get(total.stream, False),
                "claimed": format_plain(total.claimed),
                "labour_spend": format_plain(total.labour_spend),
                "labour_amount": _plain(total.labour_amount),
                "non_labour_spend": format_plain(total.non_labour_spend),
                "non_labour_amount": _plain(total.non_labour_amount),
            }
            for total in report.totals
        ],
    }


def _figures_json(figures: RecipientFigures | StreamTotals) -> dict[str, Any]:
    return {
        "allocation": format_plain(figures.allocation),
        "spent_to_date": format_plain(figures.spent_to_date),
        "forecast_outturn": format_plain(figures.forecast_outturn),
        "underspend": format_plain(figures.underspend),
        "match_cash": format_plain(figures.match_cash),
        "match_in_kind": format_plain(figures.match_in_kind),
        "match_total": format_plain(figures.match_total),
        "match_share_percent": _share(figures.match_share),
        "min_match_percent": _share(figures.min_match_percent),
        "meets_match_minimum": figures.meets_match_minimum,
        "interventions_share_percent": _share(figures.interventions_share),
    }


STATUS_COLUMNS = (
    "Recipient",
    "Grant",
    "Allocation",
    "Spent to date",
    "Forecast outturn",
    "Underspend",
    "Match funding",
    "Match share",
)


def format_status_table(report: StatusReport) -> str:
    """A plain-text table; an underspend marked (final) once the year is closed."""
    rows = []
    for row in report.rows:
        rows.append(
            _table_row(
                report.names.get(row.recipient, row.recipient), row.stream, row, row.is_closed
            )
        )
    for total in report.totals:
        rows.append(
            _table_row("All recipients", total.stream, total, total.final_underspend is not None)
        )
    widths = [
        max(len(str(r[i])) for r in [STATUS_COLUMNS, *rows]) for i in range(len(STATUS_COLUMNS))
    ]
    lines = [
        f"Grants status {report.financial_year}"
        + (f" as at Q{report.as_at_quarter}" if report.as_at_quarter else ""),
        "",
    ]
    for index, cells in enumerate([STATUS_COLUMNS, *rows]):
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i])
                for i, cell in enumerate(cells)
            ).rstrip()
        )
        if index == 0 or index == len(report.rows):
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    lines.append(
        "Underspend is allocation less forecast outturn (negative: overspend forecast); "
        "(final) once the year is closed."
    )
    return "\n".join(lines)


def _table_row(
    name: str, stream: str, figures: RecipientFigures | StreamTotals, closed: bool
) -> tuple[str, ...]:
    share = figures.match_share
    meets = figures.meets_match_minimum
    return (
        name,
        stream,
        format_gbp(figures.allocation),
        format_gbp(figures.spent_to_date),
        format_gbp(figures.forecast_outturn),
        format_gbp(figures.underspend) + (" (final)" if closed else ""),
        format_gbp(figures.match_total),
        "–" if share is None else f"{share}%" + ("" if meets is not False else " (below)"),
    )


def _plain(amount: Decimal | None) -> str | None:
    return None if amount is None else format_plain(amount)


def _share(percent: Decimal | None) -> str | None:
    return None if percent is None else str(percent)


# --- vrp returns template / import --------------------------------------------------------------


@returns_cli.command("template")
@click.option("--spoke", required=True, help="The spoke's code (e.g. bristol), or hub.")
@click.option("--grant", required=True, help="VRU or SVD.")
@click.option("--year", "year_text", required=True, help="Financial year, e.g. 2024-25.")
@click.option("--quarter", type=click.IntRange(1, 4), required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the XLSX (default: return-SPOKE-GRANT-YEAR-QN.xlsx here).",
)
@with_appcontext
def template_command(
    spoke: str, grant: str, year_text: str, quarter: int, out: Path | None
) -> None:
    """Write the quarterly return template for one spoke, grant and quarter, filled in with the
    return so far if it has been started."""
    try:
        name, content = build_template(
            spoke_code=spoke, grant_code=grant, financial_year=year_text, quarter=quarter
        )
    except DomainError as error:
        _fail(error, "no template was written")
    path = out or Path(name)
    path.write_bytes(content)
    click.echo(f"Wrote {path}")


@returns_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--spoke",
    "spoke_code",
    required=True,
    metavar="CODE",
    help="The spoke whose return this is; a file whose Return sheet names another is refused.",
)
@as_option
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@with_appcontext
def import_command(file: Path, spoke_code: str, as_email: str, dry_run: bool) -> None:
    """Import a filled-in return template for the spoke CODE, as the person EMAIL. A file with
    any problem is refused whole, and every problem is listed with its sheet, row and column."""
    user = acting_user(as_email, Permission.EDIT_RETURNS, "fill in returns")
    try:
        outcome = import_return_file(
            read_file(file), file.name, user=user, dry_run=dry_run, spoke=spoke_code
        )
    except DomainError as error:
        db.session.rollback()
        _fail(error, "nothing was imported")
    matches = f"{outcome.match_lines} match funding line" + (
        "" if outcome.match_lines == 1 else "s"
    )
    if outcome.dry_run:
        click.echo(
            f"Would import {outcome.lines} lines and {matches} into the {outcome.title}"
            + (" (starting it)" if outcome.created else "")
            + "; nothing was written."
        )
    else:
        click.echo(
            f"Imported {outcome.lines} lines and {matches} into the {outcome.title}"
            + (" (started it)" if outcome.created else "")
            + "."
        )


def _fail(error: DomainError, consequence: str) -> NoReturn:
    click.echo(f"Error: {error.message}; {consequence}.", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)
