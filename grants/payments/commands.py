"""``vrp grants position --year Y``: where every pound stands, per recipient and grant."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.financial_year import FinancialYear, FinancialYearError
from core.money import format_gbp, format_plain
from grants.payments.position import Position
from grants.payments.queries import PositionReport, position_report
from grants.payments.spreadsheet import position_workbook

COLUMNS = ("Recipient", "Grant", "Allocated", "Claimed", "Paid", "Spent", "Left to pay")


@click.command("position")
@click.option("--year", "year_text", required=True, help="Financial year, e.g. 2024-25.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "xlsx"]),
    default="table",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (needed for xlsx).",
)
@with_appcontext
def position_command(year_text: str, output: str, out: Path | None) -> None:
    """Allocated, claimed, paid, spent and left to pay, per recipient and grant, with totals."""
    try:
        year = FinancialYear.parse(year_text).label
    except FinancialYearError as error:
        raise click.BadParameter(str(error), param_hint="--year") from None
    report = position_report(year)
    if output == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx needs --out FILE")
        out.write_bytes(position_workbook(report))
        click.echo(f"Wrote {out}")
        return
    text = (
        json.dumps(position_json(report), indent=2)
        if output == "json"
        else format_position_table(report)
    )
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


def position_json(report: PositionReport) -> dict[str, object]:
    def one(row: Position) -> dict[str, object]:
        return {
            "recipient": report.names.get(row.recipient, row.recipient),
            "recipient_code": row.recipient,
            "grant": row.stream,
            **{
                name: format_plain(getattr(row, name))
                for name in ("allocated", "claimed", "paid", "spent", "remaining")
            },
        }

    return {
        "financial_year": report.financial_year,
        "rows": [one(r) for r in report.rows],
        "totals": [one(r) for r in report.by_stream],
        "overall": one(report.overall),
    }


def format_position_table(report: PositionReport) -> str:
    rows = [
        [
            report.names.get(r.recipient, r.recipient),
            r.stream or "All",
            *(
                format_gbp(getattr(r, n))
                for n in ("allocated", "claimed", "paid", "spent", "remaining")
            ),
        ]
        for r in [*report.rows, *report.by_stream, report.overall]
    ]
    if not report.rows:
        return f"No allocations in {report.financial_year}."
    widths = [max(len(str(c)) for c in column) for column in zip(COLUMNS, *rows, strict=True)]
    lines = [
        "  ".join(
            h.ljust(w) if i < 2 else h.rjust(w)
            for i, (h, w) in enumerate(zip(COLUMNS, widths, strict=True))
        )
    ]
    for row in rows:
        lines.append(
            "  ".join(
                str(c).ljust(w) if i < 2 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)
