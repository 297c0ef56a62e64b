"""``vrp gaps --year Y [--format table|csv|xlsx|json] [--out FILE]``: the gap map for a year."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from auth.models import User
from auth.roles import Role
from commissioning.gaps import queries
from exports.csvs import write_csv
from exports.spreadsheets import write_xlsx


@click.command("gaps")
@click.option("--year", required=True, help="Financial year, e.g. 2023-24.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "json"]), default="table"
)
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default: stdout).")
@with_appcontext
def gaps_command(year: str, fmt: str, out: Path | None) -> None:
    """Coverage of the 14 intervention types in each spoke, with gaps, duplication, unequal
    access and evidence strength."""
    report = queries.gap_report(User(role=Role.AUDITOR), year)
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("XLSX goes to a file: add --out FILE")
        out.write_bytes(write_xlsx(queries.export_rows(report)))
        click.echo(f"Wrote the {year} gap map to {out}")
        return
    if fmt == "csv":
        text = write_csv(queries.export_rows(report)["Coverage"])
    elif fmt == "json":
        text = json.dumps(queries.report_json(report), indent=2) + "\n"
    else:
        text = format_table(report)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def format_table(report: queries.GapReport) -> str:
    m = report.gap_map
    names, types = report.spoke_names, report.type_names
    width = max(len(names.get(s, s)) for s in m.spokes) if m.spokes else 5
    lines = [f"Gap map {report.year}: interventions per type (* needed, ! gap)"]
    lines.append(" " * width + "  " + " ".join(f"{i + 1:>3} " for i in range(len(m.types))))
    for spoke in m.spokes:
        cells = []
        for type_ in m.types:
            cell = m.cell(spoke, type_)
            mark = "!" if cell.is_gap else "*" if cell.needed else " "
            cells.append(f"{cell.count:>3}{mark}")
        lines.append(f"{names.get(spoke, spoke):<{width}}  " + " ".join(cells))
    lines.append("")
    lines.extend(f"{i + 1:>4}  {types.get(t, t)}" for i, t in enumerate(m.types))
    lines.append("")
    lines.append(f"Gaps ({len(m.gaps)}):")
    lines.extend(f"  {names.get(s, s)}: {types.get(t, t)}" for s, t in m.gaps)
    lines.append(f"Duplication ({len(m.duplicates)}):")
    lines.extend(
        f"  {names.get(d.spoke, d.spoke)}: {d.count} x {types.get(d.type, d.type)} "
        f"for {d.cohort or '-'} ({d.age_band or '-'})"
        for d in m.duplicates
    )
    lines.append(f"Unequal access ({len(m.unequal_access)}):")
    lines.extend(
        f"  {types.get(u.type, u.type)}: not in " + ", ".join(names.get(s, s) for s in u.missing_in)
        for u in m.unequal_access
    )
    return "\n".join(lines) + "\n"
