"""Reading the formula's files: TOML for the formula, CSV or XLSX for the data.

What lives here: turning a file (a path, or the bytes of an upload) into text rows (``Table``)
and running the formula on files (``run_formula_files``, what ``vrp formula run`` calls). Every
cell is kept as text here and checked by the pure parsers in ``formulas.data``, so CSV and XLSX
files give the same messages. Rows are numbered as a spreadsheet shows them: the header is row 1.
Blank rows are skipped but still counted.

What must not: checking values (``data``), arithmetic (``calculate``), or a float leaving this
module. Spreadsheet numbers arrive from python_calamine as floats because that is how XLSX
stores them; each is turned straight back into the shortest text that reads back as the same
double, which is what the user typed (``193282``, ``7.2``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from core.cells import cell_text
from core.problems import DomainError, Problem, Problems
from core.uploads import read_csv, read_file, read_xlsx
from formulas.calculate import AllocationResult, calculate_allocations
from formulas.data import Table, TableRow, parse_indicator_table, parse_previous_table
from formulas.spec import FormulaSpec, IndicatorDataset, PreviousAllocations, parse_formula_toml

TABLE_SUFFIXES = (".csv", ".xlsx")
T = TypeVar("T")


def read_formula_file(path: str | Path) -> FormulaSpec:
    """Read a formula TOML file; problems name the file as given."""
    name = str(path)
    try:
        text = read_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            "The formula file is not UTF-8 text", [Problem("not UTF-8 text", file=name)]
        ) from None
    return parse_formula_toml(text, file=name)


def read_indicator_file(path: str | Path) -> IndicatorDataset:
    """Read ``recipient,indicator,value,source,as_of`` rows from a CSV or XLSX file."""
    return parse_indicator_table(read_table(read_file(path), str(path)))


def read_previous_file(path: str | Path) -> PreviousAllocations:
    """Read ``recipient,amount`` rows from a CSV or XLSX file."""
    return parse_previous_table(read_table(read_file(path), str(path)))


def run_formula_files(
    formula_path: str | Path,
    indicators_path: str | Path,
    previous_path: str | Path | None = None,
    pot: Decimal | None = None,
) -> AllocationResult:
    """Read all the files, report the problems of all of them at once, then calculate."""
    problems = Problems()
    spec = _collect(problems, read_formula_file, formula_path)
    data = _collect(problems, read_indicator_file, indicators_path)
    previous = None
    if previous_path is not None:
        previous = _collect(problems, read_previous_file, previous_path)
    if problems or spec is None or data is None:
        raise DomainError("The files have problems", problems)
    return calculate_allocations(spec, data, previous, pot)


def read_table(content: bytes, file: str) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file, as text rows (by ``file``'s suffix)."""
    suffix = Path(file).suffix.lower()
    if suffix == ".csv":
        records = _read_csv_records(content, file)
    elif suffix == ".xlsx":
        records = _read_xlsx_records(content, file)
    else:
        raise DomainError(
            "The file type is not supported",
            [Problem(f"the file must be .csv or .xlsx, not {suffix or 'no suffix'}", file=file)],
        )
    return _build_table(records, file)


def _collect(problems: Problems, reader: Callable[[str | Path], T], path: str | Path) -> T | None:
    try:
        return reader(path)
    except DomainError as error:
        problems.extend(error.problems or [Problem(error.message, file=str(path))])
        return None


def _read_csv_records(content: bytes, file: str) -> list[list[str]]:
    return read_csv(content, file)


def _read_xlsx_records(content: bytes, file: str) -> list[list[str]]:
    # The first sheet; row 1 stays row 1, so our row numbers match Excel's.
    rows = read_xlsx(content, file)[""]
    return [[cell_text(cell) for cell in row] for row in rows]


def _build_table(records: list[list[str]], file: str) -> Table:
    if not records or not any(cell.strip() for cell in records[0]):
        raise DomainError(
            "The file has no header row",
            [Problem("row 1 must be the header (the column names)", file=file, row=1)],
        )
    columns = tuple(cell.strip().lower() for cell in records[0])
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            column: (record[i].strip() if i < len(record) else "")
            for i, column in enumerate(columns)
            if column
        }
        rows.append(TableRow(number, cells))
    return Table(file, columns, tuple(rows))
