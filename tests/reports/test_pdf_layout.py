"""How a report's PDF flows (templates/pdf/report.html): sections in order under their headings,
a small table kept on one page with its heading, a chart after the tables it illustrates with
its caption on the same page. Read page by page from the PDF's text."""

from __future__ import annotations

from decimal import Decimal

from exports.charts import Series, grouped_bar_chart
from reports.document import MONEY, Column, Figure, Report, Sheet, Table
from reports.pages import build_pdf
from tests.reports.helpers import pdf_pages

AMOUNT = (Column("Recipient"), Column("Amount", MONEY))


def page_of(pages: list[str], text: str) -> int:
    return next(n for n, page in enumerate(pages) if text in page)


def test_a_small_table_after_a_long_one_stays_on_one_page_with_its_heading(app):
    long_rows = [(f"Line {n}", Decimal(n)) for n in range(1, 48)]
    chart = grouped_bar_chart(
        ["Avon and Somerset VRP Hub", "Bristol"],
        [Series("Spent", [Decimal(5), Decimal(7)])],
        title="Spend by recipient",
    )
    report = Report(
        title="Layout",
        partnership="Test Partnership",
        subtitle="A long table, a small one and a chart.",
        sheets=[
            Sheet("Long section", [Table("Long section", AMOUNT, long_rows)]),
            Sheet(
                "Small section",
                [Table("Small section", AMOUNT, [("Hub", Decimal(1)), ("Bristol", Decimal(2))])],
                figures=[Figure("Spend by recipient", chart)],
            ),
        ],
    )

    pages = pdf_pages(build_pdf(report))

    small = page_of(pages, "Small section")
    assert page_of(pages, "Long section") == 0
    assert small >= page_of(pages, "Line 47")
    assert "Line 47" not in pages[small] or small == page_of(pages, "Line 47")
    for cell in ("Hub", "Bristol", "£3.00"):  # its rows and total, with its heading
        assert cell in pages[small]
    caption = page_of(pages, "Spend by recipient")
    assert caption >= small
    assert "Avon and Somerset VRP Hub" in pages[caption]  # the chart, with its caption


def test_annual_summary_sections_flow_in_order_with_the_chart_after_its_table(
    demo, runner, tmp_path
):
    out = tmp_path / "summary.pdf"
    result = runner.invoke(
        args=["report", "annual-summary", "--year", "2023-24", "--format", "pdf", "--out", out]
    )
    assert result.exit_code == 0, result.output
    pages = pdf_pages(out.read_bytes())
    text = "\n".join(pages)

    headings = ["Grants received", "Breakdown of spending", "Match funding",
                "Share spent on interventions", "Spend and spend on interventions by recipient",
                "Reach"]  # fmt: skip
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    received = page_of(pages, "Grants received")
    for cell in ("Serious Violence Duty grant", "£1,528,667.00", "£1,685,848.26"):
        assert cell in pages[received]
    chart = page_of(pages, "Spend and spend on interventions by recipient")
    assert "Avon and Somerset VRP Hub" in pages[chart] and "On interventions" in pages[chart]
