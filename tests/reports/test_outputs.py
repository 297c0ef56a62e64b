"""The Home Office outputs from the 2023-24 and 2024-25 demo, on the command line: every XLSX
opened for its formulas and stored values, every PDF for its text, each total checked to the
penny against the annual report's figures."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest

from tests.reports.helpers import money, pdf_pages, row_starting, sheet_formulas, sheet_values

PARTNERSHIP = "Avon and Somerset Violence Reduction Partnership"


def generate(runner, tmp_path, *args: str) -> bytes:
    out = tmp_path / "output"
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def total_cells(body: bytes, sheet: str) -> list[object]:
    """The total row's formulas, as openpyxl reads them."""
    ws = sheet_formulas(body)[sheet]
    return [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "Total")]


# --- the quarterly Home Office spend return -----------------------------------------------------


def test_quarterly_return_xlsx_consolidates_the_recipients_to_the_penny(demo, runner, tmp_path):
    body = generate(
        runner, tmp_path, "report", "quarterly-return", "--grant", "VRU", "--year", "2023-24",
        "--quarter", "4", "--format", "xlsx",
    )  # fmt: skip

    sheets = sheet_values(body)
    finance = sheets["Finance by category"]
    header = row_starting(finance, "Category")
    total = row_starting(finance, "Total")
    assert money(total[header.index("Annual budget")]) == Decimal("1528667.00")
    assert money(total[header.index("Year to date")]) == Decimal("1527136.96")  # less £1,530.04
    assert finance[0][0] == PARTNERSHIP
    assert "Violence Reduction Unit grant" in finance[1][0]  # names, never codes
    assert not any("DRAFT" in str(cell) for rows in sheets.values() for r in rows for cell in r)
    formulas = total_cells(body, "Finance by category")
    assert formulas[1].startswith("=SUM(B") and formulas[4].startswith("=SUM(E")
    ws = sheet_formulas(body)["Finance by category"]
    assert ws.freeze_panes == f"A{finance.index(header) + 2}"
    assert ws["B" + str(finance.index(header) + 2)].number_format.startswith("£")
    evaluation = sheets["Interventions and evaluation"]
    assert money(row_starting(evaluation, "Total")[2]) == Decimal("970641.72")  # as by category
    assert "Narrative" in sheets
    labour = sheets["Labour and non-labour"]
    assert money(row_starting(labour, "Total")[1]) == Decimal("1528667.00")
    assert {
        "Match funding",
        "Interventions",
        "Reach by age band",
        "Claim",
    } <= set(sheets)


def test_quarterly_return_pdf_is_a4_with_page_numbers(demo, runner, tmp_path):
    body = generate(
        runner, tmp_path, "report", "quarterly-return", "--grant", "SVD", "--year", "2023-24",
        "--quarter", "4", "--format", "pdf",
    )  # fmt: skip

    pages = pdf_pages(body)
    size = pypdf.PdfReader(io.BytesIO(body)).pages[0].mediabox
    assert sorted((round(size.width), round(size.height))) == [595, 842]  # A4 (landscape)
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, 1))
    assert all(PARTNERSHIP in text for text in pages)
    text = "\n".join(pages)
    assert "Serious Violence Duty grant: quarterly spend return 2023-24 Q4" in text
    assert "£157,181.26" in text  # the annual budget across recipients
    assert "£151,478.78" in text  # spent to date: less Bristol's £5,702.48
    assert "Sign-off" in text and "DRAFT" not in text


def test_a_quarter_with_returns_in_draft_is_refused_unless_asked_for_a_draft(
    demo, runner, tmp_path
):
    out = tmp_path / "q2.xlsx"
    args = ["report", "quarterly-return", "--grant", "VRU", "--year", "2024-25", "--quarter", "2"]

    refused = runner.invoke(args=[*args, "--out", str(out)])

    assert refused.exit_code == 1
    assert "still in draft" in refused.output and "--draft" in refused.output
    assert not out.exists()

    body = generate(runner, tmp_path, *args, "--draft", "--format", "xlsx")
    sheets = sheet_values(body)
    assert all(any("DRAFT" in str(row[0]) for row in rows if row) for rows in sheets.values())
    ws = sheet_formulas(body)["Finance by category"]
    assert "DRAFT" in ws.oddHeader.center.text

    pdf = generate(runner, tmp_path, *args, "--draft", "--format", "pdf")
    assert all("DRAFT" in text for text in pdf_pages(pdf))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grant", "XYZ", "--year", "2023-24", "--quarter", "1"], "Unknown grant 'XYZ'"),
        (["--grant", "VRU", "--year", "1999-00", "--quarter", "1"], "Unknown financial year"),
        (["--grant", "VRU", "--year", "2023-24", "--quarter", "5"], "Unknown quarter 5"),
    ],
)
def test_unknown_grant_year_or_quarter_is_a_clear_error(demo, runner, tmp_path, args, message):
    result = runner.invoke(
        args=["report", "quarterly-return", *args, "--out", str(tmp_path / "x.xlsx")]
    )

    assert result.exit_code == 1
    assert message in result.output


def test_unknown_spoke_is_a_clear_error(demo, runner, tmp_path):
    result = runner.invoke(
        args=["report", "delivery-plan", "--year", "2023-24", "--spoke", "atlantis",
              "--out", str(tmp_path / "x.pdf")]
    )  # fmt: skip

    assert result.exit_code == 1
    assert "Unknown spoke 'atlantis'" in result.output


def test_progress_is_shown_on_the_command_line(demo, runner, tmp_path):
    result = runner.invoke(
        args=["report", "annual-summary", "--year", "2023-24", "--format", "xlsx",
              "--out", str(tmp_path / "a.xlsx")]
    )  # fmt: skip

    assert "Gathering the records..." in result.output
    assert "Writing XLSX..." in result.output


# --- the annual finance summary -----------------------------------------------------------------


def test_annual_summary_xlsx_equals_the_annual_report(demo, runner, tmp_path):
    body = generate(
        runner, tmp_path, "report", "annual-summary", "--year", "2023-24", "--format", "xlsx"
    )

    sheets = sheet_values(body)
    received = sheets["Grants received"]
    assert money(row_starting(received, "Total")[1]) == Decimal("1685848.26")
    assert money(row_starting(received, "Violence Reduction Unit grant")[1]) == Decimal(
        "1528667.00"
    )
    assert money(row_starting(received, "Serious Violence Duty grant")[1]) == Decimal("157181.26")
    spending = sheets["Breakdown of spending"]
    underspends = {
        (row[0], row[1]): money(row[4])
        for row in spending
        if len(row) > 4 and isinstance(row[4], float) and row[4] and row[0] != "Total"
    }
    assert underspends == {
        ("Avon and Somerset VRP Hub", "Violence Reduction Unit grant"): Decimal("1530.04"),
        ("Bristol", "Serious Violence Duty grant"): Decimal("5702.48"),
    }
    assert money(row_starting(spending, "Total")[4]) == Decimal("7232.52")
    match = sheets["Match funding"]
    assert money(row_starting(match, "Total")[4]) == Decimal("2127311.00")
    assert total_cells(body, "Match funding")[4].startswith("=SUM(E")
    reach = sheets["Reach"]
    assert row_starting(reach, "Young people")[1] == 18698
    assert row_starting(reach, "Parents and carers")[1] == 2031
    assert row_starting(reach, "Professionals")[1] == 1578
    notes = " ".join(str(row[0]) for row in sheets["Summary"] if row)
    assert "1,578 and 1,689" in notes and "the records give 1,578" in notes


def test_annual_summary_pdf_shows_the_figures_and_a_chart(demo, runner, tmp_path):
    body = generate(
        runner, tmp_path, "report", "annual-summary", "--year", "2023-24", "--format", "pdf"
    )

    text = "\n".join(pdf_pages(body))
    for figure in ("£1,685,848.26", "£1,530.04", "£5,702.48", "£2,127,311.00", "18,698", "2,031"):
        assert figure in text
    assert "Delay recruiting to the new posts" in text  # the underspend's reason
    assert "1,578 and 1,689" in text
    assert "On interventions" in text  # the chart's legend


# --- the delivery plan ---------------------------------------------------------------------------


def test_consolidated_delivery_plan_adds_up_to_the_allocations(demo, runner, tmp_path):
    body = generate(
        runner, tmp_path, "report", "delivery-plan", "--year", "2023-24", "--format", "xlsx"
    )

    sheets = sheet_values(body)
    summary = sheets["Allocations and plans"]
    total = row_starting(summary, "Total")
    assert money(total[2]) == money(total[3]) == Decimal("1685848.26")
    assert {"Summary", "Bristol", "Bristol by category", "Avon and Somerset VRP Hub"} <= set(sheets)
    lines = sheets["Bristol"]
    header = row_starting(lines, "Line")
    assert header[8:13] == ["Q1", "Q2", "Q3", "Q4", "Annual budget"]
    assert total_cells(body, "Bristol")[12].startswith("=SUM(M")


def test_one_spokes_delivery_plan_pdf(demo, runner, tmp_path):
    body = generate(
        runner, tmp_path, "report", "delivery-plan", "--year", "2023-24", "--spoke", "bristol",
        "--format", "pdf",
    )  # fmt: skip

    pages = pdf_pages(body)
    text = "\n".join(pages)
    assert "Delivery plan 2023-24: Bristol" in text
    assert "£440,122.00" in text  # Bristol's VRU and SVD allocations together
    assert "South Gloucestershire" not in text
    assert all(f"of {len(pages)}" in page for page in pages)
