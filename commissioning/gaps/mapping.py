"""The gap map (pure: standard library, Decimal and dataclasses only).

Spokes by intervention types. Each cell counts the interventions of that type in that spoke,
their spend and their reach. From the cells and each spoke's needs:

- a **gap**: a type the spoke needs with nothing running there;
- **duplication**: more than one intervention of a type for the same cohort and age band in one
  spoke;
- **unequal access**: a type offered in some spokes and not in others (naming both);
- **evidence strength**: each spoke's interventions counted by their YEF evidence rating.

>>> facts = [Fact("s1", "mentors", "at risk", "10_17", Decimal("100"), 5, "high"),
...          Fact("s1", "mentors", "at risk", "10_17", Decimal("50"), 3, None)]
>>> m = build_gap_map(["s1", "s2"], ["mentors", "sport"], facts, {"s1": {"sport"}, "s2": set()})
>>> m.gaps, [(d.spoke, d.count) for d in m.duplicates], m.unequal_access
([('s1', 'sport')], [('s1', 2)], [Unequal(type='mentors', offered_in=('s1',), missing_in=('s2',))])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

UNRATED = "unrated"


@dataclass(frozen=True)
class Fact:
    """One intervention in one spoke (an intervention in two spokes is two facts; its spend
    and reach are shared between them by the caller)."""

    spoke: str
    type: str
    cohort: str
    age_band: str
    spend: Decimal
    reach: int
    evidence: str | None  # the YEF evidence rating of its strand


@dataclass
class Cell:
    count: int = 0
    spend: Decimal = field(default_factory=lambda: Decimal("0"))
    reach: int = 0
    needed: bool = False

    @property
    def is_gap(self) -> bool:
        return self.needed and self.count == 0


@dataclass(frozen=True)
class Duplication:
    spoke: str
    type: str
    cohort: str
    age_band: str
    count: int


@dataclass(frozen=True)
class Unequal:
    type: str
    offered_in: tuple[str, ...]
    missing_in: tuple[str, ...]


@dataclass(frozen=True)
class GapMap:
    spokes: tuple[str, ...]
    types: tuple[str, ...]
    cells: Mapping[tuple[str, str], Cell]
    gaps: list[tuple[str, str]]
    duplicates: list[Duplication]
    unequal_access: list[Unequal]
    evidence: Mapping[str, Mapping[str, int]]

    def cell(self, spoke: str, type_: str) -> Cell:
        return self.cells[(spoke, type_)]

    def max_count(self) -> int:
        return max((c.count for c in self.cells.values()), default=0)


def build_gap_map(
    spokes: Sequence[str],
    types: Sequence[str],
    facts: Iterable[Fact],
    needs: Mapping[str, set[str]],
) -> GapMap:
    cells = {(s, t): Cell(needed=t in needs.get(s, set())) for s in spokes for t in types}
    groups: Counter[tuple[str, str, str, str]] = Counter()
    evidence: dict[str, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        cell = cells.get((fact.spoke, fact.type))
        if cell is None:
            continue  # a spoke or type outside the map
        cell.count += 1
        cell.spend += fact.spend
        cell.reach += fact.reach
        groups[(fact.spoke, fact.type, fact.cohort.strip().lower(), fact.age_band)] += 1
        evidence[fact.spoke][fact.evidence or UNRATED] += 1
    gaps = [(s, t) for s in spokes for t in types if cells[(s, t)].is_gap]
    duplicates = [
        Duplication(spoke, type_, cohort, band, n)
        for (spoke, type_, cohort, band), n in sorted(groups.items())
        if n > 1
    ]
    unequal = []
    for type_ in types:
        offered = tuple(s for s in spokes if cells[(s, type_)].count)
        missing = tuple(s for s in spokes if not cells[(s, type_)].count)
        if offered and missing:
            unequal.append(Unequal(type_, offered, missing))
    return GapMap(
        spokes=tuple(spokes),
        types=tuple(types),
        cells=cells,
        gaps=gaps,
        duplicates=duplicates,
        unequal_access=unequal,
        evidence={s: dict(evidence[s]) for s in spokes},
    )


def shade(count: int, highest: int) -> int:
    """The heat-map band of a cell, 0 (none) to 4 (the most): also printed as a pattern and a
    number so the map reads without colour.

    >>> [shade(n, 8) for n in (0, 1, 2, 4, 8)]
    [0, 1, 1, 2, 4]
    """
    if count <= 0 or highest <= 0:
        return 0
    return max(1, min(4, (count * 4) // highest))
