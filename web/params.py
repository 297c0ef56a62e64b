"""Reading what a page was asked for in its address: one rule for ``?year=``."""

from __future__ import annotations

from flask import abort

from core.financial_year import FinancialYear, FinancialYearError


def year_or_404(text: str | None) -> str | None:
    """``2024-25`` for a financial year as asked for, ``None`` for none; anything else is not a
    page that exists (404), rather than an empty list that looks like a year with no records."""
    if text is None or text == "":
        return None
    try:
        return FinancialYear.parse(text).label
    except FinancialYearError:
        abort(404)
