"""All grant models, for code that wants them from one place (and for Alembic to see them)."""

from grants.agreements.models import GrantAgreement
from grants.awards.models import AllocationVariation, GrantAward
from grants.payments.models import GrantPayment
from grants.plans.models import DeliveryPlan, PlanLine
from grants.returns.models import MatchFundingLine, QuarterlyReturn, ReturnLine, UnderspendRecord

__all__ = [
    "AllocationVariation",
    "DeliveryPlan",
    "GrantAgreement",
    "GrantAward",
    "GrantPayment",
    "MatchFundingLine",
    "PlanLine",
    "QuarterlyReturn",
    "ReturnLine",
    "UnderspendRecord",
]
