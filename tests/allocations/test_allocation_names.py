"""Runs as people read them: spokes by name, column totals that reconcile to the penny, a
comparison that says what is missing, and exports that keep the codes beside the names."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import python_calamine

from tests.allocations.helpers import error_summary, page_text, table_rows
from tests.builders import make_approved_run, make_dataset, make_formula_version, make_run

SPOKES = ("banes", "bristol", "north-somerset", "somerset", "south-glos")


def pounds(text: str) -> Decimal:
    """``+£1,234.56`` or ``-£0.50`` as a Decimal."""
    sign = -1 if text.startswith("-") else 1
    return sign * Decimal(text.lstrip("+-").lstrip("£").replace(",", ""))


def test_the_column_totals_reconcile_with_the_allocation_total_to_the_penny(client, finance):
    last_year = make_approved_run(pot="1000.00")
    formula = make_formula_version(
        version="2",
        financial_year="2025-26",
        pot="1080.57",
        rounding_unit="1",
        damping={"floor": "-0.02", "ceiling": "0.15"},
        weights={"population": "1"},
    )
    dataset = make_dataset(population={code: "4" if code == "bristol" else "1" for code in SPOKES})
    run = make_run(formula=formula, dataset=dataset, previous=last_year)

    rows = table_rows(client.get(f"/runs/{run.id}").get_data(as_text=True), "allocation-table")

    spokes = [row for row in rows if row[0] in {"Bath & North East Somerset", "Bristol"}]
    assert len(spokes) == 2
    total_row = next(row for row in rows if row[0] == "Spokes' total")
    base, need, damping, rounding, amount = (pounds(c) for c in total_row[1:6])
    assert base + need + damping + rounding == amount
    body = [row for row in rows[1:] if row[0] not in {"Spokes' total"} and len(row) == 8]
    # the test means something only when damping and rounding move money between spokes
    assert any(pounds(row[3]) != 0 for row in body) and any(pounds(row[4]) != 0 for row in body)
    for column in range(1, 7):  # each total is its column's sum
        assert sum(pounds(row[column]) for row in body) == pounds(total_row[column])
    top_slice = pounds(next(row for row in rows if row[0].endswith("(top slice)"))[2])
    grand_total = pounds(rows[-1][2])
    assert amount + top_slice == grand_total == run.pot


def test_the_run_page_names_the_top_slice_by_its_organisation(client, finance):
    run = make_run()

    html = client.get(f"/runs/{run.id}").get_data(as_text=True)

    assert table_rows(html, "allocation-table")[1][0] == "VRP Hub (top slice)"
    assert "South Gloucestershire: £162.00" in html
    for code in SPOKES:
        assert f">{code}<" not in html


def test_the_comparison_names_the_spokes_and_the_top_slice(client, finance):
    first = make_approved_run(label="This year")
    second = make_run(formula=first.formula_version, pot="800.00", label="Cut")

    html = client.get(f"/runs/compare?runs={first.id}&runs={second.id}").get_data(as_text=True)

    names = [row[0] for row in table_rows(html, "comparison")[1:]]
    assert names == [
        "VRP Hub (top slice)",
        "Bath & North East Somerset",
        "Bristol",
        "North Somerset",
        "Somerset",
        "South Gloucestershire",
        "Total",
    ]
    assert "<title>Bath &amp; North East Somerset, This year: £162.00</title>" in html


def test_comparing_one_run_or_runs_that_are_not_numbers_asks_for_two(client, finance):
    run = make_run()

    one = client.get(f"/runs/compare?runs={run.id}&submit=Compare")
    junk = client.get("/runs/compare?runs=abc")

    for response in (one, junk):
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Choose at least two runs to compare" in error_summary(html)
        assert 'id="runs-error"' in html
        assert 'data-testid="comparison"' not in html


def test_arriving_with_one_run_ticked_invites_a_second_without_an_error(client, finance):
    run = make_run()

    html = client.get(f"/runs/compare?runs={run.id}").get_data(as_text=True)

    assert "govuk-error-summary" not in html
    assert "Choose at least two runs to compare" in page_text(html, testid="choose-another")


def test_the_csv_export_keeps_the_codes_and_adds_the_names(client, finance):
    run = make_run()

    text = client.get(f"/runs/{run.id}/export.csv").get_data(as_text=True)

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["recipient"], r["recipient_name"]) for r in rows][:2] == [
        ("banes", "Bath & North East Somerset"),
        ("bristol", "Bristol"),
    ]
    assert (rows[-1]["recipient"], rows[-1]["recipient_name"]) == ("hub", "VRP Hub")


def test_the_xlsx_export_keeps_the_codes_and_adds_the_names(client, finance):
    run = make_run()

    response = client.get(f"/runs/{run.id}/export.xlsx")

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.data))
    rows = workbook.get_sheet_by_name("Allocations").to_python()
    name = rows[0].index("recipient_name")
    assert {row[0]: row[name] for row in rows[1:] if row[0] != "total"} == {
        "banes": "Bath & North East Somerset",
        "bristol": "Bristol",
        "north-somerset": "North Somerset",
        "somerset": "Somerset",
        "south-glos": "South Gloucestershire",
        "hub": "VRP Hub",
    }
