"""An allocation as people and programs read it: a text table, a JSON-ready dict, CSV, sheets.

What lives here: turning an ``AllocationResult`` into text or plain rows. What must not: any
arithmetic beyond formatting (the pence columns already add up; see ``calculate``) and any
spreadsheet library (``exports.spreadsheets.write_xlsx`` turns ``build_sheets`` rows into bytes).

Formats: money as two decimals without symbol (``"1234.50"``, ``core.money.format_plain``);
shares to 6 decimal places, half up (enough to tell spokes apart, and the exact share is kept in
the result); weights as written in the formula; percentages to 2 decimal places. ``None`` (no
previous amount) is ``null`` in JSON and an empty cell in CSV. Recipient names in the CSV go
through ``core.cells.safe_text``, the one helper that keeps formula-like text inert. Given the
organisations' ``names`` by code, the CSV and the sheets end each recipient's row with its
``recipient_name`` (the code stays in its own column for programs to read).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.cells import safe_text
from core.money import PENNY, format_gbp, format_plain
from formulas.calculate import AllocationResult, RecipientExplanation

SHARE_PLACES = Decimal("0.000001")
ALLOCATION_COLUMNS = (
    "recipient",
    "kind",
    "amount",
    "base",
    "need",
    "before_damping",
    "damping",
    "rounding",
    "previous",
    "change",
    "change_percent",
    "held_at",
)


def format_share(share: Decimal) -> str:
    """A share of an indicator's total, to 6 decimal places: ``0.269563``."""
    return str(share.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP))


def format_percent(percent: Decimal) -> str:
    return str(percent.quantize(PENNY, rounding=ROUND_HALF_UP))


def build_json(result: AllocationResult) -> dict[str, Any]:
    """The result as a dict of strings, lists and None, ready for ``json.dumps``."""
    return {
        "name": result.spec.name,
        "version": result.spec.version,
        "pot": format_plain(result.pot),
        "rounding_unit": str(result.rounding_unit),
        "allocations": [_allocation_json(a) for a in result.allocations],
        "top_slices": [
            {"recipient": s.recipient, "amount": format_plain(s.amount)} for s in result.top_slices
        ],
        "total": format_plain(result.total),
        # only when there are some, so runs stored before the key existed still compare equal
        **(
            {"unused_indicators": list(result.unused_indicators)}
            if result.unused_indicators
            else {}
        ),
    }


def format_csv(result: AllocationResult, names: Mapping[str, str] | None = None) -> str:
    """One row per spoke, then one per top slice; indicator columns are ``<name>_value`` etc."""
    indicators = [w.indicator for w in result.spec.indicators]
    header = list(ALLOCATION_COLUMNS)
    for name in indicators:
        header += [f"{name}_value", f"{name}_share", f"{name}_weight", f"{name}_contribution"]
    if names is not None:
        header.append("recipient_name")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for allocation in result.allocations:
        row = [
            safe_text(allocation.recipient),
            "spoke",
            *(_plain(v) for v in _money_columns(allocation)),
            _text(allocation.change_percent),
            allocation.held_at or "",
        ]
        for item in allocation.indicators:
            row += [
                str(item.value),
                format_share(item.share),
                str(item.weight),
                format_plain(item.contribution),
            ]
        writer.writerow(row + _name_cell(allocation.recipient, names))
    for top_slice in result.top_slices:
        name_cells = _name_cell(top_slice.recipient, names)
        blanks = [""] * (len(header) - 3 - len(name_cells))
        writer.writerow(
            [
                safe_text(top_slice.recipient),
                "top_slice",
                format_plain(top_slice.amount),
                *blanks,
                *name_cells,
            ]
        )
    return out.getvalue()


def _name_cell(code: str, names: Mapping[str, str] | None) -> list[object]:
    return [] if names is None else [safe_text(names.get(code, code))]


def format_table(result: AllocationResult) -> str:
    """A plain-text report for the terminal: settings, top slices, allocations, indicators."""
    spec = result.spec
    lines = [
        f"{spec.name}, version {spec.version}"
        + (
            f" ({spec.grant}, {spec.financial_year})" if spec.grant else f" ({spec.financial_year})"
        ),
        f"Pot {format_gbp(result.pot)}; rounding to {_describe_unit(result.rounding_unit)}; "
        f"base share {spec.base_share}; {_describe_damping(result)}",
        "",
    ]
    if result.top_slices:
        rows = [["top slice", "percent", "amount"]]
        for s in result.top_slices:
            rows.append(
                [s.recipient, f"{s.percent}%" if s.percent is not None else "", _gbp(s.amount)]
            )
        left = f"Left to share among the spokes: {_gbp(result.distributable)}"
        lines += [*_align(rows), left, ""]
    header = [
        "recipient",
        "base",
        "need",
        "before damping",
        "damping",
        "rounding",
        "amount",
        "previous",
        "change",
        "change %",
        "held at",
    ]
    rows = [header]
    for a in result.allocations:
        rows.append(
            [
                a.recipient,
                _gbp(a.base),
                _gbp(a.need),
                _gbp(a.before_damping),
                _gbp(a.damping),
                _gbp(a.rounding),
                _gbp(a.amount),
                _gbp(a.previous),
                _gbp(a.change),
                _text(a.change_percent),
                a.held_at or "",
            ]
        )
    spokes_total = sum((a.amount for a in result.allocations), Decimal(0))
    rows.append(["spokes", "", "", "", "", "", _gbp(spokes_total), "", "", "", ""])
    rows.append(["total", "", "", "", "", "", _gbp(result.total), "", "", "", ""])
    lines += [*_align(rows), ""]
    rows = [["recipient", "indicator", "value", "share", "weight", "contribution"]]
    for a in result.allocations:
        for item in a.indicators:
            rows.append(
                [
                    a.recipient,
                    item.indicator,
                    str(item.value),
                    format_share(item.share),
                    str(item.weight),
                    _gbp(item.contribution),
                ]
            )
    lines += _align(rows)
    if result.unused_indicators:
        lines += ["", describe_unused(result.unused_indicators)]
    return "\n".join(lines) + "\n"


def describe_unused(indicators: tuple[str, ...] | list[str]) -> str:
    """``Not used (the formula gives them no weight): knife_crime, nte_density``."""
    return f"Not used (the formula gives them no weight): {', '.join(indicators)}"


def build_sheets(
    result: AllocationResult, names: Mapping[str, str] | None = None
) -> dict[str, list[list[object]]]:
    """Rows for ``exports.spreadsheets.write_xlsx``: Decimal cells are money; other numbers are
    ``(Decimal, number format)`` pairs."""
    spec = result.spec
    width = len(ALLOCATION_COLUMNS)

    def named(code: str, cells: list[object]) -> list[object]:
        if names is None:
            return cells
        return [*cells, *[None] * (width - len(cells)), names.get(code, code)]

    header: list[object] = list(ALLOCATION_COLUMNS)
    allocations: list[list[object]] = [header + ([] if names is None else ["recipient_name"])]
    for a in result.allocations:
        percent = (a.change_percent, "0.00") if a.change_percent is not None else None
        allocations.append(
            named(a.recipient, [a.recipient, "spoke", *_money_columns(a), percent, a.held_at])
        )
    for s in result.top_slices:
        allocations.append(named(s.recipient, [s.recipient, "top_slice", s.amount]))
    allocations.append(["total", "", result.total])
    indicators: list[list[object]] = [
        ["recipient", "indicator", "value", "share", "weight", "contribution"]
    ]
    for a in result.allocations:
        for item in a.indicators:
            indicators.append(
                [
                    a.recipient,
                    item.indicator,
                    (item.value, "General"),
                    (item.share, "0.000000"),
                    (item.weight, "General"),
                    item.contribution,
                ]
            )
    formula: list[list[object]] = [
        ["setting", "value"],
        ["name", spec.name],
        ["version", spec.version],
        ["grant", spec.grant or ""],
        ["financial year", spec.financial_year.label],
        ["pot", result.pot],
        ["rounding unit", result.rounding_unit],
        ["distributable", result.distributable],
        ["base share", (spec.base_share, "General")],
    ]
    formula += [[f"weight: {w.indicator}", (w.weight, "General")] for w in spec.indicators]
    formula.append(["damping", _describe_damping(result)])
    return {"Allocations": allocations, "Indicators": indicators, "Formula": formula}


def _allocation_json(a: RecipientExplanation) -> dict[str, Any]:
    return {
        "recipient": a.recipient,
        "amount": format_plain(a.amount),
        "base": format_plain(a.base),
        "need": format_plain(a.need),
        "before_damping": format_plain(a.before_damping),
        "damping": format_plain(a.damping),
        "rounding": format_plain(a.rounding),
        "previous": _plain(a.previous) or None,
        "change": _plain(a.change) or None,
        "change_percent": format_percent(a.change_percent)
        if a.change_percent is not None
        else None,
        "indicators": {
            item.indicator: {
                "value": str(item.value),
                "share": format_share(item.share),
                "weight": str(item.weight),
                "contribution": format_plain(item.contribution),
            }
            for item in a.indicators
        },
    }


def _money_columns(a: RecipientExplanation) -> list[Decimal | None]:
    """amount, base, need, before damping, damping, rounding, previous, change."""
    return [a.amount, a.base, a.need, a.before_damping, a.damping, a.rounding, a.previous, a.change]


def _describe_damping(result: AllocationResult) -> str:
    damping = result.spec.damping
    if damping is None or not result.damped:
        return "no damping"
    parts = []
    if damping.floor is not None:
        parts.append(f"floor {format_percent(damping.floor * 100)}%")
    if damping.ceiling is not None:
        parts.append(f"ceiling {format_percent(damping.ceiling * 100)}%")
    return "damping " + ", ".join(parts)


def _describe_unit(unit: Decimal) -> str:
    return "whole pounds" if unit == 1 else "the penny"


def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else format_plain(amount)


def _gbp(amount: Decimal | None) -> str:
    return "" if amount is None else format_gbp(amount)


def _text(percent: Decimal | None) -> str:
    return "" if percent is None else format_percent(percent)


def _align(rows: list[list[str]]) -> list[str]:
    """Left-align the first column, right-align the rest, two spaces between columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines
