"""SVG charts (exports.charts.grouped_bar_chart): well-formed, one bar per value, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from exports.charts import Series, grouped_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(categories, series, title="Allocations by spoke"):
    text = grouped_bar_chart(categories, series, title=title)
    return text, ET.fromstring(text)


def bars(root: ET.Element) -> list[ET.Element]:
    """The bars: rects with a <title> (the legend's swatches have none)."""
    return [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


def test_chart_is_an_svg_with_a_title_and_one_bar_per_value():
    _, root = chart(
        ["banes", "bristol", "somerset"],
        [
            Series("2024-25", [Decimal("174363.00"), Decimal("398437.00"), Decimal("397597.00")]),
            Series("2023-24", [Decimal("174714.00"), Decimal("399239.00"), Decimal("398397.00")]),
        ],
    )

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Allocations by spoke"
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")
    assert len(bars(root)) == 6
    assert [b.find(f"{SVG}title").text for b in bars(root)][:2] == [
        "banes, 2024-25: £174,363.00",
        "banes, 2023-24: £174,714.00",
    ]
    legend = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is None]
    assert len(legend) == 2


def test_missing_values_draw_no_bar():
    _, root = chart(
        ["banes", "bristol", "hub"],
        [
            Series("This year", [Decimal("10.00"), Decimal("20.00"), Decimal("5.00")]),
            Series("Previous year", [None, Decimal("15.00"), None]),
        ],
    )

    titles = [b.find(f"{SVG}title").text for b in bars(root)]
    assert len(titles) == 4
    assert "bristol, Previous year: £15.00" in titles
    assert not any(t.startswith("banes, Previous") for t in titles)


def test_bar_lengths_are_proportional_to_a_round_axis_maximum():
    # The plot is 760 - 190 - 90 = 480 px wide; the largest value 400 gives an axis to 500.
    _, root = chart(["a", "b", "c"], [Series("x", [Decimal(400), Decimal(100), Decimal(0)])])

    assert [b.get("width") for b in bars(root)] == ["384.0", "96.0", "0.0"]
    axis_labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert axis_labels == ["£0", "£125", "£250", "£375", "£500"]


def test_labels_and_title_are_escaped():
    text, root = chart(
        ["<script>alert(1)</script>", "Bath & North East Somerset"],
        [Series('"quoted" <b>', [Decimal(1), Decimal(2)])],
        title="Runs <1> & <2>",
    )

    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>" not in text
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in labels
    assert "Bath & North East Somerset" in labels
    assert '"quoted" <b>' in labels
    assert root.find(f"{SVG}title").text == "Runs <1> & <2>"


def test_a_chart_with_nothing_to_show_is_still_well_formed():
    _, root = chart([], [Series("x", [])])
    _, zeros = chart(["a"], [Series("x", [Decimal(0)])])

    assert bars(root) == []
    assert [b.get("width") for b in bars(zeros)] == ["0.0"]
