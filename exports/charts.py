"""Charts as SVG text (pure): the same markup goes into web pages and PDFs.

``grouped_bar_chart`` draws one group of bars per category (a spoke), one bar per series (this
year, last year), with a labelled axis, a legend, and a <title> per bar for screen readers and
hover. Amounts are Decimal; only the pixel geometry is computed from them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from core.money import format_gbp

PALETTE = ("#1d70b8", "#b1b4b6", "#00703c", "#d4351c", "#5694ca", "#f47738")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | None]


def _nice_ceiling(value: Decimal) -> Decimal:
    """The next 1, 2 or 5 x 10^n at or above ``value`` (for the axis maximum)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)):
        candidate = step.scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def _px(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 760,
    bar_height: int = 16,
) -> str:
    """A horizontal grouped bar chart; returns the ``<svg>`` element as text."""
    label_width, right_pad, top = 190, 90, 10
    legend_height = 22 * len(series) + 10
    group_gap = 14
    group_height = bar_height * len(series) + group_gap
    height = top + legend_height + group_height * len(categories) + 30
    plot_width = Decimal(width - label_width - right_pad)
    # Unique per chart content, so two charts on one page never share an id.
    chart_id = (
        "chart-"
        + hashlib.sha1((title + "|".join(categories)).encode(), usedforsecurity=False).hexdigest()[
            :10
        ]
    )
    maximum = _nice_ceiling(
        max((v for s in series for v in s.values if v is not None), default=Decimal(0))
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}" font-family="system-ui, Arial, sans-serif" '
        f'font-size="13">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for index, item in enumerate(series):
        y = top + index * 22
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="14" height="14" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{label_width + 20}" y="{y + 12}">{escape(item.name)}</text>')
    base_y = top + legend_height
    for tick in range(5):
        amount = maximum * tick / 4
        x = label_width + plot_width * tick / 4
        parts.append(
            f'<line x1="{_px(x)}" y1="{base_y - 4}" x2="{_px(x)}" '
            f'y2="{height - 26}" stroke="#d8d8d8"/>'
        )
        parts.append(
            f'<text x="{_px(x)}" y="{height - 10}" text-anchor="middle" '
            f'fill="#505a5f">{escape(format_gbp(amount, pence=False))}</text>'
        )
    for c_index, category in enumerate(categories):
        y0 = base_y + c_index * group_height
        parts.append(
            f'<text x="{label_width - 8}" y="{y0 + bar_height * len(series) / 2 + 4}" '
            f'text-anchor="end">{escape(category)}</text>'
        )
        for s_index, item in enumerate(series):
            value = item.values[c_index]
            if value is None:
                continue
            bar = plot_width * value / maximum if maximum else Decimal(0)
            y = y0 + s_index * bar_height
            label = f"{category}, {item.name}: {format_gbp(value)}"
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{_px(bar)}" height="{bar_height - 2}" '
                f'fill="{PALETTE[s_index % len(PALETTE)]}"><title>{escape(label)}</title></rect>'
            )
            parts.append(
                f'<text x="{_px(label_width + bar + 4)}" y="{y + bar_height - 5}" '
                f'font-size="11" fill="#0b0c0c">{escape(format_gbp(value, pence=False))}'
                f"</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
