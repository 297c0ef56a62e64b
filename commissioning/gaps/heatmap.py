"""The gap map as an SVG heat map (pure: text in, text out). Readable without colour: each
cell prints its count, its band is also drawn as a pattern of dots (none to four), a needed cell
has a thick border and a gap is marked with a cross and the word "gap" in its title."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from commissioning.gaps.mapping import GapMap, shade

CELL_W = 56
CELL_H = 40
LEFT = 200
TOP = 215
FILLS = ("#ffffff", "#deebf7", "#9ecae1", "#4292c6", "#08519c")
TEXT = ("#0b0c0c", "#0b0c0c", "#0b0c0c", "#ffffff", "#ffffff")


def render_heatmap(
    gap_map: GapMap, spoke_names: Mapping[str, str], type_names: Mapping[str, str]
) -> str:
    """
    >>> from commissioning.gaps.mapping import build_gap_map
    >>> svg = render_heatmap(build_gap_map(["s"], ["t"], [], {"s": {"t"}}), {"s": "S"}, {"t": "T"})
    >>> "gap" in svg and svg.startswith("<svg")
    True
    """
    types: Sequence[str] = gap_map.types
    width = LEFT + CELL_W * len(types) + 150  # room for the last slanted label
    height = TOP + CELL_H * len(gap_map.spokes) + 70
    highest = gap_map.max_count()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="gap-map-title" '
        'class="app-chart__svg" font-family="Arial, sans-serif" font-size="13">',
        '<title id="gap-map-title">Gap map: the number of interventions of each type in each '
        "spoke; needed types have a thick border; gaps are crossed</title>",
    ]
    for column, type_ in enumerate(types):
        x = LEFT + column * CELL_W + CELL_W // 2
        parts.append(
            f'<text x="{x}" y="{TOP - 8}" transform="rotate(-40 {x} {TOP - 8})">'
            f"{escape(type_names.get(type_, type_))}</text>"
        )
    for row, spoke in enumerate(gap_map.spokes):
        y = TOP + row * CELL_H
        parts.append(
            f'<text x="{LEFT - 10}" y="{y + CELL_H // 2 + 5}" text-anchor="end">'
            f"{escape(spoke_names.get(spoke, spoke))}</text>"
        )
        for column, type_ in enumerate(types):
            cell = gap_map.cell(spoke, type_)
            band = shade(cell.count, highest)
            x = LEFT + column * CELL_W
            label = (
                f"{spoke_names.get(spoke, spoke)}, {type_names.get(type_, type_)}: "
                f"{cell.count} interventions"
                + ("; needed" if cell.needed else "")
                + ("; gap" if cell.is_gap else "")
            )
            stroke = 'stroke="#0b0c0c" stroke-width="4"' if cell.needed else 'stroke="#b1b4b6"'
            parts.append(f"<g><title>{escape(label)}</title>")
            parts.append(
                f'<rect x="{x + 2}" y="{y + 2}" width="{CELL_W - 4}" height="{CELL_H - 4}" '
                f'fill="{FILLS[band]}" {stroke}/>'
            )
            for dot in range(band):
                parts.append(
                    f'<circle cx="{x + 10 + dot * 7}" cy="{y + CELL_H - 10}" r="2.5" '
                    f'fill="{TEXT[band]}"/>'
                )
            if cell.is_gap:
                parts.append(
                    f'<path d="M{x + 8} {y + 8} L{x + CELL_W - 8} {y + CELL_H - 8} '
                    f'M{x + CELL_W - 8} {y + 8} L{x + 8} {y + CELL_H - 8}" '
                    'stroke="#d4351c" stroke-width="2"/>'
                )
            parts.append(
                f'<text x="{x + CELL_W // 2}" y="{y + CELL_H // 2 + 4}" text-anchor="middle" '
                f'font-weight="bold" fill="{TEXT[band]}">{cell.count}</text></g>'
            )
    key_y = TOP + CELL_H * len(gap_map.spokes) + 30
    parts.append(
        f'<text x="{LEFT}" y="{key_y}">Key: the number in each cell is its count of '
        "interventions; dots (0 to 4) and darker shading mean more.</text>"
    )
    parts.append(
        f'<text x="{LEFT}" y="{key_y + 18}">A thick border: the spoke needs this type. '
        "A cross: a gap (needed, nothing running).</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)
