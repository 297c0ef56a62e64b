"""Runs: a formula version on a dataset and a pot, shown with its explanation and chart, compared
side by side, and exported.

The default test formula (tests.builders): pot 1000.00, hub 10%, base 0.4, population 1:2:1:1:1,
so the hub gets 100.00, bristol 252.00 and every other spoke 162.00. "Next year" (pot 1100.00)
gives 110.00, 277.20 and 178.20: every spoke 10% up on the first run.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import python_calamine
from sqlalchemy import select

from allocations.models import FormulaRun, RunStatus
from extensions import db
from tests.allocations.helpers import error_summary, page_text, stored_counts, table_rows
from tests.builders import make_approved_run, make_dataset, make_formula_version, make_run

SVG = "{http://www.w3.org/2000/svg}"


def next_year(previous=None, **fields):
    formula = make_formula_version(version="2", financial_year="2025-26", pot="1100.00")
    return make_run(formula=formula, previous=previous, label="Next year", **fields)


def chart_of(html: str) -> ET.Element:
    start = html.find("<svg", html.find('data-testid="run-chart"'))
    return ET.fromstring(html[start : html.find("</svg>", start) + len("</svg>")])


def test_the_run_page_shows_each_allocation_with_its_change_on_last_year(client, finance):
    run = next_year(previous=make_approved_run())

    html = client.get(f"/runs/{run.id}").get_data(as_text=True)

    rows = table_rows(html, "allocation-table")
    assert rows[0] == [
        "Recipient",
        "Base",
        "Need",
        "Damping",
        "Rounding",
        "Allocation",
        "Previous",
        "Change",
    ]
    assert rows[1] == ["VRP Hub (top slice)", "", "£110.00", ""]
    assert rows[3] == [
        "Bristol",
        "£79.20",
        "£198.00",
        "£0.00",
        "£0.00",
        "£277.20",
        "£252.00",
        "+£25.20 +10.00%",
    ]
    assert rows[4] == [
        "North Somerset",
        "£79.20",
        "£99.00",
        "£0.00",
        "£0.00",
        "£178.20",
        "£162.00",
        "+£16.20 +10.00%",
    ]
    assert rows[-2] == [
        "Spokes' total",
        "£396.00",
        "£594.00",
        "£0.00",
        "£0.00",
        "£990.00",
        "£900.00",
        "+£90.00 +10.00%",
    ]
    assert rows[-1] == ["Total, with the top slices", "", "£1,100.00", ""]
    assert "Previous year Run 1: Test formula v1 on Needs v1" in page_text(
        html, css_class="govuk-summary-list"
    )


def test_the_run_page_explains_each_spokes_need_by_indicator(client, finance):
    formula = make_formula_version(weights={"population": "0.5", "offences": "0.5"})
    dataset = make_dataset(
        rows=[
            (code, indicator, value)
            for code in ("banes", "bristol", "north-somerset", "somerset", "south-glos")
            for indicator, value in (
                ("population", "2" if code == "bristol" else "1"),
                ("offences", "3" if code == "banes" else "1"),
            )
        ]
    )
    run = make_run(formula=formula, dataset=dataset)

    html = client.get(f"/runs/{run.id}").get_data(as_text=True)

    # need 540.00: population's half (270.00) shared 1:2:1:1:1, offences' half 3:1:1:1:1.
    start = html.find("<table", html.find("Bath &amp; North East Somerset: £232.72"))
    banes = html[start : html.find("</details>", start)]
    assert table_rows(banes, css_class="govuk-table") == [
        ["Indicator", "Value", "Share of all spokes", "Weight", "Contribution"],
        ["Population", "1", "0.166667", "0.5", "£45.00"],
        ["Offences", "3", "0.428571", "0.5", "£115.71"],
    ]
    assert (
        "Base £72.00 + need £160.71 = £232.71 before damping; damping £0.00; rounding "
        "+£0.01; allocation £232.72."
    ) in page_text(banes, css_class="govuk-body-s")
    assert run.result["total"] == "1000.00"


def test_the_chart_compares_this_year_with_last_year_by_spoke(client, finance):
    run = next_year(previous=make_approved_run())

    chart = chart_of(client.get(f"/runs/{run.id}").get_data(as_text=True))

    assert chart.find(f"{SVG}title").text == "Allocations by spoke, Next year"
    titles = [t.text for rect in chart.iter(f"{SVG}rect") for t in rect.findall(f"{SVG}title")]
    assert len(titles) == 10
    assert titles[2:4] == ["Bristol, 2025-26: £277.20", "Bristol, Previous year: £252.00"]


def test_without_previous_allocations_there_is_no_change_and_one_series(client, finance):
    run = make_run()

    html = client.get(f"/runs/{run.id}").get_data(as_text=True)

    assert table_rows(html, "allocation-table")[2][-2:] == ["–", "– –"]
    bars = [r for r in chart_of(html).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 5


def post_run(client, **fields):
    data = {
        "label": "",
        "formula_version": "",
        "dataset": "",
        "pot": "",
        "previous": "",
        "submit": "Run the formula",
        **fields,
    }
    return client.post("/runs/new", data=data, content_type="multipart/form-data")


def test_finance_runs_a_scenario_from_the_form_with_a_pot_and_last_years_run(client, finance):
    first = make_approved_run()
    formula = make_formula_version(version="2", financial_year="2025-26")
    dataset = make_dataset(name="Needs 2025")

    response = post_run(
        client,
        formula_version=str(formula.id),
        dataset=str(dataset.id),
        pot="1,100.00",
        previous=str(first.id),
        label="Confirmed grant",
    )

    run = db.session.scalar(select(FormulaRun).where(FormulaRun.label == "Confirmed grant"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/runs/{run.id}"
    assert run.status is RunStatus.DRAFT
    assert (run.pot, run.total, run.financial_year, run.grant_stream.code) == (
        Decimal("1100.00"),
        Decimal("1100.00"),
        "2025-26",
        "VRU",
    )
    assert run.previous_label == first.title
    assert run.created_by == finance
    assert {a["recipient"]: a["change"] for a in run.result["allocations"]} == {
        "banes": "16.20",
        "bristol": "25.20",
        "north-somerset": "16.20",
        "somerset": "16.20",
        "south-glos": "16.20",
    }


def test_a_blank_pot_uses_the_formulas_and_the_label_defaults_to_formula_and_dataset(
    client, finance
):
    formula = make_formula_version()
    dataset = make_dataset()

    post_run(client, formula_version=str(formula.id), dataset=str(dataset.id))

    run = db.session.scalar(select(FormulaRun))
    assert run.pot == Decimal("1000.00")
    assert run.label == "Test formula v1 on Needs v1"


def test_previous_allocations_can_be_uploaded_as_a_file(client, finance):
    formula = make_formula_version()
    dataset = make_dataset()
    previous = (
        b"recipient,amount\nbanes,150.00\nbristol,300.00\nnorth-somerset,150.00\n"
        b"somerset,150.00\nsouth-glos,150.00\nhub,100.00\n"
    )

    response = post_run(
        client,
        formula_version=str(formula.id),
        dataset=str(dataset.id),
        previous_file=(io.BytesIO(previous), "last-year.csv"),
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    run = db.session.scalar(select(FormulaRun))
    assert run.previous_label == "last-year.csv"
    changes = {
        a["recipient"]: (a["change"], a["change_percent"]) for a in run.result["allocations"]
    }
    assert changes["bristol"] == ("-48.00", "-16.00")
    assert changes["banes"] == ("12.00", "8.00")


def test_the_run_form_offers_formulas_datasets_and_approved_runs_only(client, finance):
    formula = make_formula_version()
    approved = make_approved_run(formula=formula, label="Approved one")
    draft = make_run(formula=formula, label="Draft one")

    html = client.get(f"/runs/new?formula={formula.id}").get_data(as_text=True)

    assert f'<option value="{formula.id}" selected>Test formula v1</option>' in html
    assert f'<option value="{approved.id}">Run {approved.id}: Approved one' in html
    assert f"Run {draft.id}: Draft one" not in html


def compare(client, *runs):
    query = "&".join(f"runs={run.id}" for run in runs)
    return client.get(f"/runs/compare?{query}").get_data(as_text=True)


def test_two_scenarios_side_by_side_with_the_difference_against_the_first(client, finance):
    first = make_approved_run(label="This year")
    second = next_year()

    rows = table_rows(compare(client, first, second), "comparison")

    assert rows[0] == [
        "Recipient",
        f"Run {first.id}: This year",
        f"Run {second.id}: Next year",
        "Difference",
    ]
    assert rows[1] == ["VRP Hub (top slice)", "£100.00", "£110.00", "+£10.00 +10.00%"]
    assert rows[3] == ["Bristol", "£252.00", "£277.20", "+£25.20 +10.00%"]
    assert rows[-1] == ["Total", "£1,000.00", "£1,100.00", "+£100.00"]


def test_the_approved_run_is_the_baseline_by_default_whatever_the_order(client, finance):
    first = make_approved_run(label="This year")
    second = next_year()

    html = compare(client, second, first)

    assert f"against the baseline, <strong>Run {first.id}: This year" in html
    assert table_rows(html, "comparison")[3] == ["Bristol", "£252.00", "£277.20", "+£25.20 +10.00%"]


def test_the_user_chooses_the_baseline(client, finance):
    first = make_approved_run(label="This year")
    second = next_year()

    html = client.get(
        f"/runs/compare?runs={first.id}&runs={second.id}&baseline={second.id}&submit=Compare"
    ).get_data(as_text=True)

    assert f"against the baseline, <strong>Run {second.id}: Next year" in html
    assert table_rows(html, "comparison")[3] == ["Bristol", "£277.20", "£252.00", "-£25.20 -9.09%"]
    assert f'<option selected value="{second.id}">' in html or (
        f'value="{second.id}" selected' in html
    )


def test_a_baseline_that_was_not_ticked_is_compared_too(client, finance):
    first = make_approved_run(label="This year")
    second = next_year()

    html = client.get(
        f"/runs/compare?runs={second.id}&baseline={first.id}&submit=Compare"
    ).get_data(as_text=True)

    assert table_rows(html, "comparison")[3] == ["Bristol", "£252.00", "£277.20", "+£25.20 +10.00%"]


def test_runs_of_different_years_or_grants_are_compared_with_a_warning(client, finance):
    first = make_approved_run(label="This year")
    svd = make_run(
        formula=make_formula_version(name="SVD formula", grant="SVD"), dataset=first.dataset
    )

    different_year = compare(client, first, next_year())
    different_grant = compare(client, first, svd)
    same = compare(client, first, make_run(formula=first.formula_version, pot="800.00"))

    assert "different years (2024-25, 2025-26)" in page_text(different_year, testid="mixed-runs")
    assert "different grants (SVD, VRU)" in page_text(different_grant, testid="mixed-runs")
    assert 'data-testid="mixed-runs"' not in same


def test_three_runs_compared_each_against_the_first(client, finance):
    first = make_approved_run()
    second = next_year()
    third = make_run(formula=first.formula_version, pot="800.00", label="Cut")

    rows = table_rows(compare(client, first, second, third), "comparison")

    assert rows[3] == [
        "Bristol",
        "£252.00",
        "£277.20",
        "+£25.20 +10.00%",
        "£201.60",
        "-£50.40 -20.00%",
    ]


def test_comparing_fewer_than_two_runs_says_so(client, finance):
    run = make_run()

    html = client.get(f"/runs/compare?runs={run.id}&submit=Compare").get_data(as_text=True)

    assert "Choose at least two runs to compare" in error_summary(html)
    assert 'data-testid="comparison"' not in html


def test_the_export_links_are_on_the_run_page(client, finance):
    run = make_run()

    html = client.get(f"/runs/{run.id}").get_data(as_text=True)

    assert f'href="/runs/{run.id}/export.xlsx"' in html
    assert f'href="/runs/{run.id}/export.csv"' in html


def test_a_run_exports_to_xlsx_with_amounts_that_add_up_to_the_pot(client, finance):
    run = next_year(previous=make_approved_run())

    response = client.get(f"/runs/{run.id}/export.xlsx")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="allocation-run-{run.id}.xlsx"'
    )
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.data))
    assert workbook.sheet_names == ["Allocations", "Indicators", "Formula"]
    rows = workbook.get_sheet_by_name("Allocations").to_python()
    header, body = rows[0], rows[1:]
    assert header[:3] == ["recipient", "kind", "amount"]
    amounts = {row[0]: Decimal(str(row[2])).quantize(Decimal("0.01")) for row in body}
    assert amounts == {
        "banes": Decimal("178.20"),
        "bristol": Decimal("277.20"),
        "north-somerset": Decimal("178.20"),
        "somerset": Decimal("178.20"),
        "south-glos": Decimal("178.20"),
        "hub": Decimal("110.00"),
        "total": Decimal("1100.00"),
    }
    assert sum(v for k, v in amounts.items() if k != "total") == run.pot
    bristol = next(row for row in body if row[0] == "bristol")
    assert Decimal(str(bristol[header.index("previous")])) == Decimal(252)


def test_a_run_exports_to_csv_with_amounts_that_add_up_to_the_pot(client, finance):
    run = make_run()

    response = client.get(f"/runs/{run.id}/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="allocation-run-{run.id}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["recipient"], r["kind"], r["amount"]) for r in rows] == [
        ("banes", "spoke", "162.00"),
        ("bristol", "spoke", "252.00"),
        ("north-somerset", "spoke", "162.00"),
        ("somerset", "spoke", "162.00"),
        ("south-glos", "spoke", "162.00"),
        ("hub", "top_slice", "100.00"),
    ]
    assert sum(Decimal(r["amount"]) for r in rows) == run.pot
    assert (
        rows[1]["population_value"],
        rows[1]["population_share"],
        rows[1]["population_contribution"],
    ) == ("2", "0.333333", "180.00")


def test_other_export_formats_are_not_found(client, finance):
    run = make_run()

    assert client.get(f"/runs/{run.id}/export.pdf").status_code == 404
    assert client.get("/runs/999/export.csv").status_code == 404
    assert client.get("/runs/999").status_code == 404


def test_viewing_comparing_and_exporting_store_nothing(client, finance):
    first = make_approved_run()
    second = next_year(previous=first)
    before = stored_counts()

    client.get(f"/runs/{second.id}")
    compare(client, first, second)
    client.get(f"/runs/{second.id}/export.xlsx")

    assert stored_counts() == before


def test_the_compare_link_on_a_run_page_ticks_the_run_without_an_error(client, finance):
    run = make_run()
    other = make_run(formula=run.formula_version, dataset=run.dataset, label="Other")

    html = client.get(f"/runs/compare?runs={run.id}").get_data(as_text=True)

    assert "govuk-error-summary" not in html
    assert f'name="runs" type="checkbox" value="{run.id}" checked' in html
    assert f'name="runs" type="checkbox" value="{other.id}">' in html
