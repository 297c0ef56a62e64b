"""Helpers for the allocation tests: counting what is stored, reading parts of a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import func, select

from allocations.models import (
    Allocation,
    FormulaRun,
    FormulaVersion,
    IndicatorDataset,
    IndicatorValueRecord,
)
from audit.models import AuditEvent
from extensions import db

STORED = (
    FormulaVersion,
    IndicatorDataset,
    IndicatorValueRecord,
    FormulaRun,
    Allocation,
    AuditEvent,
)


def stored_counts() -> dict[str, int]:
    """How many rows each allocation table (and the audit log) holds."""
    db.session.expire_all()
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in STORED
    }


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Collector(HTMLParser):
    """Collects the text of every element matching ``wanted`` (attrs -> bool), and of the
    table rows and cells inside it."""

    def __init__(self, wanted) -> None:  # type: ignore[no-untyped-def]
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.depth = 0  # > 0 while inside a matching element
        self.texts: list[list[str]] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in _VOID:
            if tag == "br":
                self.handle_data(" ")
            return
        if self.depth:
            self.depth += 1
        elif self.wanted(dict(attrs)):
            self.depth = 1
            self.texts.append([])
        if self.depth and tag == "tr":
            self.rows.append([])
        if self.depth and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in _VOID or not self.depth:
            return
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(_normal("".join(self._cell)))
            self._cell = None
        self.depth -= 1

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.depth:
            self.texts[-1].append(data)
            if self._cell is not None:
                self._cell.append(data)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _by(*, testid: str | None, css_class: str | None):  # type: ignore[no-untyped-def]
    def wanted(attrs: dict[str, str | None]) -> bool:
        if testid is not None:
            return attrs.get("data-testid") == testid
        return css_class in (attrs.get("class") or "").split()

    return wanted


def page_text(html: str, *, testid: str | None = None, css_class: str | None = None) -> str:
    """The text of the first element with ``data-testid`` or class (fails when none)."""
    collector = _Collector(_by(testid=testid, css_class=css_class))
    collector.feed(html)
    assert collector.texts, f"the page has no element {testid or css_class!r}"
    return _normal("".join(collector.texts[0]))


def table_rows(
    html: str, testid: str | None = None, *, css_class: str | None = None
) -> list[list[str]]:
    """The cell texts, row by row, of the first table with ``data-testid`` or class."""
    collector = _Collector(_by(testid=testid, css_class=css_class))
    collector.feed(html)
    assert collector.texts, f"the page has no table {testid or css_class!r}"
    return collector.rows


def error_summary(html: str) -> str:
    """The text of the GOV.UK error summary on the page (fails the test when there is none)."""
    return page_text(html, css_class="govuk-error-summary")
