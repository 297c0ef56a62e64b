"""Benchmark: the Home Office output generators against the raw libraries, in the same run.

XLSX: ``reports.workbook.build_workbook`` of a delivery-plan-shaped report (recipients x lines,
14 columns, a ``SUM`` total row per sheet) against bare xlsxwriter writing the same cells with
the same formats, formulas and stored values. PDF: ``reports.pages.build_pdf`` (template plus
WeasyPrint) against WeasyPrint alone rendering the same final HTML. Prints each time, the ratio
(goal: at most 1.3) and the peak memory of each (tracemalloc, Python allocations only).

Run from the repository root: ``python bench/bench_reports.py``.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter  # type: ignore[import-untyped]

from reports.delivery import PLAN_LINE_COLUMNS
from reports.document import Report, Sheet, Table
from reports.workbook import build_workbook, column_letter

SIZES = ((6, 20), (33, 60))  # (recipients, lines each)
COLUMNS = PLAN_LINE_COLUMNS  # the same table the delivery plan prints


def build_report(recipients: int, lines: int) -> Report:
    sheets = []
    for r in range(recipients):
        rows = []
        for n in range(lines):
            q = Decimal(1000 + 37 * n + r) + Decimal("0.25")
            rows.append(
                (f"V{n + 1}", f"Activity {n + 1} of recipient {r + 1}", "Interventions",
                 "Violence Reduction Unit grant", "Non-labour", "Revenue", "Mentoring",
                 "Local youth charity", q, q, q, q, q * 4, "120 young people")
            )  # fmt: skip
        sheets.append(Sheet(f"Recipient {r + 1}", [Table(f"Recipient {r + 1}", COLUMNS, rows)]))
    return Report("Delivery plan 2024-25", "Benchmark Partnership", "Benchmark", sheets)


def raw_xlsx(report: Report) -> bytes:
    """The same cells straight through xlsxwriter: titles, header, rows, SUM totals, formats."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    money = workbook.add_format({"num_format": "£#,##0.00;-£#,##0.00"})
    bold_money = workbook.add_format({"num_format": "£#,##0.00;-£#,##0.00", "bold": True})
    bold = workbook.add_format({"bold": True})
    summary = workbook.add_worksheet("Summary")
    for r, text in enumerate((report.partnership, report.heading, report.subtitle)):
        summary.write_string(r, 0, text)
    for sheet in report.sheets:
        table = sheet.tables[0]
        ws = workbook.add_worksheet(sheet.name[:31])
        top = 5
        for r, text in enumerate(
            (report.partnership, report.heading, report.subtitle, table.title)
        ):
            ws.write_string(r, 0, text)
        for c, column in enumerate(table.columns):
            ws.write_string(top, c, column.heading, bold)
        for r, row in enumerate(table.rows, top + 1):
            for c, value in enumerate(row):
                if isinstance(value, Decimal):
                    ws.write_number(r, c, float(value), money)
                else:
                    ws.write_string(r, c, str(value))
        last = top + len(table.rows)
        ws.write_string(last + 1, 0, "Total", bold)
        for c, value in enumerate(table.totals()):
            if isinstance(value, Decimal):
                letter = column_letter(c)
                ws.write_formula(
                    last + 1, c, f"=SUM({letter}{top + 2}:{letter}{last + 1})", bold_money,
                    float(value),
                )  # fmt: skip
        ws.freeze_panes(top + 1, 0)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(top)
    workbook.close()
    return buffer.getvalue()


def measure(work: Callable[[], object], repeats: int) -> tuple[float, int]:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def row(label: str, ours: tuple[float, int], raw: tuple[float, int]) -> str:
    return (
        f"| {label} | {ours[0] * 1000:,.1f} | {raw[0] * 1000:,.1f} | {ours[0] / raw[0]:.2f} "
        f"| {ours[1] / 2**20:,.1f} | {raw[1] / 2**20:,.1f} |"
    )


def main() -> None:
    print("| output | ours (ms) | raw library (ms) | ratio | ours peak (MiB) | raw peak (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for recipients, lines in SIZES:
        report = build_report(recipients, lines)
        label = f"XLSX, {recipients} x {lines} lines"
        print(row(label, measure(lambda r=report: build_workbook(r), 5),
                  measure(lambda r=report: raw_xlsx(r), 5)))  # fmt: skip
    from weasyprint import HTML  # type: ignore[import-untyped]

    from app import create_app
    from exports.pdfs import render_pdf
    from reports.pages import build_html

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench"}
        )
        with app.test_request_context():
            report = build_report(6, 20)
            html = build_html(report)
            ours = measure(lambda: render_pdf(build_html(report)), 3)
            raw = measure(lambda: HTML(string=html).write_pdf(), 3)
            print(row("PDF, 6 x 20 lines", ours, raw))


if __name__ == "__main__":
    main()
