"""The gap map's findings on a small hand-built case: three spokes, four types."""

from __future__ import annotations

from decimal import Decimal

from commissioning.gaps.heatmap import render_heatmap
from commissioning.gaps.mapping import Fact, Unequal, build_gap_map, shade

SPOKES = ["north", "south", "west"]
TYPES = ["mentors", "sport", "detached", "siblings"]


def fact(spoke, type_, cohort="at risk", band="10_17", spend="1000.00", reach=10, evidence=None):
    return Fact(spoke, type_, cohort, band, Decimal(spend), reach, evidence)


FACTS = [
    fact("north", "mentors", spend="5000.00", reach=40, evidence="high"),
    fact("north", "mentors", cohort="At risk ", spend="3000.00", reach=25, evidence="moderate"),
    fact("north", "mentors", cohort="excluded", reach=5),  # another cohort: no duplication
    fact("north", "sport", band="18_24", evidence="low"),
    fact("south", "sport", evidence="low"),
    fact("south", "detached", band="15_17"),
    fact("west", "sport", band="10_14"),
]
NEEDS = {"north": {"mentors", "detached"}, "south": {"detached"}, "west": {"mentors", "siblings"}}
MAP = build_gap_map(SPOKES, TYPES, FACTS, NEEDS)


def test_cells_count_add_spend_and_reach():
    north_mentors = MAP.cell("north", "mentors")
    assert (north_mentors.count, north_mentors.spend, north_mentors.reach) == (
        3,
        Decimal("9000.00"),
        70,
    )
    assert MAP.cell("west", "detached").count == 0


def test_gaps_are_needed_types_with_nothing_commissioned():
    # north needs detached (none there); west needs mentors and siblings (none); south's need met
    assert MAP.gaps == [("north", "detached"), ("west", "mentors"), ("west", "siblings")]


def test_duplication_is_same_type_cohort_and_age_band_in_one_spoke():
    # "at risk" and "At risk " are the same cohort once trimmed and lower-cased
    assert [(d.spoke, d.type, d.cohort, d.age_band, d.count) for d in MAP.duplicates] == [
        ("north", "mentors", "at risk", "10_17", 2)
    ]


def test_unequal_access_names_where_a_type_is_offered_and_where_not():
    assert MAP.unequal_access == [
        Unequal("mentors", ("north",), ("south", "west")),
        Unequal("detached", ("south",), ("north", "west")),
    ]  # sport is everywhere; siblings nowhere: neither is unequal


def test_evidence_strength_counts_each_spokes_interventions_by_rating():
    assert MAP.evidence == {
        "north": {"high": 1, "moderate": 1, "unrated": 1, "low": 1},
        "south": {"low": 1, "unrated": 1},
        "west": {"unrated": 1},
    }


def test_heat_map_bands_and_svg_read_without_colour():
    assert [shade(n, 3) for n in (0, 1, 2, 3)] == [0, 1, 2, 4]
    svg = render_heatmap(MAP, {s: s.title() for s in SPOKES}, {t: t.title() for t in TYPES})
    assert "North, Mentors: 3 interventions; needed</title>" in svg
    assert "West, Siblings: 0 interventions; needed; gap</title>" in svg
    assert svg.count("<circle") == sum(shade(c.count, 3) for c in MAP.cells.values())
    assert 'font-weight="bold" fill="#ffffff">3</text>' in svg  # the count printed in the cell
