"""The grant vocabulary as enums (pure): categories, cost and spend types, workflow states.

Nothing here is a threshold or a percentage: those are per-award settings on ``GrantAward``.
"""

from __future__ import annotations

import enum


class Category(enum.StrEnum):
    """Spend categories of delivery plan lines (domain notes, section 6.1)."""

    STAFFING = "staffing"
    DATA = "data_analysis"
    INTERVENTIONS = "interventions"
    EVALUATION = "evaluation"
    ENGAGEMENT = "engagement"
    TRAINING = "training"
    COMMUNICATIONS = "communications"
    MANAGEMENT = "management_admin"
    CAPITAL = "capital"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.STAFFING: "Staffing",
    Category.DATA: "Data and analysis",
    Category.INTERVENTIONS: "Interventions",
    Category.EVALUATION: "Evaluation",
    Category.ENGAGEMENT: "Engagement",
    Category.TRAINING: "Training",
    Category.COMMUNICATIONS: "Communications",
    Category.MANAGEMENT: "Management and administration",
    Category.CAPITAL: "Capital",
}


class CostType(enum.StrEnum):
    LABOUR = "labour"
    NON_LABOUR = "non_labour"

    @property
    def label(self) -> str:
        return "Labour" if self is CostType.LABOUR else "Non-labour"


class SpendType(enum.StrEnum):
    REVENUE = "revenue"
    CAPITAL = "capital"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class AwardStatus(enum.StrEnum):
    INDICATIVE = "indicative"
    CONFIRMED = "confirmed"


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SIGNED = "signed"
    VARIED = "varied"


class PaymentSchedule(enum.StrEnum):
    QUARTERLY_IN_ARREARS = "quarterly_in_arrears"
    QUARTERLY_IN_ADVANCE = "quarterly_in_advance"
    ANNUAL_IN_ADVANCE = "annual_in_advance"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ReviewStatus(enum.StrEnum):
    """Delivery plans and quarterly returns: draft, submitted, then approved (locked) or
    returned with comments (editable again)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def is_editable(self) -> bool:
        return self in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    @property
    def tag_class(self) -> str:
        return {
            "draft": "govuk-tag--grey",
            "submitted": "govuk-tag--blue",
            "approved": "govuk-tag--green",
            "returned": "govuk-tag--orange",
        }[self.value]


class MatchKind(enum.StrEnum):
    CASH = "cash"
    IN_KIND = "in_kind"

    @property
    def label(self) -> str:
        return "Cash" if self is MatchKind.CASH else "In kind"


class VariationKind(enum.StrEnum):
    REALLOCATION = "reallocation"  # money moved from one recipient to another
    ADJUSTMENT = "adjustment"  # one recipient's allocation changed (e.g. confirmed grant)


# Reach bands reported each quarter (children and young people by age; then adults).
REACH_BANDS = (
    ("reach_under_10", "Children under 10"),
    ("reach_10_14", "Young people 10 to 14"),
    ("reach_15_17", "Young people 15 to 17"),
    ("reach_18_24", "Young people 18 to 24"),
    ("reach_parents_carers", "Parents and carers (25 and over)"),
    ("reach_professionals", "Professionals"),
)
