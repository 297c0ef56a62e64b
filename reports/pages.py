"""A ``document.Report`` as a PDF: the one report template (``pdf/report.html``) through
``exports.pdfs.render_pdf``. A4; the partnership's name; table headers repeated on each page;
"Page N of M"; DRAFT across every page when the report is a draft."""

from __future__ import annotations

from flask import render_template

from exports.pdfs import render_pdf
from reports.document import Report


def build_html(report: Report) -> str:
    return render_template("pdf/report.html", report=report)


def build_pdf(report: Report) -> bytes:
    return render_pdf(build_html(report))
