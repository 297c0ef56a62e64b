"""The demo's plans, spend, match funding and reach, worked out exactly (pure: no database).

Figures the 2023/24 annual report gives are met to the penny: the underspends (VRU £1,530.04 in
the Hub, from a delay recruiting new posts; SVD £5,702.48 in Bristol, after the delivery plan
changed following incidents in Q4), match funding of £2,127,311 in the Home Office returns, and
reach of 18,698 young people, 2,031 parents and carers and 1,578 professionals. Everything else
(line titles, weights, contributors) is illustrative.

>>> lines = plan_lines("bristol", "SVD", Decimal("40883.00"))
>>> sum((line.budget for line in lines), Decimal(0))
Decimal('40883.00')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.money import split_largest_remainder
from grants.vocabulary import Category, CostType, MatchKind

QUARTERS = (1, 2, 3, 4)
EVEN = (Decimal(1),) * 4


@dataclass(frozen=True)
class DemoLine:
    ref: str
    title: str
    category: Category
    cost_type: CostType
    yef_strand: str | None
    provider: str | None
    budget: Decimal
    profile: tuple[Decimal, Decimal, Decimal, Decimal]
    output_targets: str | None


# (ref, title, category, cost type, YEF strand, provider, weight, output targets)
SPOKE_VRU = (
    (
        "V1",
        "Spoke coordinator and analyst",
        Category.STAFFING,
        CostType.LABOUR,
        None,
        None,
        "22",
        None,
    ),
    (
        "V2",
        "Targeted mentoring for young people at risk",
        Category.INTERVENTIONS,
        CostType.NON_LABOUR,
        "Mentoring",
        "Local youth charity",
        "33",
        "120 young people mentored",
    ),
    (
        "V3",
        "Sport as a diversion in hotspot areas",
        Category.INTERVENTIONS,
        CostType.NON_LABOUR,
        "Sports programmes",
        "Community sports trust",
        "20",
        "300 young people attending",
    ),
    (
        "V4",
        "Social skills and relationship violence lessons in schools",
        Category.INTERVENTIONS,
        CostType.NON_LABOUR,
        "Social skills training",
        "Schools partnership",
        "13",
        "12 schools",
    ),
    (
        "V5",
        "Independent evaluation of the mentoring programme",
        Category.EVALUATION,
        CostType.NON_LABOUR,
        None,
        "University evaluation team",
        "7",
        "Interim report by Q3",
    ),
    (
        "V6",
        "Grant management and finance",
        Category.MANAGEMENT,
        CostType.LABOUR,
        None,
        None,
        "5",
        None,
    ),
)
SPOKE_SVD = (
    (
        "S1",
        "Serious Violence Duty analyst",
        Category.STAFFING,
        CostType.LABOUR,
        None,
        None,
        "70",
        "Local strategic needs assessment refreshed",
    ),
    (
        "S2",
        "Data sharing and analysis tools",
        Category.DATA,
        CostType.NON_LABOUR,
        None,
        None,
        "30",
        None,
    ),
)
HUB_VRU = (
    (
        "H1",
        "VRP director and partnerships manager",
        Category.STAFFING,
        CostType.LABOUR,
        None,
        None,
        "30",
        None,
    ),
    (
        "H2",
        "New posts: data analyst and engagement officer",
        Category.STAFFING,
        CostType.LABOUR,
        None,
        None,
        "12",
        "Posts filled by Q2",
    ),
    (
        "H3",
        "Strategic needs assessment and data platform",
        Category.DATA,
        CostType.NON_LABOUR,
        None,
        None,
        "6",
        None,
    ),
    (
        "H4",
        "Trauma-informed practice training for professionals",
        Category.TRAINING,
        CostType.NON_LABOUR,
        None,
        None,
        "6",
        "400 professionals trained",
    ),
    (
        "H5",
        "Communications and youth engagement",
        Category.COMMUNICATIONS,
        CostType.NON_LABOUR,
        None,
        None,
        "2",
        None,
    ),
    (
        "H6",
        "A&E and custody navigators (force-wide)",
        Category.INTERVENTIONS,
        CostType.NON_LABOUR,
        "A&E navigators",
        "Hospital trusts' navigator service",
        "40",
        "600 young people seen in A&E or custody",
    ),
    (
        "H7",
        "Evaluation of the navigator service",
        Category.EVALUATION,
        CostType.NON_LABOUR,
        None,
        "University evaluation team",
        "4",
        "Evaluation report by Q4",
    ),
)
HUB_SVD = (
    (
        "HS1",
        "Serious Violence Duty coordination",
        Category.STAFFING,
        CostType.LABOUR,
        None,
        None,
        "80",
        None,
    ),
    (
        "HS2",
        "Duty partnership events",
        Category.ENGAGEMENT,
        CostType.NON_LABOUR,
        None,
        None,
        "20",
        None,
    ),
)

# Where the year's underspends fall: (recipient, stream, line ref, quarter, amount, reason).
UNDERSPENDS_2023_24 = (
    ("hub", "VRU", "H2", 2, Decimal("1530.04"), "Delay recruiting to the new posts"),
    ("bristol", "SVD", "S2", 4, Decimal("3000.00"), "Delivery plan changed after incidents in Q4"),
    ("bristol", "SVD", "S1", 4, Decimal("2702.48"), "Delivery plan changed after incidents in Q4"),
)
MATCH_TOTAL_2023_24 = Decimal("2127311.00")
# Match funding shares by recipient (illustrative) and its contributors.
MATCH_WEIGHTS = {
    "hub": "8",
    "banes": "12",
    "bristol": "30",
    "north-somerset": "14",
    "somerset": "22",
    "south-glos": "14",
}
MATCH_SOURCES = (
    ("Local authority (cash for interventions)", MatchKind.CASH, "60", None),
    (
        "Avon and Somerset Police Early Intervention Team (staff time)",
        MatchKind.IN_KIND,
        "40",
        "Officer hours at the force's standard hourly cost",
    ),
)
# Reach in 2023/24 (annual report): young people by band, parents and carers, professionals.
REACH_2023_24 = {
    "reach_under_10": 2104,
    "reach_10_14": 7912,
    "reach_15_17": 6021,
    "reach_18_24": 2661,
    "reach_parents_carers": 2031,
    "reach_professionals": 1578,
}
REACH_WEIGHTS = {
    "banes": "12",
    "bristol": "30",
    "north-somerset": "17",
    "somerset": "24",
    "south-glos": "17",
}


def template_for(recipient: str, stream: str) -> tuple[tuple[object, ...], ...]:
    if recipient == "hub":
        return HUB_VRU if stream == "VRU" else HUB_SVD
    return SPOKE_VRU if stream == "VRU" else SPOKE_SVD


def plan_lines(recipient: str, stream: str, allocation: Decimal) -> list[DemoLine]:
    """The recipient's plan lines for a stream, adding up to the allocation exactly, each with
    an even quarterly profile that adds up to its budget."""
    rows = template_for(recipient, stream)
    budgets = split_largest_remainder(
        allocation, [Decimal(str(r[6])) for r in rows], tie_keys=[str(r[0]) for r in rows]
    )
    lines = []
    for row, budget in zip(rows, budgets, strict=True):
        ref, title, category, cost_type, strand, provider, _, targets = row
        profile = tuple(split_largest_remainder(budget, list(EVEN)))
        fields = (str(ref), str(title), category, cost_type, strand, provider, budget, profile)
        lines.append(DemoLine(*fields, targets))  # type: ignore[arg-type]
    return lines


def quarter_actuals(
    recipient: str,
    stream: str,
    lines: list[DemoLine],
    underspends: tuple[tuple[str, str, str, int, Decimal, str], ...] = (),
) -> dict[int, dict[str, Decimal]]:
    """Actual spend per quarter and line: the profile, less any underspend where it fell."""
    actuals = {q: {line.ref: line.profile[q - 1] for line in lines} for q in QUARTERS}
    for who, which, ref, quarter, amount, _ in underspends:
        if who == recipient and which == stream:
            actuals[quarter][ref] -= amount
    return actuals


def match_funding(
    total: Decimal = MATCH_TOTAL_2023_24,
) -> dict[str, dict[int, list[tuple[str, MatchKind, Decimal, str | None]]]]:
    """Match funding per recipient and quarter, adding up to ``total`` exactly."""
    codes = sorted(MATCH_WEIGHTS)
    per_recipient = split_largest_remainder(
        total, [Decimal(MATCH_WEIGHTS[c]) for c in codes], tie_keys=codes
    )
    result: dict[str, dict[int, list[tuple[str, MatchKind, Decimal, str | None]]]] = {}
    for code, amount in zip(codes, per_recipient, strict=True):
        by_quarter = split_largest_remainder(amount, list(EVEN))
        result[code] = {}
        for quarter, quarter_amount in zip(QUARTERS, by_quarter, strict=True):
            parts = split_largest_remainder(quarter_amount, [Decimal(s[2]) for s in MATCH_SOURCES])
            result[code][quarter] = [
                (source[0], source[1], part, source[3])
                for source, part in zip(MATCH_SOURCES, parts, strict=True)
            ]
    return result


def reach(totals: dict[str, int] = REACH_2023_24) -> dict[str, dict[int, dict[str, int]]]:
    """Reach per spoke and quarter (reported on the VRU returns), adding up to ``totals``."""
    codes = sorted(REACH_WEIGHTS)
    result: dict[str, dict[int, dict[str, int]]] = {c: {q: {} for q in QUARTERS} for c in codes}
    for band, total in totals.items():
        per_spoke = split_largest_remainder(
            Decimal(total), [Decimal(REACH_WEIGHTS[c]) for c in codes], Decimal(1), tie_keys=codes
        )
        for code, amount in zip(codes, per_spoke, strict=True):
            per_quarter = split_largest_remainder(amount, list(EVEN), Decimal(1))
            for quarter, number in zip(QUARTERS, per_quarter, strict=True):
                result[code][quarter][band] = int(number)
    return result
