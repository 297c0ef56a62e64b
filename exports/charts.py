"""Charts as SVG text (pure): the same markup goes into web pages and PDFs.

``grouped_bar_chart`` draws one group of bars per category (a spoke), one bar per series (this
year, last year), with a labelled axis, a legend, and a <title> per bar for screen readers and
hover. Amounts are Decimal; only the pixel geometry is computed from them.

Text is never measured (the chart is drawn before any font is chosen, and the browser or
WeasyPrint picks the font), so the space for labels is reserved by counting characters at a
conservative width: ``CHAR_EM`` of the font size per character, a little over DejaVu Sans's
average for names (about 0.58), which is wider than Arial or the system fonts. A category name
longer than ``LABEL_LINE_CHARS`` wraps onto more lines at spaces, so one long name (the Hub's)
does not squeeze the bars of every other.

>>> wrap_label("Avon and Somerset Violence Reduction Partnership Hub")
['Avon and Somerset Violence', 'Reduction Partnership Hub']
>>> text_width("Bristol", 10)
Decimal('43.40')
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html import escape

from core.money import format_gbp

FONT_SIZE = 13
VALUE_FONT_SIZE = 11
CHAR_EM = Decimal("0.62")
LABEL_LINE_CHARS = 26
LINE_HEIGHT = 15
MIN_PLOT = 240
ZERO = Decimal(0)
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


def text_width(text: str, font_size: int = FONT_SIZE) -> Decimal:
    """A safe upper estimate of ``text``'s width in pixels (see the module docstring)."""
    return CHAR_EM * font_size * len(text)


def wrap_label(text: str, limit: int = LABEL_LINE_CHARS) -> list[str]:
    """``text`` in lines of at most ``limit`` characters, broken at spaces (a longer word keeps
    a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


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
    """A horizontal grouped bar chart; returns the ``<svg>`` element as text.

    The label area is at least 190 px and grows to the longest (wrapped) category name; the
    space right of the plot grows to the longest amount printed after a bar. The plot keeps at
    least ``MIN_PLOT`` px, widening the chart (its viewBox) if it must: CSS scales it to fit.
    """
    labels = [wrap_label(category) for category in categories]
    longest_label = max((text_width(line) for lines in labels for line in lines), default=ZERO)
    label_width = max(190, _ceil(longest_label) + 16)
    values = [v for s in series for v in s.values if v is not None]
    maximum = _nice_ceiling(max(values, default=Decimal(0)))
    value_texts = [format_gbp(v, pence=False) for v in values]
    right_pad = max(
        90,
        _ceil(max((text_width(t, VALUE_FONT_SIZE) for t in value_texts), default=ZERO)) + 12,
        _ceil(text_width(format_gbp(maximum, pence=False)) / 2) + 4,
    )
    legend_width = max((text_width(item.name) for item in series), default=ZERO)
    width = max(width, label_width + right_pad + MIN_PLOT, label_width + 24 + _ceil(legend_width))
    top = 10
    legend_height = 22 * len(series) + 10
    group_gap = 14
    bars_height = bar_height * len(series)
    group_heights = [max(bars_height, LINE_HEIGHT * len(lines)) + group_gap for lines in labels]
    height = top + legend_height + sum(group_heights) + 30
    plot_width = Decimal(width - label_width - right_pad)
    # Unique per chart content, so two charts on one page never share an id.
    chart_id = (
        "chart-"
        + hashlib.sha1((title + "|".join(categories)).encode(), usedforsecurity=False).hexdigest()[
            :10
        ]
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}" font-family="system-ui, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}">',
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
    y0 = base_y
    for c_index, category in enumerate(categories):
        parts.append(_category_label(labels[c_index], label_width - 8, y0 + bars_height / 2))
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
                f'font-size="{VALUE_FONT_SIZE}" fill="#0b0c0c">'
                f"{escape(format_gbp(value, pence=False))}</text>"
            )
        y0 += group_heights[c_index]
    parts.append("</svg>")
    return "".join(parts)


def _category_label(lines: list[str], right: int, middle: float) -> str:
    """A category's name, right-aligned at ``right`` and centred on ``middle``: one ``<text>``,
    with a ``<tspan>`` per line when it wraps."""
    first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
    if len(lines) == 1:
        return f'<text x="{right}" y="{first:g}" text-anchor="end">{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{right}" y="{first + n * LINE_HEIGHT:g}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text text-anchor="end">{spans}</text>'


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))
