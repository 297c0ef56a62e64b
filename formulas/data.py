"""Plain text rows in, the formula's input data out: indicator values and previous allocations.

What lives here: ``Table`` (a file already read as text by ``files``) and the parsers that turn
its rows into ``IndicatorDataset`` and ``PreviousAllocations``, collecting every problem with its
file, row (the header is row 1) and column. What must not: opening files (``files`` does that)
or checking the data against a formula (``calculate`` does that).

>>> table = Table("needs.csv", ("recipient", "indicator", "value", "source", "as_of"),
...               (TableRow(2, {"recipient": "bristol", "indicator": "population",
...                             "value": "463,377", "source": "ONS", "as_of": "2021-06-30"}),))
>>> parse_indicator_table(table).values[0].value
Decimal('463377')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core.money import MoneyError, to_money
from core.problems import DomainError, Problems
from formulas.spec import (
    INDICATOR_NAME,
    RECIPIENT_CODE,
    IndicatorDataset,
    IndicatorValue,
    PreviousAllocations,
    PreviousAmount,
    Where,
    strip_field_prefix,
)

INDICATOR_COLUMNS = ("recipient", "indicator", "value", "source", "as_of")
PREVIOUS_COLUMNS = ("recipient", "amount")
# An indicator counts or rates need: no real one comes near a thousand million million, and one
# that did (``1e400``) would take the whole share. Stored as text in a column of 64 characters.
MAX_INDICATOR_VALUE = Decimal("1e15")
MAX_INDICATOR_TEXT = 64
MAX_SOURCE_LENGTH = 300  # the source column's width
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class TableRow:
    """One data row of a file: its 1-based row number (the header is row 1) and its cells."""

    number: int
    cells: Mapping[str, str]


@dataclass(frozen=True)
class Table:
    """A file read as text: lower-cased column names and the non-blank data rows."""

    file: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


def parse_indicator_table(table: Table) -> IndicatorDataset:
    """Turn indicator rows (``recipient,indicator,value,source,as_of``) into a dataset.

    Refuses missing columns, bad recipient codes or indicator names, empty, non-numeric or
    negative values, missing sources, dates not written YYYY-MM-DD, and a second row for the same
    spoke and indicator.
    """
    problems = _check_columns(table, INDICATOR_COLUMNS)
    if problems:
        raise DomainError("The indicator file has problems", problems)
    values: list[IndicatorValue] = []
    first_row: dict[tuple[str, str], int] = {}
    for row in table.rows:
        recipient = _read_code(table, row, "recipient", RECIPIENT_CODE, problems)
        indicator = _read_code(table, row, "indicator", INDICATOR_NAME, problems)
        value = _read_indicator_value(table, row, problems)
        source = row.cells.get("source", "").strip()
        if not source:
            problems.add("the source is empty", file=table.file, row=row.number, column="source")
        elif len(source) > MAX_SOURCE_LENGTH:
            problems.add(
                f"the source is {len(source):,} characters long; at most {MAX_SOURCE_LENGTH}",
                file=table.file,
                row=row.number,
                column="source",
            )
            source = ""
        as_of = _read_date(table, row, "as_of", problems)
        if recipient and indicator:
            key = (recipient, indicator)
            if key in first_row:
                problems.add(
                    f"a second value for {recipient} and {indicator} (the first is on row "
                    f"{first_row[key]})",
                    file=table.file,
                    row=row.number,
                    column="indicator",
                )
            else:
                first_row[key] = row.number
        if recipient and indicator and value is not None and as_of is not None and source:
            values.append(IndicatorValue(recipient, indicator, value, source, as_of, row.number))
    if not table.rows:
        problems.add(
            "there are no data rows, so no spokes: the spokes are the recipients listed here",
            file=table.file,
        )
    if problems:
        raise DomainError("The indicator file has problems", problems)
    return IndicatorDataset(tuple(values), file=table.file)


def parse_previous_table(table: Table) -> PreviousAllocations:
    """Turn previous-allocation rows (``recipient,amount``) into ``PreviousAllocations``."""
    problems = _check_columns(table, PREVIOUS_COLUMNS)
    if problems:
        raise DomainError("The previous allocations file has problems", problems)
    amounts: list[PreviousAmount] = []
    first_row: dict[str, int] = {}
    for row in table.rows:
        recipient = _read_code(table, row, "recipient", RECIPIENT_CODE, problems)
        amount = None
        try:
            amount = to_money(row.cells.get("amount", ""), field="amount")
        except MoneyError as error:
            problems.add(
                strip_field_prefix(error, "amount"),
                file=table.file,
                row=row.number,
                column="amount",
            )
        if amount is not None and amount < 0:
            problems.add(
                f"the amount {amount} is negative", file=table.file, row=row.number, column="amount"
            )
            amount = None
        if recipient in first_row:
            problems.add(
                f"a second amount for {recipient} (the first is on row {first_row[recipient]})",
                file=table.file,
                row=row.number,
                column="recipient",
            )
        elif recipient:
            first_row[recipient] = row.number
        if recipient and amount is not None:
            amounts.append(PreviousAmount(recipient, amount, row.number))
    if problems:
        raise DomainError("The previous allocations file has problems", problems)
    return PreviousAllocations(tuple(amounts), file=table.file)


def _check_columns(table: Table, required: tuple[str, ...]) -> Problems:
    problems = Problems()
    for column in required:
        if column not in table.columns:
            problems.add(
                f"the column {column} is missing (the columns must be {', '.join(required)})",
                file=table.file,
                row=1,
                column=column,
            )
    for column in sorted({c for c in table.columns if c and table.columns.count(c) > 1}):
        problems.add(f"the column {column} appears twice", file=table.file, row=1, column=column)
    return problems


def _read_code(
    table: Table, row: TableRow, column: str, pattern: re.Pattern[str], problems: Problems
) -> str | None:
    text = row.cells.get(column, "").strip()
    if not text:
        problems.add(f"the {column} is empty", file=table.file, row=row.number, column=column)
        return None
    if not pattern.match(text):
        kind = "a recipient code" if column == "recipient" else "an indicator name"
        allowed = "-" if column == "recipient" else "_"
        problems.add(
            f"{text!r} is not {kind} (lower-case letters, digits and {allowed})",
            file=table.file,
            row=row.number,
            column=column,
        )
        return None
    return text


def _read_indicator_value(table: Table, row: TableRow, problems: Problems) -> Decimal | None:
    text = row.cells.get("value", "").strip()
    where = Where(file=table.file, row=row.number, column="value")
    if not text:
        problems.add("the value is empty", **where)
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        problems.add(f"{text!r} is not a number", **where)
        return None
    if not value.is_finite():
        problems.add(f"{text!r} is not a finite number", **where)
        return None
    if value < 0:
        problems.add(f"the value {text} is negative; indicators measure need, from 0 up", **where)
        return None
    if value > MAX_INDICATOR_VALUE or len(str(value)) > MAX_INDICATOR_TEXT:
        problems.add(
            f"the value {text} is too large to be an indicator (at most {MAX_INDICATOR_VALUE:,},"
            f" in {MAX_INDICATOR_TEXT} characters)",
            **where,
        )
        return None
    return value


def _read_date(table: Table, row: TableRow, column: str, problems: Problems) -> date | None:
    text = row.cells.get(column, "").strip()
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    shown = repr(text) if text else "empty"
    problems.add(
        f"the date is {shown}; write it as YYYY-MM-DD, e.g. 2024-03-31",
        file=table.file,
        row=row.number,
        column=column,
    )
    return None
