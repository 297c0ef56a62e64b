"""Reading indicator and previous-allocation files (CSV and XLSX) into checked data."""

import datetime
from decimal import Decimal

import pytest

from core.problems import DomainError
from exports.spreadsheets import write_xlsx
from formulas.files import read_indicator_file, read_previous_file, read_table
from tests.formulas.formula_builders import INDICATORS_CSV, PREVIOUS_CSV


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_reading(path, reader=read_indicator_file):
    with pytest.raises(DomainError) as raised:
        reader(path)
    return raised.value.problems.messages()


def test_csv_rows_keep_their_row_numbers_and_exact_values(tmp_path):
    path = write(
        tmp_path, "needs.csv", INDICATORS_CSV.replace("alpha,offences,20", "alpha,offences,20.125")
    )

    data = read_indicator_file(path)

    first, second = data.values[:2]
    assert (first.recipient, first.indicator, first.value, first.row) == (
        "alpha",
        "population",
        Decimal(100),
        2,
    )
    assert (second.value, second.source, second.as_of) == (
        Decimal("20.125"),
        "Police",
        datetime.date(2024, 3, 31),
    )
    assert data.file == str(path)


def test_a_byte_order_mark_blank_rows_and_header_case_are_tolerated(tmp_path):
    text = (
        '\ufeffRecipient,Indicator,Value,Source,As_Of\n\nalpha,population,"1,234",ONS,2024-03-31\n'
    )
    path = write(tmp_path, "needs.csv", text)

    data = read_indicator_file(path)

    assert data.values[0].value == Decimal(1234)
    assert data.values[0].row == 3  # the blank row 2 still counts


def test_every_bad_cell_is_named_by_file_row_and_column(tmp_path):
    text = (
        "recipient,indicator,value,source,as_of\n"
        "alpha,population,,ONS,2024-03-31\n"
        "alpha,offences,lots,Police,2024-03-31\n"
        "beta,population,-5,ONS,2024-03-31\n"
        "beta,offences,1,,31/03/2024\n"
        "Beta Town,population,1,ONS,2024-03-31\n"
        "alpha,population,2,ONS,2024-03-31\n"
    )
    path = write(tmp_path, "needs.csv", text)

    messages = problems_reading(path)

    where = f"{path}, row"
    assert messages == [
        f"{where} 2, column value: the value is empty",
        f"{where} 3, column value: 'lots' is not a number",
        f"{where} 4, column value: the value -5 is negative; indicators measure need, from 0 up",
        f"{where} 5, column source: the source is empty",
        f"{where} 5, column as_of: the date is '31/03/2024'; write it as YYYY-MM-DD, "
        "e.g. 2024-03-31",
        f"{where} 6, column recipient: 'Beta Town' is not a recipient code "
        "(lower-case letters, digits and -)",
        f"{where} 7, column indicator: a second value for alpha and population "
        "(the first is on row 2)",
    ]


def test_a_missing_column_is_named(tmp_path):
    path = write(
        tmp_path, "needs.csv", "recipient,indicator,value,source\nalpha,population,1,ONS\n"
    )

    assert problems_reading(path) == [
        f"{path}, row 1, column as_of: the column as_of is missing "
        "(the columns must be recipient, indicator, value, source, as_of)"
    ]


def test_previous_allocations_read_and_their_problems_are_named(tmp_path):
    good = read_previous_file(write(tmp_path, "previous.csv", PREVIOUS_CSV))
    assert [(p.recipient, p.amount, p.row) for p in good.amounts] == [
        ("alpha", Decimal("210.00"), 2),
        ("beta", Decimal("300.00"), 3),
        ("gamma", Decimal("320.00"), 4),
    ]

    bad = write(tmp_path, "bad.csv", "recipient,amount\nalpha,12.345\nbeta,-1.00\nalpha,3\n")

    assert problems_reading(bad, read_previous_file) == [
        f"{bad}, row 2, column amount: '12.345' has more than two decimal places",
        f"{bad}, row 3, column amount: the amount -1.00 is negative",
        f"{bad}, row 4, column recipient: a second amount for alpha (the first is on row 2)",
    ]


def test_xlsx_files_read_like_csv_numbers_as_typed(tmp_path):
    rows = [
        ["recipient", "indicator", "value", "source", "as_of"],
        ["alpha", "population", 193282, "ONS", datetime.date(2021, 6, 30)],
        ["alpha", "offences", Decimal("7.2"), "Police", "2021-06-30"],
    ]
    path = tmp_path / "needs.xlsx"
    path.write_bytes(write_xlsx({"Indicators": rows}))

    data = read_indicator_file(path)

    assert [(v.value, v.as_of, v.row) for v in data.values] == [
        (Decimal("193282"), datetime.date(2021, 6, 30), 2),
        (Decimal("7.2"), datetime.date(2021, 6, 30), 3),
    ]


def test_xlsx_problems_use_spreadsheet_row_numbers(tmp_path):
    rows = [
        ["recipient", "indicator", "value", "source", "as_of"],
        ["alpha", "population", "n/a", "ONS", "2021-06-30"],
    ]
    path = tmp_path / "needs.xlsx"
    path.write_bytes(write_xlsx({"Indicators": rows}))

    assert problems_reading(path) == [f"{path}, row 2, column value: 'n/a' is not a number"]


def test_other_file_types_and_unreadable_files_are_refused():
    with pytest.raises(DomainError, match=r"must be \.csv or \.xlsx, not \.xls"):
        read_table(b"", "old.xls")
    with pytest.raises(DomainError, match="not a readable XLSX"):
        read_table(b"not a zip file", "needs.xlsx")
    with pytest.raises(DomainError, match="not UTF-8"):
        read_table("café".encode("latin-1"), "needs.csv")
    with pytest.raises(DomainError, match="row 1 must be the header"):
        read_table(b"", "needs.csv")
