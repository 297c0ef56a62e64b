"""Commissioning demo data as plain values (no database here).

Interventions and their reach are what each spoke's section of the Annual Report 2023/24 lists,
intervention by intervention; where a section gives a spoke-wide figure and no figure per
intervention, none is invented (so the register's totals fall short of the report's summary, and
the interventions page shows the difference). Costs per intervention are not in the report and
are left at nothing. Needs are the 2021 needs assessment's coverage matrix. YEF ratings follow
``research/domain-notes.md``: "unrated" where the evidence rating is still to be checked.
"""

from __future__ import annotations

# Spokes' needs for the gap map: the needs assessment's coverage matrix (2021), type codes.
NEEDS: dict[str, tuple[str, ...]] = {
    "banes": (
        "universal_schools",
        "schools_programme",
        "detached_youth_work",
        "professionals_training",
        "targeted_group_work",
        "domestic_abuse",
    ),
    "bristol": (
        "universal_schools",
        "detached_youth_work",
        "hyperlocal_response",
        "professionals_training",
        "targeted_mentors",
        "targeted_group_work",
        "bespoke_education",
        "teachable_moments",
    ),
    "north-somerset": (
        "schools_programme",
        "hyperlocal_response",
        "targeted_mentors",
        "domestic_abuse",
    ),
    "somerset": (
        "universal_schools",
        "sport_diversion",
        "detached_youth_work",
        "hyperlocal_response",
        "professionals_training",
        "targeted_group_work",
        "domestic_abuse",
        "teachable_moments",
    ),
    "south-glos": ("universal_schools",),
}
NEEDS_SOURCE = "Serious Violence Strategic Needs Assessment 2021, coverage matrix"

# The YEF strands are in data/yef-strands.csv (code, name, impact, evidence, cost, notes).
STRANDS_AS_OF = (2024, 3, 31)

# name, legal status, checks complete?, insurance expires in N days (None: does not expire)
PROVIDERS: tuple[tuple[str, str, bool, int | None], ...] = (
    ("Empire Fighting Chance", "charity", True, 300),
    ("St Giles Trust", "charity", True, 200),
    ("Street Doctors", "charity", True, 150),
    ("YMCA", "charity", True, 30),
    ("Collaborate Digital", "company", True, 365),
    ("Unique Voice", "cic", True, 240),
    ("Youth Connect", "charity", True, 180),
    ("Horse World", "charity", False, None),
)

# The interventions are in data/interventions-2023-24.csv, one row per intervention in the
# order of the report's spoke sections.

# The 2025-26 round.
ROUND_NAME = "Bristol and South Gloucestershire interventions 2025-26"
ROUND_BUDGET = "250000.00"
ROUND_SPOKES = ("bristol", "south-glos")
ROUND_DATES = ((2025, 1, 6), (2025, 2, 14))
PANEL = (  # email, name, chair?
    ("panel@asvrp.example", "Pat Panel", True),
    ("panel2@asvrp.example", "Priya (panel member)", False),
    ("panel3@asvrp.example", "Jon (panel member)", False),
)
# reference, provider, title, type, level, cohort, age band, strand, spokes, cost, participants,
# scores per member (need, evidence, value, deliverability, equality), moderation, decision
Bid = tuple[
    str,
    str,
    str,
    str,
    str,
    str,
    str,
    str,
    tuple[str, ...],
    str,
    int,
    tuple[tuple[int, ...] | None, ...],
    tuple[str, str] | None,
    tuple[str, str, str] | None,
]
BIDS: tuple[Bid, ...] = (
    (
        "B001",
        "Empire Fighting Chance",
        "Boxing mentoring for young people at risk",
        "sport_diversion",
        "targeted",
        "young people at risk of ASB",
        "10_17",
        "sports",
        ("south-glos",),
        "60000.00",
        120,
        ((5, 4, 4, 4, 4), (4, 4, 4, 4, 3), (5, 3, 4, 4, 4)),
        None,
        ("approve", "CF-2025-01", ""),
    ),
    # Priya declares a conflict (a trustee of St Giles Trust) and does not score.
    (
        "B002",
        "St Giles Trust",
        "SOS+ county lines mentoring",
        "targeted_mentors",
        "specialist",
        "young people exploited through county lines",
        "10_24",
        "mentoring",
        ("bristol",),
        "80000.00",
        60,
        ((4, 3, 3, 4, 4), None, (4, 3, 4, 3, 4)),
        None,
        ("conditions", "CF-2025-02", "Quarterly reports on referrals from the Safer Options hubs"),
    ),
    # Pat and Jon disagree by far more than the 15-point margin: moderated by the chair.
    (
        "B003",
        "Street Doctors",
        "Emergency first aid and consequences of violence in schools",
        "schools_programme",
        "universal",
        "school pupils",
        "10_17",
        "knife-education",
        ("bristol", "south-glos"),
        "25000.00",
        1500,
        ((5, 4, 5, 5, 5), (3, 3, 3, 3, 3), (2, 1, 2, 2, 2)),
        ("68", "Agreed after discussion: good value and reach, but the evidence rating is unclear"),
        ("approve", "CF-2025-03", ""),
    ),
    (
        "B004",
        "Youth Connect",
        "Girls' group work",
        "targeted_group_work",
        "targeted",
        "girls and young women",
        "10_24",
        "relationship-violence",
        ("bristol",),
        "70000.00",
        90,
        ((2, 2, 2, 3, 3), (3, 2, 2, 3, 3), (2, 2, 3, 3, 2)),
        None,
        ("reject", "CF-2025-04", ""),
    ),
    (
        "B005",
        "Horse World",
        "Equine therapy for young people with ACEs",
        "mental_health",
        "specialist",
        "young people not in education with ACEs",
        "10_17",
        "trauma-therapies",
        ("south-glos",),
        "45000.00",
        24,
        ((4, 2, 2, 3, 3), (3, 2, 2, 3, 3), (4, 2, 3, 3, 3)),
        None,
        ("defer", "CF-2025-05", ""),
    ),
)
