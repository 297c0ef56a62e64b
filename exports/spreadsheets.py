"""XLSX workbooks from plain rows: ``write_xlsx({"Sheet": [[header...], [cell...]]}) -> bytes``.

What lives here: the one XLSX writer (xlsxwriter). Callers pass rows of plain values; the first
row of each sheet is its header. What must not: knowing what the rows mean.

Cells by type:

- ``Decimal``: money, written as a number with a £ format so the spreadsheet can sum it;
- a pair ``(Decimal, num_format)``: a number that is not money (a share, a percent, a count)
  with its Excel number format, e.g. ``(Decimal("0.269557"), "0.000000")``;
- ``int``: a number; ``bool``: TRUE/FALSE; ``date``: a date cell (YYYY-MM-DD);
- ``str``: always text (never a formula, so a cell such as ``=1+1`` from a file stays inert);
  text that a spreadsheet would read as a formula (``exports.csv_files.is_formula_like``, the
  same test the CSV writer uses) is also marked "quote prefix", so editing the cell keeps it text;
- ``Formula``: a formula the caller wrote (never text from a file), money-formatted unless it
  names another number format, with its value as worked out now, so readers that do not
  recalculate still see the number;
- ``None``: an empty cell.

A sheet may also have a ``SheetLayout`` (``write_xlsx(sheets, layouts={"Sheet": ...})``): column
widths and number formats that hold for rows a user adds, data validation on the rows to be
filled, and a print set-up (landscape, fit to the page width, the header row on every page).
``header_row`` puts title lines above the table: rows before it are plain titles (left out of
the column widths), the header row is bold and frozen, and ``page_header`` (xlsxwriter's header
codes, e.g. ``"&CDRAFT"``) prints at the top of every page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from exports.csv_files import is_formula_like

MONEY_FORMAT = "£#,##0.00;-£#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Validation:
    """Excel data validation on rows ``first_row``..``last_row`` (0-based) of one column.

    ``options`` are xlsxwriter's, e.g. ``{"validate": "list", "source": ["cash", "in_kind"]}``.
    """

    column: int
    first_row: int
    last_row: int
    options: Mapping[str, object]


@dataclass(frozen=True)
class SheetLayout:
    """How a sheet looks and prints beyond its cells.

    ``widths``: column -> at least this many characters wide; ``formats``: column -> number
    format for the whole column, so an amount typed into a new row shows as money too.
    """

    widths: Mapping[int, float] = field(default_factory=dict)
    formats: Mapping[int, str] = field(default_factory=dict)
    validations: Sequence[Validation] = ()
    landscape: bool = False
    fit_to_width: bool = False
    repeat_header: bool = False
    header_row: int = 0
    page_header: str | None = None


PRINTABLE = SheetLayout(landscape=True, fit_to_width=True, repeat_header=True)


@dataclass(frozen=True)
class Formula:
    """A money formula such as ``=SUM(F2:F9)`` and its current value."""

    text: str
    value: Decimal
    num_format: str = MONEY_FORMAT


def write_xlsx(
    sheets: Mapping[str, Sequence[Sequence[object]]],
    layouts: Mapping[str, SheetLayout] | None = None,
) -> bytes:
    """Write one worksheet per entry (in order) and return the workbook's bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats: dict[tuple[str, bool, bool], Format] = {}

    def format_for(num_format: str, *, bold: bool = False, quote: bool = False) -> Format | None:
        if num_format == "General" and not bold and not quote:
            return None  # the default cell style: nothing to write for it
        key = (num_format, bold, quote)
        if key not in formats:
            properties: dict[str, object] = {"num_format": num_format, "bold": bold}
            if quote:
                properties["quote_prefix"] = True
            formats[key] = workbook.add_format(properties)
        return formats[key]

    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name[:MAX_SHEET_NAME])
        layout = (layouts or {}).get(name, SheetLayout())
        widths: dict[int, int] = {}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                shown = _write_cell(sheet, r, c, value, format_for, header=(r == layout.header_row))
                if r >= layout.header_row:
                    widths[c] = max(widths.get(c, 0), shown)
        for c in sorted(set(widths) | set(layout.widths) | set(layout.formats)):
            width = max(min(max(widths.get(c, 0) + 2, 8), 60), layout.widths.get(c, 0))
            column_format = layout.formats.get(c)
            sheet.set_column(c, c, width, format_for(column_format) if column_format else None)
        if len(rows) > layout.header_row:
            sheet.freeze_panes(layout.header_row + 1, 0)
        _lay_out(sheet, layout)
    workbook.close()
    return buffer.getvalue()


def _lay_out(sheet: Worksheet, layout: SheetLayout) -> None:
    for validation in layout.validations:
        sheet.data_validation(
            validation.first_row,
            validation.column,
            validation.last_row,
            validation.column,
            dict(validation.options),
        )
    if layout.landscape:
        sheet.set_landscape()
    if layout.fit_to_width:
        sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    if layout.repeat_header:
        sheet.repeat_rows(layout.header_row)
    if layout.page_header:
        sheet.set_header(layout.page_header)


def _write_cell(
    sheet: Worksheet,
    row: int,
    col: int,
    value: object,
    format_for: Callable[..., Format],
    *,
    header: bool,
) -> int:
    """Write one cell; return roughly how many characters it shows (for the column width)."""
    # The commonest cells first (money, then text): this runs once per cell.
    if isinstance(value, Decimal):
        sheet.write_number(row, col, _to_excel_number(value), format_for(MONEY_FORMAT, bold=header))
        return _money_width(value)
    if isinstance(value, str):
        quote = is_formula_like(value)
        sheet.write_string(row, col, value, format_for("General", bold=header, quote=quote))
        return len(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, format_for("General", bold=header))
        return 5
    if isinstance(value, Formula):
        sheet.write_formula(
            row,
            col,
            value.text,
            format_for(value.num_format, bold=True),
            _to_excel_number(value.value),
        )
        return _money_width(value.value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Decimal):
        number, num_format = value
        sheet.write_number(row, col, _to_excel_number(number), format_for(num_format, bold=header))
        return len(str(number))
    if isinstance(value, int):
        sheet.write_number(row, col, value, format_for("General", bold=header))
        return len(str(value))
    if isinstance(value, datetime | date):
        day = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, day, format_for(DATE_FORMAT, bold=header))
        return len(DATE_FORMAT)
    text = str(value)
    quote = is_formula_like(text)
    sheet.write_string(row, col, text, format_for("General", bold=header, quote=quote))
    return len(text)


def _money_width(value: Decimal) -> int:
    """How many characters ``£1,234.56`` takes, without formatting it.

    >>> _money_width(Decimal("1234.56")), len("£1,234.56"), _money_width(Decimal("-5"))
    (9, 9, 6)
    """
    digits = max(value.adjusted() + 1, 1)
    return digits + (digits - 1) // 3 + 4 + (1 if value < 0 else 0)


def _to_excel_number(value: Decimal) -> float:
    # The one Decimal-to-float conversion in the project, at the output edge: XLSX stores every
    # number as an IEEE double. Any amount below about £90 trillion keeps its exact pence when
    # shown to two places, and the exact figure stays in our own records and CSV/JSON exports.
    return float(value)
