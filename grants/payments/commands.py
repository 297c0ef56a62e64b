"""``vrp grants position --year Y``: where every pound stands, per recipient and grant.
``vrp payments list --year Y`` and ``vrp payments reverse ID --reason TEXT --as EMAIL``: the
year's payments, and reversing one recorded by mistake (as someone allowed to, audited)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from auth.acting import acting_user, as_option
from auth.roles import Permission
from core.financial_year import FinancialYear, FinancialYearError
from core.money import format_gbp, format_plain
from core.problems import DomainError
from extensions import db
from grants.payments import services
from grants.payments.position import Position
from grants.payments.queries import PositionReport, payments_of, position_report
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


@click.group("payments", help="Payments made against the grant agreements.")
def payments_cli() -> None:
    pass


@payments_cli.command("list")
@click.option("--year", "year_text", required=True, help="Financial year, e.g. 2024-25.")
@with_appcontext
def list_command(year_text: str) -> None:
    """The year's payments with their ids (for ``vrp payments reverse``), reversed ones marked."""
    try:
        year = FinancialYear.parse(year_text).label
    except FinancialYearError as error:
        raise click.BadParameter(str(error), param_hint="--year") from None
    payments = payments_of(year)
    if not payments:
        click.echo(f"No payments are recorded for {year}.")
    for p in payments:
        state = f"  REVERSED: {p.reversal_reason}" if p.is_reversed else ""
        click.echo(
            f"{p.id:>6}  {p.paid_on.isoformat()}  {p.payment_reference}  {p.recipient.name} "
            f"{p.grant_stream.code} Q{p.quarter}  {format_gbp(p.amount)}{state}"
        )


@payments_cli.command("reverse")
@click.argument("payment_id", type=click.IntRange(1, 2**63 - 1), metavar="ID")
@click.option("--reason", required=True, help="Why the payment is reversed (kept and audited).")
@as_option
@with_appcontext
def reverse_command(payment_id: int, reason: str, as_email: str) -> None:
    """Reverse payment ID, recorded by mistake: it is kept, marked reversed, and no longer
    counts as paid, so its quarter may be paid again."""
    user = acting_user(as_email, Permission.MANAGE_GRANTS, "reverse payments")
    try:
        payment = services.reverse_payment(payment_id, reason, user=user)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Error: {error.message}.", err=True)
        for problem in error.problems:
            click.echo(f"  {problem.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Reversed {payment.reference}; Q{payment.quarter} may be paid again.")
