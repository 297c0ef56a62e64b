"""All grant models, for code that wants them from one place (and for Alembic to see them)."""

from grants.awards_models import AllocationVariation, GrantAgreement, GrantAward, UnderspendRecord
from grants.plan_models import DeliveryPlan, PlanLine
from grants.return_models import MatchFundingLine, QuarterlyReturn, ReturnLine

__all__ = [
    "AllocationVariation",
    "DeliveryPlan",
    "GrantAgreement",
    "GrantAward",
    "MatchFundingLine",
    "PlanLine",
    "QuarterlyReturn",
    "ReturnLine",
    "UnderspendRecord",
]
