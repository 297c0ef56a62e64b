"""Bad input on the web: every problem is answered with 400 and the GOV.UK error summary, names
the file, row and column where there is one, and nothing at all is stored."""

from __future__ import annotations

import io

import pytest

from tests.allocations.helpers import error_summary, stored_counts
from tests.builders import (
    formula_toml,
    indicator_csv,
    make_approved_run,
    make_dataset,
    make_formula_version,
    make_grant_stream,
    make_hub,
    make_spokes,
)

FORM = {
    "name": "Test formula",
    "version": "1",
    "grant": "VRU",
    "financial_year": "2024-25",
    "pot": "1000.00",
    "rounding_unit": "0.01",
    "top_slice_recipient": "hub",
    "top_slice_percent": "10",
    "base_share": "0.4",
    "weights": "population = 1",
    "submit": "Save as a new version",
}
SPOKES = ("banes", "bristol", "north-somerset", "somerset", "south-glos")


def refused(client, url: str, data: dict) -> str:
    """POST ``data``; check it is refused with an error summary and stores nothing; return the
    summary's text."""
    make_grant_stream("VRU")
    before = stored_counts()

    response = client.post(url, data=data, content_type="multipart/form-data")

    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:3000]
    assert "<title>Error: " in html
    summary = error_summary(html)
    assert summary.startswith("There is a problem")
    assert stored_counts() == before
    return summary


# --- the formula form --------------------------------------------------------------------------


def test_weights_that_do_not_add_up_to_one_are_refused_on_the_form(client, finance):
    html_summary = refused(
        client, "/formulas/new", {**FORM, "weights": "population = 0.5\noffences = 0.4"}
    )

    assert "The indicator weights add up to 0.9, not exactly 1" in html_summary


def test_weight_lines_that_cannot_be_read_are_refused_on_the_form(client, finance):
    summary = refused(client, "/formulas/new", {**FORM, "weights": "population 1"})

    assert "Line 1: write it as indicator = weight" in summary


def test_a_rounding_unit_other_than_the_penny_or_the_pound_is_refused_on_the_form(client, finance):
    summary = refused(client, "/formulas/new", {**FORM, "rounding_unit": "0.05"})

    assert "Not a valid choice" in summary


def test_missing_required_fields_are_each_named(client, finance):
    summary = refused(
        client,
        "/formulas/new",
        {**FORM, "name": "", "financial_year": "", "pot": "", "weights": ""},
    )

    for message in (
        "Enter the formula's name",
        "Enter the financial year",
        "Enter the pot",
        "Enter at least one indicator weight",
    ):
        assert message in summary


# --- the formula file --------------------------------------------------------------------------


def upload_formula(client, text: str) -> str:
    return refused(
        client,
        "/formulas/new",
        {
            "upload-file": (io.BytesIO(text.encode()), "asvrp.toml"),
            "upload-submit": "Upload formula",
        },
    )


def test_a_rounding_unit_other_than_the_penny_or_the_pound_is_refused_in_a_file(client, finance):
    summary = upload_formula(client, formula_toml(rounding_unit="0.05"))

    assert (
        "asvrp.toml, row 6, column rounding_unit: rounding unit 0.05 is not allowed; use "
        "0.01 (pence) or 1 (pounds)"
    ) in summary


def test_weights_that_do_not_add_up_to_one_are_refused_in_a_file(client, finance):
    summary = upload_formula(client, formula_toml(weights={"population": "0.6", "offences": "0.6"}))

    assert "asvrp.toml, row 14, column indicators: " in summary
    assert "add up to 1.2, not exactly 1" in summary


def test_every_problem_in_a_formula_file_is_listed_at_once(client, finance):
    summary = upload_formula(client, formula_toml(pot="-5.00", rounding_unit="2", grant="NOPE"))

    assert "row 5, column pot: the pot -5.00 must not be negative" in summary
    assert "row 6, column rounding_unit: rounding unit 2 is not allowed" in summary


def test_an_unknown_grant_is_refused(client, finance):
    summary = upload_formula(client, formula_toml(grant="NOPE"))

    assert "asvrp.toml, row 3, column grant: unknown grant 'NOPE'; known grants: VRU" in summary


def test_a_file_that_is_not_toml_is_refused(client, finance):
    summary = upload_formula(client, "name = \n")

    assert "asvrp.toml, row 1: not valid TOML" in summary


# --- the indicator file ------------------------------------------------------------------------


def upload_indicators(client, content: bytes, filename: str = "needs.csv") -> str:
    return refused(
        client,
        "/indicators/new",
        {"name": "Needs", "file": (io.BytesIO(content), filename), "submit": "Import indicators"},
    )


def test_negative_empty_and_non_numeric_values_are_each_named_by_row_and_column(client, finance):
    summary = upload_indicators(
        client,
        indicator_csv(
            [
                ("banes", "population", "193282"),
                ("bristol", "population", "-1"),
                ("north-somerset", "population", ""),
                ("somerset", "population", "lots"),
                ("south-glos", "population", "12", "", "31/03/2024"),
            ]
        ),
    )

    assert "needs.csv, row 3, column value: the value -1 is negative" in summary
    assert "needs.csv, row 4, column value: the value is empty" in summary
    assert "needs.csv, row 5, column value: 'lots' is not a number" in summary
    assert "needs.csv, row 6, column source: the source is empty" in summary
    assert "needs.csv, row 6, column as_of: the date is '31/03/2024'" in summary


def test_a_duplicate_row_is_refused(client, finance):
    summary = upload_indicators(
        client,
        indicator_csv(
            [
                ("bristol", "population", "1"),
                ("banes", "population", "1"),
                ("bristol", "population", "2"),
            ]
        ),
    )

    assert (
        "needs.csv, row 4, column indicator: a second value for bristol and population "
        "(the first is on row 2)"
    ) in summary


def test_a_missing_column_is_refused(client, finance):
    summary = upload_indicators(client, b"recipient,indicator,value,source\nbristol,p,1,ONS\n")

    assert "needs.csv, row 1, column as_of: the column as_of is missing" in summary


def test_a_file_that_is_not_a_spreadsheet_is_refused(client, finance):
    summary = upload_indicators(client, b"hello", filename="needs.txt")

    assert "The file must be a CSV or an XLSX spreadsheet" in summary


def test_a_damaged_xlsx_file_is_refused(client, finance):
    summary = upload_indicators(client, b"not a zip", filename="needs.xlsx")

    assert "needs.xlsx: not a readable XLSX workbook" in summary


# --- running a formula on data that does not fit it --------------------------------------------


def run_refused(client, formula, dataset, **fields) -> str:
    return refused(
        client,
        "/runs/new",
        {
            "formula_version": str(formula.id),
            "dataset": str(dataset.id),
            "pot": "",
            "previous": "",
            "label": "",
            "submit": "Run the formula",
            **fields,
        },
    )


@pytest.fixture
def spokes(app):
    make_spokes()
    make_hub()


def test_a_spoke_missing_a_value_is_refused(client, finance):
    formula = make_formula_version(weights={"population": "0.5", "offences": "0.5"})
    dataset = make_dataset(
        rows=[(code, "population", "1") for code in SPOKES]
        + [(code, "offences", "1") for code in SPOKES if code != "somerset"]
    )

    summary = run_refused(client, formula, dataset)

    assert "Somerset has no value for indicator offences" in summary


def test_an_indicator_that_is_zero_for_every_spoke_is_refused(client, finance):
    dataset = make_dataset(population={code: "0" for code in SPOKES})

    summary = run_refused(client, make_formula_version(), dataset)

    assert "Indicator population is 0 for every spoke" in summary


def test_a_damping_formula_without_any_previous_allocations_names_the_form_field(client, finance):
    formula = make_formula_version(damping={"floor": "-0.05"})

    summary = run_refused(client, formula, make_dataset())

    assert (
        "The formula damps each spoke against last year's "
        "allocations, and there is no approved run for last year: choose the previous year's "
        "allocations or upload them"
    ) in summary
    assert "formula.toml" not in summary and "row " not in summary


def test_floors_that_cannot_be_met_are_refused(client, finance, spokes):
    formula = make_formula_version(damping={"floor": "-0.05"})
    previous = b"recipient,amount\n" + b"".join(code.encode() + b",300.00\n" for code in SPOKES)

    summary = run_refused(
        client, formula, make_dataset(), previous_file=(io.BytesIO(previous), "last-year.csv")
    )

    assert (
        "The pot is too small for this formula's damping. No spoke may get more than 5% less "
        "than last year, so the spokes need at least £1,425.00 between them, and this pot leaves "
        "only £900.00 for them to share. Enter a larger pot, or choose other previous year's "
        "allocations"
    ) in summary
    assert "damping.floor" not in summary and "row " not in summary


def test_a_pot_too_large_for_the_ceilings_says_so_on_the_pot_field(client, finance, spokes):
    formula = make_formula_version(damping={"ceiling": "0.10"})
    previous = b"recipient,amount\n" + b"".join(code.encode() + b",300.00\n" for code in SPOKES)
    dataset = make_dataset()

    def form():  # a fresh file each time: the client closes the one it sent
        return {
            "formula_version": str(formula.id),
            "dataset": str(dataset.id),
            "pot": "999999999999999",
            "previous": "",
            "label": "",
            "submit": "Run the formula",
            "previous_file": (io.BytesIO(previous), "last-year.csv"),
        }

    summary = refused(client, "/runs/new", form())
    html = client.post("/runs/new", data=form(), content_type="multipart/form-data")
    html = html.get_data(as_text=True)

    assert (
        "The pot is too large for this formula's damping. No spoke may get more than 10% more "
        "than last year, so the spokes can take at most £1,650.00 between them"
    ) in summary
    assert "damping.ceiling" not in summary and "999999998" not in summary
    assert 'id="pot-error"' in html


def test_floors_from_an_approved_run_that_cannot_be_met_are_refused(client, finance):
    last_year = make_approved_run(pot="3000.00")
    formula = make_formula_version(
        version="2", financial_year="2025-26", damping={"floor": "-0.05"}
    )

    summary = run_refused(client, formula, last_year.dataset, previous=str(last_year.id))

    assert "The pot is too small for this formula's damping" in summary


def test_a_previous_allocations_file_with_an_unknown_recipient_is_refused(client, finance):
    previous = b"recipient,amount\nbristol,100.00\natlantis,5.00\n"

    summary = run_refused(
        client,
        make_formula_version(),
        make_dataset(),
        previous_file=(io.BytesIO(previous), "last-year.csv"),
    )

    assert "Atlantis is neither a spoke" in summary


@pytest.mark.parametrize(
    ("pot", "message"),
    [
        ("lots", "The pot must be an amount in pounds, like 1528667.00: 'lots' is not a number"),
        ("10.005", "more than two decimal places"),
        ("-1.00", "must not be negative"),
        ("1e6", "The pot must be written out in full, like 1000000000: 1e6 is in exponent"),
    ],
)
def test_a_pot_that_is_not_an_amount_is_refused(client, finance, pot, message):
    summary = run_refused(client, make_formula_version(), make_dataset(), pot=pot)

    assert message in summary


def test_a_formula_file_that_is_not_utf8_is_refused(client, finance):
    make_grant_stream("VRU")
    before = stored_counts()

    response = client.post(
        "/formulas/new",
        data={
            "upload-file": (io.BytesIO('pot = "£1"'.encode("latin-1")), "asvrp.toml"),
            "upload-submit": "Upload formula",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "The file is not UTF-8 text" in error_summary(response.get_data(as_text=True))
    assert stored_counts() == before
