"""Chart labels fit (exports.charts): every line of text, measured at 0.6 em a character (wider
than DejaVu Sans on names), stays inside the viewBox, so no reader sees "von and Somerset VRP
Hub"."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from itertools import pairwise

from exports.charts import Series, grouped_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
# DejaVu Sans (the widest font a browser or WeasyPrint picks here) averages 0.58 em on names.
EM_PER_CHAR = Decimal("0.6")
HUB = "Avon and Somerset VRP Hub"
LONG = "Bath, North East Somerset, North Somerset and South Gloucestershire Partnership Hub"


def text_extents(root: ET.Element) -> list[tuple[str, Decimal, Decimal]]:
    """(text, left, right) of each line of text, from its x, anchor and font size."""
    out = []
    default_size = Decimal(root.get("font-size"))
    for text in root.iter(f"{SVG}text"):
        anchor = text.get("text-anchor", "start")
        size = Decimal(text.get("font-size", default_size))
        lines = [(span.text, span.get("x")) for span in text.iter(f"{SVG}tspan")] or [
            (text.text, text.get("x"))
        ]
        for line, x in lines:
            width = EM_PER_CHAR * size * len(line)
            left = {"start": Decimal(x), "middle": Decimal(x) - width / 2}.get(
                anchor, Decimal(x) - width
            )
            out.append((line, left, left + width))
    return out


def render(categories: list[str]) -> ET.Element:
    values = [Decimal(150000 + 1000 * n) for n in range(len(categories))]
    return ET.fromstring(
        grouped_bar_chart(
            categories,
            [Series("Spent", values), Series("On interventions", values)],
            title="Spend by recipient",
        )
    )


def test_a_long_name_is_not_clipped_on_the_left_or_right():
    for names in ([HUB, "Bristol"], [LONG, HUB, "Bristol"], ["A" * 40]):
        root = render(names)
        _, _, view_width, _ = (Decimal(n) for n in root.get("viewBox").split())

        for line, left, right in text_extents(root):
            assert left >= 0, f"{line!r} starts at {left}"
            assert right <= view_width, f"{line!r} ends at {right} of {view_width}"


def test_a_very_long_name_wraps_onto_lines_that_keep_every_word():
    root = render([LONG, "Bristol"])

    label = next(t for t in root.iter(f"{SVG}text") if list(t.iter(f"{SVG}tspan")))
    lines = [span.text for span in label.iter(f"{SVG}tspan")]
    assert len(lines) > 1
    assert " ".join(lines) == LONG


def test_wrapped_labels_do_not_overlap_the_next_group():
    root = render([LONG, LONG, "Bristol"])

    ys = sorted(
        Decimal(span.get("y")) for span in root.iter(f"{SVG}tspan") if span.get("y") is not None
    )
    assert all(later - earlier >= 13 for earlier, later in pairwise(ys))
    height = Decimal(root.get("viewBox").split()[3])
    assert ys[-1] < height
