"""The return template as a spoke lead sees it in their spreadsheet application: money columns
wide enough for £999,999.99 with £ formats, the match funding rows a user adds formatted and
checked, every sheet set up to print landscape, one page wide, with its header on every page; and
an amount pasted as text (which the sheet's own SUM leaves out) named on import with its sheet,
row and column."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import openpyxl.utils
import pytest

from grants.returns.template import build_template
from tests.grants.returns.builders import make_setup, return_workbook

SHEETS = ("Return", "Spend", "Match funding", "Reach")
# Excel shows £999,999.99 in the default font in about 11 characters, plus padding.
WIDE_ENOUGH = len("£999,999.99") + 2


@pytest.fixture
def book(app):
    make_setup()
    _, content = build_template(
        spoke_code="bristol", grant_code="VRU", financial_year="2024-25", quarter=2
    )
    return openpyxl.load_workbook(io.BytesIO(content))


def column(sheet, letter: str):
    """The column's settings (openpyxl files a run of alike columns under the first)."""
    index = openpyxl.utils.column_index_from_string(letter)
    return next(d for d in sheet.column_dimensions.values() if d.min <= index <= d.max)


def width(sheet, letter: str) -> float:
    return column(sheet, letter).width


def validations(sheet) -> dict[str, object]:
    """Each data validation by the cells it covers."""
    return {str(v.sqref): v for v in sheet.data_validations.dataValidation}


def test_the_spend_sheets_money_columns_are_wide_and_in_pounds(book):
    spend = book["Spend"]

    for letter in "DEFG":
        assert width(spend, letter) >= WIDE_ENOUGH, letter
        assert spend[f"{letter}2"].number_format.startswith("£#,##0.00"), letter
        # a row the user adds below the lines takes the column's £ format
        assert column(spend, letter).number_format.startswith("£#,##0.00"), letter
    assert validations(spend)["F2:F3"].type == "decimal"
    assert validations(spend)["G2:G3"].operator == "greaterThanOrEqual"


def test_the_match_funding_rows_a_user_adds_have_pound_format_widths_and_checks(book):
    match = book["Match funding"]

    assert width(match, "C") >= WIDE_ENOUGH
    assert width(match, "A") >= 25
    assert column(match, "C").number_format.startswith("£#,##0.00")
    kinds = validations(match)["B2:B201"]
    assert (kinds.type, kinds.formula1) == ("list", '"cash,in_kind"')
    assert validations(match)["C2:C201"].type == "decimal"


@pytest.mark.parametrize("name", SHEETS)
def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(book, name):
    sheet = book[name]

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, so it may be left out
    assert sheet.page_setup.fitToHeight == 0  # as many pages long as it takes
    assert sheet.print_title_rows.replace("$", "") == "1:1"


def test_the_reach_numbers_are_checked_as_whole_numbers(book):
    assert validations(book["Reach"])["B2:B7"].type == "whole"


def test_an_amount_pasted_as_text_is_named_with_its_sheet_row_and_column(runner, tmp_path):
    """V2's actual is text: the sheet's own SUM left it out of the Total row (1,000.00)."""
    make_setup()
    path = tmp_path / "q1.xlsx"
    path.write_bytes(
        return_workbook(
            lines=[
                ("V1", Decimal("1000.00"), Decimal("3000.00")),
                ("V2", "2,000.00", Decimal("6000.00")),
            ],
            total=(Decimal("1000.00"), Decimal("9000.00")),
        )
    )

    result = run_import(runner, path)

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  Spend sheet, row 4, column actual: the total actual is £1,000.00 but the lines add up "
        "to £3,000.00",
        "  Spend sheet, row 3, column actual: the amount £2,000.00 is text, not a number, so the "
        "sheet's own total leaves it out; type it again as a number",
    ]


def test_an_amount_as_text_that_the_total_agrees_with_is_read_as_the_amount(runner, tmp_path):
    make_setup()
    path = tmp_path / "q1.xlsx"
    path.write_bytes(return_workbook(lines=[("V1", "1,000.00", "3000"), ("V2", 2000, 6000)]))

    result = run_import(runner, path)

    assert result.exit_code == 0, result.output


def run_import(runner, path):  # type: ignore[no-untyped-def]
    from tests.grants.returns.builders import import_args

    return runner.invoke(args=import_args(path))
