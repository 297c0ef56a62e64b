"""Commissioning's fixed words (pure): the needs assessment's 14 intervention types, the three
levels, the 2024 strategy's nine strategic commitments, bid and intervention statuses.

Nothing here is a rating or a threshold: YEF strands and their ratings are an editable table
(``commissioning.interventions.models.YefStrand``), scoring margins are per round.
"""

from __future__ import annotations

import enum

# The needs assessment's coverage matrix (2021), in its order: code, name.
INTERVENTION_TYPES: tuple[tuple[str, str], ...] = (
    ("early_years", "Early years support"),
    ("universal_schools", "Universal schools offer"),
    ("schools_programme", "Specific programme in schools"),
    ("sport_diversion", "Sport as a diversion"),
    ("detached_youth_work", "Detached youth work"),
    ("hyperlocal_response", "Hyperlocal community response"),
    ("professionals_training", "Professionals training"),
    ("targeted_mentors", "Targeted mentors"),
    ("targeted_group_work", "Targeted group work"),
    ("bespoke_education", "Bespoke education support"),
    ("mental_health", "Targeted young people's mental health support"),
    ("domestic_abuse", "Targeted domestic abuse support"),
    ("teachable_moments", "Teachable moments"),
    ("siblings", "Work with siblings"),
)
INTERVENTION_TYPE_NAMES: dict[str, str] = dict(INTERVENTION_TYPES)

# The 2024 strategy's nine strategic commitments: code, name.
STRATEGIC_COMMITMENTS: tuple[tuple[str, str], ...] = (
    ("interventions", "Interventions"),
    ("risk_identification", "Risk identification"),
    ("hotspots", "Hotspots and contextual responses"),
    ("engagement", "Engagement"),
    ("local_opportunities", "Local opportunities"),
    ("awareness", "Awareness and resilience"),
    ("leadership", "Leadership"),
    ("data_evidence", "Data and evidence"),
    ("sustainability", "Sustainability"),
)
COMMITMENT_NAMES: dict[str, str] = dict(STRATEGIC_COMMITMENTS)

# The example criteria for a round: name, weight (percent), maximum score.
DEFAULT_CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("Need and gap addressed", "30", "5"),
    ("Evidence (YEF Toolkit rating)", "25", "5"),
    ("Value for money (cost per participant)", "20", "5"),
    ("Deliverability", "15", "5"),
    ("Equality of access", "10", "5"),
)

AGE_BANDS: tuple[tuple[str, str], ...] = (
    ("under_10", "Under 10"),
    ("10_14", "10 to 14"),
    ("15_17", "15 to 17"),
    ("18_24", "18 to 24"),
    ("10_17", "10 to 17"),
    ("10_24", "10 to 24"),
    ("all", "All ages"),
)
AGE_BAND_NAMES: dict[str, str] = dict(AGE_BANDS)


class Level(enum.StrEnum):
    UNIVERSAL = "universal"
    TARGETED = "targeted"
    SPECIALIST = "specialist"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class InterventionStatus(enum.StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Decision(enum.StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "conditions"
    REJECT = "reject"
    DEFER = "defer"

    @property
    def label(self) -> str:
        return {
            "approve": "Approved",
            "conditions": "Approved with conditions",
            "reject": "Rejected",
            "defer": "Deferred",
        }[self.value]

    @property
    def is_approval(self) -> bool:
        return self in (Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS)


def type_name(code: str) -> str:
    """The type's name for pages; an unknown code is shown as it is rather than hidden."""
    return INTERVENTION_TYPE_NAMES.get(code, code)
