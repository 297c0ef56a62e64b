"""Workbooks of a few kilobytes that would unpack to gigabytes in calamine are refused from their
XML, before calamine builds anything: two cells far apart (a dense grid between them), one long
shared string shown in thousands of cells (copied into each), and the tricks that would hide
either from a simpler count (namespace prefixes, lower-case references, cells and rows with no
``r``, a member that inflates beyond what its directory says, a DTD).

Before the measuring, ``XFD1048576`` alone made calamine ask for 512 GiB and abort the process,
and a 760 KB file took 3.8 GB."""

from __future__ import annotations

import base64
import io
import os
import zipfile

import pytest

from core.problems import DomainError
from core.uploads import MIB, UploadLimits, read_xlsx
from core.xlsx_scan import SheetExtent, measure_sheet, shared_string_bounds
from exports.spreadsheets import write_xlsx

SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN = f'xmlns="{SPREADSHEET}"'
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade_xlsx(
    rows: str,
    *,
    shared: list[str] | None = None,
    sheet: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook of one sheet ``Data`` whose ``sheetData`` is ``rows`` (or whose whole sheet
    XML is ``sheet``), with ``shared`` strings, written by hand as no library would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {MAIN} xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        if shared is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared)
            archive.writestr("xl/sharedStrings.xml", f"<sst {MAIN}>{items}</sst>")
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            sheet or f"<worksheet {MAIN}><sheetData>{rows}</sheetData></worksheet>",
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def far_cell_xlsx(reference: str = "XFD1048576") -> bytes:
    """``A1`` and one more cell at ``reference``: 1.4 KB."""
    row = "".join(ch for ch in reference if ch.isdigit())
    return handmade_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        f'<row r="{row}"><c r="{reference}"><v>1</v></c></row>'
    )


def shared_string_bomb(length: int = 1 * MIB, cells: int = 2000) -> bytes:
    """One shared string of ``length`` characters (random, so it does not compress away) shown
    in ``cells`` cells, four to a row: under 1 MiB on the wire, ``length * cells`` unpacked."""
    text = base64.b64encode(os.urandom(length * 3 // 4)).decode()
    rows = "".join(
        f'<row r="{n}">' + '<c t="s"><v>0</v></c>' * 4 + "</row>" for n in range(1, cells // 4 + 1)
    )
    return handmade_xlsx(rows, shared=[text])


def refusal(content: bytes, limits: UploadLimits | None = None) -> str:
    with pytest.raises(DomainError) as error:
        read_xlsx(content, "w.xlsx", limits=limits or UploadLimits())
    return "\n".join(str(p) for p in error.value.problems)


def test_two_cells_far_apart_are_refused_before_calamine_builds_the_grid():
    content = far_cell_xlsx("XFD1048576")
    assert len(content) < 2000

    assert refusal(content) == "w.xlsx, Data sheet: it has 1,048,576 rows; at most 10,000"
    assert refusal(far_cell_xlsx("ZZ20")) == "w.xlsx, Data sheet: it has 702 columns; at most 100"


@pytest.mark.parametrize(
    "rows",
    [
        # a namespace prefix on every element
        '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        '<x:row r="900000"><x:c r="B900000"><x:v>1</x:v></x:c></x:row>',
        # a lower-case reference, which calamine reads as upper case
        '<row r="1"><c r="a1"><v>1</v></c></row><row r="2"><c r="b900000"><v>1</v></c></row>',
        # a cell with no r, in a row whose r is far down
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c><v>1</v></c></row>',
        # rows with no r at all: their cells are where calamine's count of rows reaches
        "<row><c><v>1</v></c></row>" * 10_001,
    ],
    ids=["prefixed", "lower-case", "no-r-in-a-far-row", "rows-with-no-r"],
)
def test_the_far_cell_cannot_hide(rows):
    sheet = f'<x:worksheet xmlns:x="{SPREADSHEET}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    content = handmade_xlsx("", sheet=sheet) if "x:row" in rows else handmade_xlsx(rows)

    assert refusal(content).endswith(" rows; at most 10,000")


def test_cells_with_no_r_follow_one_another_along_their_row():
    cells = "<c><v>1</v></c>"
    assert refusal(handmade_xlsx(f'<row r="1">{cells * 101}</row>')) == (
        "w.xlsx, Data sheet: it has 101 columns; at most 100"
    )
    sheet = f"<s><row>{cells * 3}</row><row>{cells}</row></s>".encode()
    assert measure_sheet("s", [sheet], []) == SheetExtent("s", rows=2, columns=3, text=0)
    # And calamine agrees: the same file is read as two rows of three columns.
    assert read_xlsx(handmade_xlsx(f"<row>{cells * 3}</row><row>{cells}</row>"), "w.xlsx")[""] == [
        [1.0, 1.0, 1.0],
        [1.0, "", ""],
    ]


def test_one_long_shared_string_shown_in_thousands_of_cells_is_refused():
    bomb = shared_string_bomb()
    assert len(bomb) < 1 * MIB

    assert refusal(bomb) == (
        "w.xlsx, Data sheet: its cells hold 2,097,152,000 characters of text (text shared "
        "between cells counted at each); at most 16,777,216"
    )


def test_shared_text_is_counted_at_each_cell_that_shows_it():
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    rows += '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"/></row>'
    content = handmade_xlsx(rows, shared=["abc", "de"])

    assert read_xlsx(content, "w.xlsx")[""] == [["abc", "de"], ["de", ""]]
    assert "its cells hold 7 characters" in refusal(content, UploadLimits(max_sheet_text=6))


def test_a_doubtful_shared_string_widens_the_count_never_narrows_it():
    """calamine leaves out an ``si`` with no text, so index 0 may be the long one after it."""
    assert shared_string_bounds([b"<sst><si/><si><t>long</t></si><si><t>x</t></si></sst>"]) == [
        4,
        4,
        1,
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            handmade_xlsx(
                "", sheet='<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'
            ),
            "xl/worksheets/sheet1.xml declares a DTD, which a workbook never needs",
        ),
        (
            handmade_xlsx('<row r="1"><c r="A1"><v>1</v></row>'),
            "xl/worksheets/sheet1.xml is not well-formed XML (mismatched tag: line 1, column",
        ),
        (
            handmade_xlsx('<row r="1"><c r="A1 "><v>1</v></c></row>'),
            "xl/worksheets/sheet1.xml has a cell at 'A1 '",
        ),
        (
            handmade_xlsx('<c r="A1"><v>1</v></c>'),
            "xl/worksheets/sheet1.xml has a cell outside any row",
        ),
        (
            write_xlsx({"Data": [["a"]]}).replace(b"xl/workbook.xml", b"xl/workbook.xmm"),
            "it is not an XLSX workbook (it has no xl/workbook.xml)",
        ),
    ],
    ids=["dtd", "malformed", "bad-reference", "cell-outside-a-row", "not-xlsx"],
)
def test_xml_that_cannot_be_measured_is_not_read(content, problem):
    assert refusal(content).startswith(f"w.xlsx: not a readable XLSX workbook ({problem}")


def test_a_member_that_inflates_beyond_its_stated_size_is_refused():
    content = bytearray(far_cell_xlsx("B2"))
    # Halve the sheet's stated size in the central directory: its data now runs past it.
    entry = content.rindex(b"xl/worksheets/sheet1.xml") - 46
    assert content[entry : entry + 4] == b"PK\x01\x02"
    stated = int.from_bytes(content[entry + 24 : entry + 28], "little")
    content[entry + 24 : entry + 28] = (stated // 2).to_bytes(4, "little")

    assert refusal(bytes(content)) == (
        "w.xlsx: not a readable XLSX workbook (xl/worksheets/sheet1.xml cannot be inflated "
        "(Bad CRC-32 for file 'xl/worksheets/sheet1.xml'))"
    )


def test_a_workbook_written_by_the_system_is_measured_exactly():
    rows = [["a", "b", "c"], *[[n, f"text {n}", None] for n in range(1, 51)]]
    content = write_xlsx({"Data": rows})

    assert refusal(content, UploadLimits(max_rows=50)) == (
        "w.xlsx, Data sheet: it has 51 rows; at most 50"
    )
    assert len(read_xlsx(content, "w.xlsx", limits=UploadLimits(max_rows=51))[""]) == 51


def test_a_workbook_with_folder_entries_is_read_and_one_holding_another_kind_is_not():
    with_folders = handmade_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row>', extra={"xl/worksheets/": b""}
    )
    assert read_xlsx(with_folders, "w.xlsx")[""] == [[1.0]]

    assert refusal(handmade_xlsx("", extra={"content.xml": b"<office/>"})) == (
        "w.xlsx: not a readable XLSX workbook (it also holds another kind of workbook, XLSB or "
        "OpenDocument)"
    )
