"""The one guarded reader for every uploaded or imported file (pure: no Flask, no database).

Returns (XLSX), indicator datasets (CSV or XLSX), bids (XLSX) and bid attachments all come in
through here, on the web and on the command line alike, so one set of limits holds for all:

1. the file's size, before anything else is done with it;
2. for an XLSX (or any ZIP: DOCX attachments), the archive's own directory is read (zipfile's
   ``infolist``, which decompresses nothing) and the file refused when a member, or all of them
   together, would inflate beyond the limit, or a member inflates more than ``max_ratio`` times
   (a "zip bomb": a few kilobytes that expand to gigabytes);
3. then each sheet's XML is measured as it streams out of the archive (``core.xlsx_scan``):
   the rows and columns of the grid calamine would build, and the text its cells would hold
   with shared text counted at every cell that shows it. A workbook of a few kilobytes can
   otherwise ask for gigabytes (two cells far apart, one long string shown in every cell);
4. only then is a sheet read, and refused when it has more rows or columns than the limit;
5. each sheet's cells come back as they are, for the importers' own field rules (the same
   rules as their web forms: money through ``core.money.to_money``, which refuses what a BIGINT
   of pence cannot hold; text against the form's length limit).

Anything refused here raises ``DomainError`` with one problem naming the file and the limit, so
a web page shows it and the command line prints it, and nothing has been written.

    >>> check_size(b"x" * 11, "big.csv", UploadLimits(max_bytes=10))
    Traceback (most recent call last):
    ...
    core.problems.DomainError: big.csv was not imported
      - big.csv: the file is 11 bytes; the largest accepted is 10 bytes
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import python_calamine

from core.problems import DomainError, Problem
from core.xlsx_scan import ZIP_ERRORS, UnreadableWorkbook, scan_workbook

MIB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 10 * MIB  # the file as sent (the web's MAX_CONTENT_LENGTH is the same)
    max_uncompressed_bytes: int = 50 * MIB  # an archive's members together, inflated
    max_member_bytes: int = 25 * MIB  # any one member, inflated
    max_ratio: int = 100  # how many times a member may inflate...
    ratio_applies_from: int = 1 * MIB  # ...once it inflates to more than this
    max_members: int = 1000
    max_rows: int = 10_000
    max_columns: int = 100
    max_sheet_text: int = 16 * MIB  # characters a sheet's cells show (shared text at each cell)


LIMITS = UploadLimits()
# The largest count an INTEGER column holds on PostgreSQL (reach, participants, outputs): a form
# and an import refuse more, so a dry run refuses what a real import could not store.
MAX_INTEGER = 2**31 - 1


def _refuse(file: str, message: str) -> DomainError:
    return DomainError(f"{file} was not imported", [Problem(message, file=file)])


def _size(n: int) -> str:
    return f"{n / MIB:,.1f} MiB" if n >= MIB else f"{n:,} bytes"


def check_size(content: bytes, file: str, limits: UploadLimits = LIMITS) -> None:
    if len(content) > limits.max_bytes:
        raise _refuse(
            file,
            f"the file is {_size(len(content))}; the largest accepted is {_size(limits.max_bytes)}",
        )


def read_file(path: str | Path, limits: UploadLimits = LIMITS) -> bytes:
    """A file named on the command line, refused by its size before it is read (and read no
    further than the limit, should it grow meanwhile)."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_bytes:
                raise _refuse(
                    file,
                    f"the file is {_size(size)}; the largest accepted is {_size(limits.max_bytes)}",
                )
            content = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise _refuse(file, f"the file cannot be read ({error.strerror or error})") from None
    check_size(content, file, limits)
    return content


def check_archive(
    content: bytes, file: str, limits: UploadLimits = LIMITS, *, what: str = "XLSX workbook"
) -> None:
    """Refuse a ZIP (XLSX, DOCX) that is not one, or would inflate too far, before any member
    is decompressed: the sizes come from the archive's directory."""
    check_size(content, file, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except ZIP_ERRORS:
        raise _refuse(file, f"not a readable {what} (it is not a ZIP archive)") from None
    if len(members) > limits.max_members:
        raise _refuse(
            file, f"the archive holds {len(members):,} files; at most {limits.max_members:,}"
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.max_member_bytes:
            raise _refuse(
                file,
                f"{member.filename} inflates to {_size(member.file_size)}; the largest accepted "
                f"is {_size(limits.max_member_bytes)}",
            )
        if (
            member.file_size > limits.ratio_applies_from
            and member.file_size > limits.max_ratio * max(member.compress_size, 1)
        ):
            raise _refuse(
                file,
                f"{member.filename} inflates {member.file_size // max(member.compress_size, 1):,} "
                f"times; at most {limits.max_ratio} times (is it a compressed bomb?)",
            )
    if total > limits.max_uncompressed_bytes:
        raise _refuse(
            file,
            f"the workbook inflates to {_size(total)}; the largest accepted is "
            f"{_size(limits.max_uncompressed_bytes)}",
        )


def check_sheets(content: bytes, file: str, limits: UploadLimits = LIMITS) -> None:
    """Refuse a workbook any of whose sheets would unpack beyond the limits, measured from its
    XML before calamine builds anything (an archive already checked by ``check_archive``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names, extents = scan_workbook(archive)
    except UnreadableWorkbook as error:  # before ZIP_ERRORS: it is a ValueError too
        raise _refuse(file, f"not a readable XLSX workbook ({error})") from None
    except ZIP_ERRORS:
        raise _refuse(file, "not a readable XLSX workbook (it is not a ZIP archive)") from None
    for extent in extents:
        where = (
            f"{file}, {names[extent.member]} sheet"
            if extent.member in names
            else f"{file}, {extent.member}"
        )
        check_shape(extent.rows, extent.columns, where, limits)
        if extent.text > limits.max_sheet_text:
            raise _refuse(
                where,
                f"its cells hold {extent.text:,} characters of text (text shared between cells "
                f"counted at each); at most {limits.max_sheet_text:,}",
            )


def check_shape(rows: int, columns: int, file: str, limits: UploadLimits = LIMITS) -> None:
    if rows > limits.max_rows:
        raise _refuse(file, f"it has {rows:,} rows; at most {limits.max_rows:,}")
    if columns > limits.max_columns:
        raise _refuse(file, f"it has {columns:,} columns; at most {limits.max_columns:,}")


def read_xlsx(
    content: bytes,
    file: str,
    sheets: Sequence[str] | None = None,
    limits: UploadLimits = LIMITS,
) -> dict[str, list[list[object]]]:
    """The named sheets (matched ignoring case and spaces at either end; a missing one is left
    out for the caller to name), or the first sheet when ``sheets`` is None, keyed by the name
    asked for (``""`` for the first sheet), as lists of raw cells. Row 1 stays row 1."""
    check_archive(content, file, limits)
    check_sheets(content, file, limits)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = {name.strip().lower(): name for name in workbook.sheet_names}
        chosen: dict[str, python_calamine.CalamineSheet] = {}
        if sheets is None:
            chosen[""] = workbook.get_sheet_by_index(0)
        else:
            for wanted in sheets:
                if wanted.strip().lower() in names:
                    chosen[wanted] = workbook.get_sheet_by_name(names[wanted.strip().lower()])
    except Exception as error:  # calamine raises several types for a damaged or non-XLSX file
        raise _refuse(file, f"not a readable XLSX workbook ({error})") from None
    result: dict[str, list[list[object]]] = {}
    for wanted, sheet in chosen.items():
        where = f"{file}, {sheet.name} sheet"
        last = sheet.end  # the last cell's (row, column), counted from 0; None when empty
        if last is not None:
            check_shape(last[0] + 1, last[1] + 1, where, limits)
        try:
            result[wanted] = cast(list[list[object]], sheet.to_python(skip_empty_area=False))
        except Exception as error:  # a damaged sheet, whatever calamine raises
            raise _refuse(file, f"not a readable XLSX workbook ({error})") from None
        check_storable(result[wanted], where)
    return result


def read_csv(content: bytes, file: str, limits: UploadLimits = LIMITS) -> list[list[str]]:
    """A UTF-8 CSV's records (a byte-order mark is allowed), within the row and column limits."""
    check_size(content, file, limits)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            f"{file} was not imported",
            [Problem("not UTF-8 text: save it from the spreadsheet as 'CSV UTF-8'", file=file)],
        ) from None
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline="")):
            records.append(record)
            check_shape(len(records), len(record), file, limits)
    except csv.Error as error:  # a field over csv's 131,072 characters, a stray quote...
        raise DomainError(
            f"{file} was not imported",
            [Problem(f"the CSV file cannot be read ({error})", file=file, row=len(records) + 1)],
        ) from None
    if "\x00" in text:
        check_storable(records, file)
    return records


def check_storable(rows: Sequence[Sequence[object]], file: str) -> None:
    """Refuse text that no database can store: a NUL character (PostgreSQL refuses it in any
    text, and nobody types it), naming each cell by its row and its column's header."""
    header = (
        [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]] if rows else []
    )
    problems = [
        Problem(
            "the text holds a NUL character (\\x00), which cannot be stored; type it again",
            file=file,
            row=number,
            column=(header[c] if number > 1 and c < len(header) and header[c] else _letters(c)),
        )
        for number, row in enumerate(rows, start=1)
        for c, cell in enumerate(row)
        if isinstance(cell, str) and "\x00" in cell
    ]
    if problems:
        raise DomainError(f"{file} was not imported", problems)


def _letters(index: int) -> str:
    """A column's letters, counted from 0: 0 is A, 27 is AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def check_attachment(content: bytes, file: str, limits: UploadLimits = LIMITS) -> None:
    """An attachment is stored, not read: its size, and for a DOCX or XLSX its archive."""
    check_size(content, file, limits)
    if content.startswith(b"PK\x03\x04"):
        check_archive(content, file, limits, what="Word or Excel document")


def count_too_large(text: str) -> str | None:
    """The problem with a whole number (as digits) too large for an INTEGER column, or None.

    >>> count_too_large("2147483648")
    'is more than 2,147,483,647, the largest count that can be stored'
    """
    if not (text.isascii() and text.isdigit()):
        return None  # not a count at all: the caller's own problem
    if len(text) > 10 or int(text) > MAX_INTEGER:
        return f"is more than {MAX_INTEGER:,}, the largest count that can be stored"
    return None


def text_too_long(text: str | None, limit: int) -> str | None:
    """The problem with ``text`` longer than ``limit`` characters, or None.

    >>> text_too_long("x" * 20_000, 10_000)
    'is 20,000 characters long; at most 10,000'
    """
    if text is not None and len(text) > limit:
        return f"is {len(text):,} characters long; at most {limit:,}"
    return None
