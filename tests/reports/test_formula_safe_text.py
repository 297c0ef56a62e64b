"""Text that a spreadsheet would run as a formula stays text in every export: one test
(``exports.csv_files.is_formula_like``) for the CSV writers and the XLSX writer."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from exports import csv_files, csvs
from exports.spreadsheets import write_xlsx

DANGEROUS = ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)")


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_writes_formula_like_text_as_quoted_text(text):
    body = write_xlsx({"Sheet": [["Name"], [text]]})

    cell = openpyxl.load_workbook(io.BytesIO(body))["Sheet"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix


@pytest.mark.parametrize("text", DANGEROUS)
def test_both_csv_writers_make_it_inert(text):
    for written in (csv_files.write_csv([[text]]).decode("utf-8-sig"), csvs.write_csv([[text]])):
        assert next(csv.reader(io.StringIO(written))) == ["'" + text]


def test_ordinary_text_and_numbers_are_untouched():
    assert csvs.write_csv([["Bristol", -5]]) == "Bristol,-5\n"
