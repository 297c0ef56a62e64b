"""What an XLSX workbook's sheets would unpack to, measured from their XML before calamine reads
them (pure: the standard library only; ``core.uploads`` applies the limits).

python-calamine builds a whole sheet in memory at once, as a dense grid from the first cell to
the last, with every cell's text copied out. So a workbook of a few kilobytes can ask for
gigabytes, which no limit on the file or its inflated size catches:

- two cells far apart (``A1`` and ``XFD1048576``) make a grid of 17 thousand million cells;
- one long shared string shown in thousands of cells is copied into each of them.

This module reads each sheet's XML as it streams out of the archive (expat, no DTD or entities
allowed) and works out, for every sheet, how many rows and columns calamine's grid would have and
how much text its cells would hold, counting shared text once for every cell that shows it. The
figures are exact for a workbook written by Excel, LibreOffice or xlsxwriter, and never below
what calamine would build for any other: a cell with no ``r`` is placed as calamine places it,
and where the XML leaves room for doubt the larger figure is taken.

    >>> sheet = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>' \\
    ...         b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    >>> measure_sheet("xl/worksheets/sheet1.xml", [sheet], [])
    SheetExtent(member='xl/worksheets/sheet1.xml', rows=1048576, columns=16384, text=0)
"""

from __future__ import annotations

import lzma
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

SHEET_FOLDERS = ("xl/worksheets/", "xl/dialogsheets/", "xl/chartsheets/")  # as calamine finds them
SHARED_STRINGS = "xl/sharedStrings.xml"
WORKBOOK = "xl/workbook.xml"
CHUNK = 1024 * 1024
_CELL = re.compile(r"([A-Za-z]+)([0-9]+)")
_ROW = re.compile(r"[A-Za-z]*([0-9]+)")
_CELL_INDEX = re.compile(r"[0-9]{1,9}")  # a shared string's index ("²" is a digit, not to int)
_FAR = 10**9  # a row or column number too long to be real: far beyond any limit


# What zipfile raises for a damaged member, by compression method (RuntimeError: encrypted).
INFLATE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
)

# What opening an archive's directory raises for a damaged or unusual one: the same, and
# ValueError (a bad name's encoding); NotImplementedError for a "zip file version" it can't read.
ZIP_ERRORS = (*INFLATE_ERRORS, ValueError)


class UnreadableWorkbook(ValueError):
    """The workbook's XML cannot be measured, so it is not read at all."""


@dataclass(frozen=True)
class SheetExtent:
    member: str
    rows: int  # the grid's height: the last row holding a value
    columns: int  # and its width
    text: int  # characters the cells hold, shared text counted at every cell showing it


def scan_workbook(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[SheetExtent]]:
    """The sheets' names by member, and every sheet member's extent."""
    listed = archive.namelist()
    names = set(listed)
    if len(names) < len(listed):  # which of two same-named members would calamine read?
        raise UnreadableWorkbook("two of the files inside it have the same name")
    if WORKBOOK not in names:
        raise UnreadableWorkbook(f"it is not an XLSX workbook (it has no {WORKBOOK})")
    if names & {"xl/workbook.bin", "content.xml"}:  # calamine could take it for XLSB or ODS
        raise UnreadableWorkbook("it also holds another kind of workbook, XLSB or OpenDocument")
    shared = (
        shared_string_bounds(_chunks(archive, SHARED_STRINGS)) if SHARED_STRINGS in names else []
    )
    extents = [
        measure_sheet(member, _chunks(archive, member), shared)
        for member in sorted(names)
        if member.startswith(SHEET_FOLDERS) and not member.endswith("/")  # not a folder entry
    ]
    return _sheet_names(archive, names), extents


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """A member's bytes as they inflate. zipfile stops at the size the archive's directory
    states (the size its limits were checked against) and checks the CRC there, so a member
    that would inflate further is refused as damaged."""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    except INFLATE_ERRORS as error:
        raise UnreadableWorkbook(f"{member} cannot be inflated ({error})") from None


def _parse(member: str, chunks: Iterable[bytes], parser: expat.XMLParserType) -> None:
    def refuse_dtd(*_args: object) -> None:
        raise UnreadableWorkbook(f"{member} declares a DTD, which a workbook never needs")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.buffer_text = True
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise UnreadableWorkbook(f"{member} is not well-formed XML ({error})") from None


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def shared_string_bounds(chunks: Iterable[bytes]) -> list[int]:
    """For each index a cell may give, the most characters calamine's shared string at that
    index can have.

    calamine keeps one string per outermost ``si`` element, in order, but leaves out one with no
    text (``<si/>``, ``<si><t/></si>``, phonetic text only): an index may then name a later
    ``si``. With ``k`` such doubtful elements, index ``i`` is bounded by the longest of the
    ``si`` elements ``i`` to ``i + k``; a workbook with none (the usual) gets each string's own
    length.

    >>> shared_string_bounds([b'<sst><si><t>abc</t></si><si><t>de</t></si></sst>'])
    [3, 2]
    >>> shared_string_bounds([b'<sst><si/><si><t>abc</t></si><si><t>de</t></si></sst>'])
    [3, 3, 2]
    """
    lengths: list[int] = []
    doubtful = 0
    stack: list[str] = []
    depth = 0  # of si elements
    length = 0
    plain = False

    def start(name: str, _attributes: dict[str, str]) -> None:
        nonlocal depth, length, plain
        name = _local(name)
        if name == "si":
            if depth == 0:
                length, plain = 0, False
            depth += 1
        stack.append(name)

    def end(_name: str) -> None:
        nonlocal depth, doubtful
        if stack.pop() == "si":
            depth -= 1
            if depth == 0:
                lengths.append(length)
                doubtful += 0 if plain else 1

    def characters(data: str) -> None:
        nonlocal length, plain
        if depth:
            length += len(data)
            if data and stack[-1] == "t" and len(stack) > 1 and stack[-2] in ("si", "r"):
                plain = True

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    _parse(SHARED_STRINGS, chunks, parser)
    if not doubtful:
        return lengths
    return _window_maxima(lengths, doubtful + 1)


def _window_maxima(values: list[int], width: int) -> list[int]:
    """``max(values[i:i + width])`` for each ``i``, in one pass."""
    result = [0] * len(values)
    window: deque[int] = deque()  # indexes, their values decreasing
    for i in range(len(values) - 1, -1, -1):
        while window and values[window[-1]] <= values[i]:
            window.pop()
        window.append(i)
        if window[0] >= i + width:
            window.popleft()
        result[i] = values[window[0]]
    return result


def measure_sheet(member: str, chunks: Iterable[bytes], shared: list[int]) -> SheetExtent:
    """A sheet's grid and text as calamine would build them (see the module's docstring).

    A cell holds a value when it has any child element (a ``<c .../>`` holds none). A cell with
    an ``r`` is where that says; without one it follows the cell before it in its row, and its
    row is the row's ``r`` or, in a row without one, no lower than calamine's count could reach
    (the highest ``r`` so far plus every row so far)."""
    rows = columns = text = 0
    highest_row = rows_seen = 0
    row: int | None = None  # the current row's number; None outside a row
    next_column = 0
    cell: tuple[int, int, bool] | None = None  # row, column, shows shared text
    has_child = False
    value: list[str] = []
    in_value = False

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, highest_row, rows_seen, next_column, cell, has_child, in_value
        name = _local(name)
        if cell is not None:
            has_child = True
            in_value = name == "v"
            if in_value:
                value.clear()  # calamine takes a cell's last value
            return
        if name == "row":
            rows_seen += 1
            number = _row_number(attributes.get("r"), member)
            highest_row = max(highest_row, number or 0)
            row = number if number is not None else highest_row + rows_seen
            next_column = 0
        elif name == "c":
            if row is None:
                raise UnreadableWorkbook(f"{member} has a cell outside any row")
            at = _cell_position(attributes.get("r"), member)
            row_number, column = at if at is not None else (row, next_column + 1)
            next_column = column
            cell = (row_number, column, attributes.get("t") == "s")
            has_child = False
            value.clear()

    def end(name: str) -> None:
        nonlocal row, cell, rows, columns, text, in_value
        name = _local(name)
        in_value = False
        if name == "c" and cell is not None:
            row_number, column, is_shared = cell
            cell = None
            if has_child:
                rows, columns = max(rows, row_number), max(columns, column)
                index = "".join(value).strip()
                if is_shared and _CELL_INDEX.fullmatch(index) and int(index) < len(shared):
                    text += shared[int(index)]
        elif name == "row" and cell is None:
            row = None

    def characters(data: str) -> None:
        if in_value:
            value.append(data)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    _parse(member, chunks, parser)
    return SheetExtent(member, rows, columns, text)


def _number(digits: str) -> int:
    return int(digits) if len(digits) < 10 else _FAR


def _row_number(reference: str | None, member: str) -> int | None:
    if reference is None:
        return None
    found = _ROW.fullmatch(reference)
    if found is None or _number(found.group(1)) == 0:
        raise UnreadableWorkbook(f"{member} has a row numbered {reference[:20]!r}")
    return _number(found.group(1))


def _cell_position(reference: str | None, member: str) -> tuple[int, int] | None:
    """A cell reference's (row, column), counted from 1: ``B7`` is (7, 2)."""
    if reference is None:
        return None
    found = _CELL.fullmatch(reference)
    if found is None or _number(found.group(2)) == 0:
        raise UnreadableWorkbook(f"{member} has a cell at {reference[:20]!r}")
    letters = found.group(1).upper()
    column = 0
    for letter in letters[:8]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return _number(found.group(2)), column if len(letters) <= 8 else _FAR


def _sheet_names(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Each sheet's name by its member, as calamine resolves them (workbook.xml's ``sheet``
    elements through its relationships); a sheet that cannot be resolved keeps its member's
    name where it is named at all."""
    targets: dict[str, str] = {}
    sheets: list[tuple[str, str]] = []

    def relationship(name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "Relationship" and "Id" in attributes and "Target" in attributes:
            targets[attributes["Id"]] = attributes["Target"]

    def sheet(name: str, attributes: dict[str, str]) -> None:
        key = attributes.get("r:id") or attributes.get("relationships:id")
        if _local(name) == "sheet" and key and "name" in attributes:
            sheets.append((attributes["name"], key))

    rels = "xl/_rels/workbook.xml.rels"
    for member, handler in ((rels, relationship), (WORKBOOK, sheet)):
        if member in names:
            parser = expat.ParserCreate()
            parser.StartElementHandler = handler
            _parse(member, _chunks(archive, member), parser)
    by_member = {}
    for sheet_name, key in sheets:
        target = targets.get(key, "")
        path = target[1:] if target.startswith("/xl/") else target
        by_member[path if path.startswith("xl/") else f"xl/{path}"] = sheet_name
    return by_member
