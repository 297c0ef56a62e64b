"""A ``document.Report`` as an XLSX workbook, through ``exports.spreadsheets.write_xlsx``.

The first worksheet is the summary (title, notes, and each sheet's intro); then one worksheet
per table: the partnership's name, the report's title (with DRAFT when it is one), the table's
title, then the frozen header row, the rows, and a total row of real ``SUM`` formulas that
carry their values, so every viewer shows them without recalculating.
"""

from __future__ import annotations

from decimal import Decimal

from exports.spreadsheets import Formula, SheetLayout, write_xlsx
from reports.document import COUNT, MONEY, PERCENT, Report, Table

PERCENT_FORMAT = '0.00"%"'
COUNT_FORMAT = "#,##0"
MAX_NAME = 31


def column_letter(index: int) -> str:
    """The spreadsheet's name for a 0-based column.

    >>> column_letter(0), column_letter(27)
    ('A', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _title_rows(report: Report, *lines: str) -> list[list[object]]:
    rows: list[list[object]] = [[report.partnership], [report.heading], [report.subtitle]]
    if report.is_draft:
        rows.append(["DRAFT: not for submission. " + " ".join(report.draft_reasons)])
    rows.extend([[line] for line in lines if line])
    rows.append([])
    return rows


def _cell(kind: str, value: object) -> object:
    if value is None:
        return None
    if kind == PERCENT and isinstance(value, Decimal):
        return (value, PERCENT_FORMAT)
    return value


def _table_rows(table: Table, first_data_row: int) -> list[list[object]]:
    """The header, the rows and the total row; ``first_data_row`` is 0-based."""
    rows: list[list[object]] = [[c.heading for c in table.columns]]
    for row in table.rows:
        rows.append([_cell(c.kind, v) for c, v in zip(table.columns, row, strict=True)])
    if table.total and table.rows:
        totals = table.totals()
        last = first_data_row + len(table.rows)  # 1-based number of the last data row
        total_row: list[object] = []
        for index, (column, value) in enumerate(zip(table.columns, totals, strict=True)):
            letter = column_letter(index)
            text = f"=SUM({letter}{first_data_row + 1}:{letter}{last})"
            if column.kind == MONEY and isinstance(value, Decimal):
                total_row.append(Formula(text, value))
            elif column.kind == COUNT and isinstance(value, int):
                total_row.append(Formula(text, Decimal(value), COUNT_FORMAT))
            else:
                total_row.append(value)
        rows.append(total_row)
    return rows


def _unique(name: str, taken: set[str]) -> str:
    base = name.replace("/", " ").replace(":", " ")[:MAX_NAME]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: MAX_NAME - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def build_workbook(report: Report) -> bytes:
    sheets: dict[str, list[list[object]]] = {}
    layouts: dict[str, SheetLayout] = {}
    taken: set[str] = set()
    page_header = "&CDRAFT" if report.is_draft else None

    summary = _title_rows(report)
    for note in report.notes:
        summary.append([note])
    for sheet in report.sheets:
        for label, value in sheet.intro:
            summary.append([f"{sheet.name}: {label}", value])
    name = _unique("Summary", taken)
    sheets[name] = summary
    layouts[name] = SheetLayout(
        widths={0: 60, 1: 40}, header_row=len(summary), page_header=page_header
    )

    for sheet in report.sheets:
        for table in sheet.tables:
            intro = [f"{label}: {value}" for label, value in sheet.intro]
            title = (
                table.title
                if table.title.startswith(sheet.name)
                else f"{sheet.name}: {table.title}"
            )
            top = _title_rows(report, title, *intro, table.note or "")
            rows = [*top, *_table_rows(table, first_data_row=len(top) + 1)]
            name = _unique(
                table.sheet_name or _sheet_name(sheet.name, table.title, len(sheet.tables)), taken
            )
            sheets[name] = rows
            layouts[name] = SheetLayout(
                header_row=len(top),
                landscape=True,
                fit_to_width=True,
                repeat_header=True,
                page_header=page_header,
            )
    return write_xlsx(sheets, layouts)


def _sheet_name(sheet: str, table: str, tables: int) -> str:
    return sheet if tables == 1 else table
