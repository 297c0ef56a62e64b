"""Grant awards with the year's conditions, and the variations that change allocations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allocations.models import Allocation
from auth.models import User
from database import ExactDecimal, Money, UTCDateTime, utcnow
from extensions import db
from grants.deadlines import Deadlines
from grants.vocabulary import AwardStatus, VariationKind
from reference.models import GrantStream, enum_column


class GrantAward(db.Model):
    """One Home Office grant for one year: indicative then confirmed, with its conditions.

    The conditions are settings of the award, never constants in code: the Home Office changes
    them year by year (the minimum match share rises, for example).
    """

    __tablename__ = "grant_awards"
    __audited__ = True
    __table_args__ = (UniqueConstraint("grant_stream_id", "financial_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    financial_year: Mapped[str] = mapped_column(String(7))
    status: Mapped[AwardStatus] = mapped_column(
        enum_column(AwardStatus, "award_status"), default=AwardStatus.INDICATIVE
    )
    indicative_amount: Mapped[Decimal] = mapped_column(Money)
    confirmed_amount: Mapped[Decimal | None] = mapped_column(Money)
    award_reference: Mapped[str | None] = mapped_column(String(100))
    offer_date: Mapped[date | None] = mapped_column(Date)
    confirmed_date: Mapped[date | None] = mapped_column(Date)
    # Conditions of the year (percentages as exact decimals: "20" means 20%).
    min_match_percent: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal("20"))
    min_interventions_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    evaluation_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    admin_cap_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    variance_threshold_percent: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal("10"))
    variance_threshold_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("5000.00"))
    svd_labour_amount: Mapped[Decimal | None] = mapped_column(Money)
    svd_non_labour_amount: Mapped[Decimal | None] = mapped_column(Money)
    notes: Mapped[str | None] = mapped_column(Text)
    # Deadlines (None: the agreement's default; see grants.deadlines).
    return_due_days: Mapped[int | None] = mapped_column(Integer)
    plan_due_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock_version}

    grant_stream: Mapped[GrantStream] = relationship()
    closed_by: Mapped[User | None] = relationship()

    @property
    def amount(self) -> Decimal:
        """The confirmed amount once there is one, else the indicative."""
        return (
            self.confirmed_amount if self.confirmed_amount is not None else self.indicative_amount
        )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def deadlines(self) -> Deadlines:
        return Deadlines(return_due_days=self.return_due_days, plan_due_on=self.plan_due_on)

    @property
    def reference(self) -> str:
        return f"{self.grant_stream.code} {self.financial_year}"


class AllocationVariation(db.Model):
    """A recorded change to allocations: money moved between recipients, or one adjusted."""

    __tablename__ = "allocation_variations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VariationKind] = mapped_column(enum_column(VariationKind, "variation_kind"))
    financial_year: Mapped[str] = mapped_column(String(7))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    from_allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"))
    to_allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    quarter: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    decision_reference: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grant_stream: Mapped[GrantStream] = relationship()
    from_allocation: Mapped[Allocation | None] = relationship(foreign_keys=[from_allocation_id])
    to_allocation: Mapped[Allocation | None] = relationship(foreign_keys=[to_allocation_id])
    created_by: Mapped[User | None] = relationship()

    @property
    def reference(self) -> str:
        return f"variation {self.decision_reference}"
