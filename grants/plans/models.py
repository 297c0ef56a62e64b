"""Delivery plans: one per recipient (spoke or Hub) per year, versioned, with budget lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from database import Money, UTCDateTime, utcnow
from extensions import db
from grants.vocabulary import Category, CostType, ReviewStatus, SpendType
from reference.models import GrantStream, Organisation, enum_column


class DeliveryPlan(db.Model):
    """A recipient's plan for the year. An approved plan is locked; changing it afterwards
    makes a new version (with a reason) that goes through review again."""

    __tablename__ = "delivery_plans"
    __audited__ = True
    __table_args__ = (UniqueConstraint("recipient_id", "financial_year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    financial_year: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus, "plan_status"), default=ReviewStatus.DRAFT
    )
    lead_name: Mapped[str | None] = mapped_column(String(200))
    s151_contact: Mapped[str | None] = mapped_column(String(200))
    priorities: Mapped[str | None] = mapped_column(Text)
    change_reason: Mapped[str | None] = mapped_column(Text)
    review_comment: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock_version}

    recipient: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    lines: Mapped[list[PlanLine]] = relationship(
        back_populates="plan", order_by="PlanLine.position", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return f"plan {self.recipient.code} {self.financial_year} v{self.version}"


class PlanLine(db.Model):
    """One budget line of a delivery plan, with its quarterly profile."""

    __tablename__ = "plan_lines"
    __audited__ = True
    __table_args__ = (UniqueConstraint("plan_id", "line_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("delivery_plans.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    line_ref: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[Category] = mapped_column(enum_column(Category, "plan_category"))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    cost_type: Mapped[CostType] = mapped_column(enum_column(CostType, "cost_type"))
    spend_type: Mapped[SpendType] = mapped_column(
        enum_column(SpendType, "spend_type"), default=SpendType.REVENUE
    )
    yef_strand: Mapped[str | None] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(200))
    annual_budget: Mapped[Decimal] = mapped_column(Money)
    q1: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    q2: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    q3: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    q4: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    output_targets: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[DeliveryPlan] = relationship(back_populates="lines")
    grant_stream: Mapped[GrantStream] = relationship()

    @property
    def profile(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.q1, self.q2, self.q3, self.q4)

    @property
    def reference(self) -> str:
        return f"line {self.line_ref}"
