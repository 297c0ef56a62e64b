"""Opening generated outputs the way a reader would: XLSX through openpyxl (formulas) and
python-calamine (the stored values any viewer shows), PDFs through their text."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pypdf
from python_calamine import CalamineWorkbook


def sheet_values(body: bytes) -> dict[str, list[list[object]]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(body))
    return {
        name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in workbook.sheet_names
    }


def sheet_formulas(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


def pdf_pages(body: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages]


def money(value: object) -> Decimal:
    """A stored XLSX number as pounds and pence (the float shown to two places)."""
    return Decimal(f"{value:.2f}")  # type: ignore[str-format]


def row_starting(rows: list[list[object]], first: str) -> list[object]:
    return next(row for row in rows if row and row[0] == first)
