"""Quarterly returns: per recipient, grant and quarter, with spend per plan line, match funding
and reach; and the year-end record of each recipient's underspend."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from database import Money, UTCDateTime, utcnow
from extensions import db
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import MatchKind, ReviewStatus
from reference.models import GrantStream, Organisation, enum_column


class QuarterlyReturn(db.Model):
    """What a recipient spent of one grant in one quarter, against its approved plan.

    Submitted (the spoke lead certifies), then approved (locked) or returned by finance. Only
    finance can reopen an approved return, with a reason, and that is audited.
    """

    __tablename__ = "quarterly_returns"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("recipient_id", "grant_stream_id", "financial_year", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    financial_year: Mapped[str] = mapped_column(String(7))
    quarter: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int] = mapped_column(ForeignKey("delivery_plans.id"))
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus, "return_status"), default=ReviewStatus.DRAFT
    )
    narrative: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    reach_under_10: Mapped[int] = mapped_column(Integer, default=0)
    reach_10_14: Mapped[int] = mapped_column(Integer, default=0)
    reach_15_17: Mapped[int] = mapped_column(Integer, default=0)
    reach_18_24: Mapped[int] = mapped_column(Integer, default=0)
    reach_parents_carers: Mapped[int] = mapped_column(Integer, default=0)
    reach_professionals: Mapped[int] = mapped_column(Integer, default=0)
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    certified_name: Mapped[str | None] = mapped_column(String(200))
    certified_role: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reopened_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock_version}

    recipient: Mapped[Organisation] = relationship()
    grant_stream: Mapped[GrantStream] = relationship()
    plan: Mapped[DeliveryPlan] = relationship()
    certified_by: Mapped[User | None] = relationship(foreign_keys=[certified_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    lines: Mapped[list[ReturnLine]] = relationship(
        back_populates="quarterly_return", cascade="all, delete-orphan", order_by="ReturnLine.id"
    )
    match_lines: Mapped[list[MatchFundingLine]] = relationship(
        back_populates="quarterly_return",
        cascade="all, delete-orphan",
        order_by="MatchFundingLine.id",
    )

    @property
    def reference(self) -> str:
        return (
            f"return {self.recipient.code} {self.grant_stream.code} "
            f"{self.financial_year} Q{self.quarter}"
        )


class ReturnLine(db.Model):
    """The quarter's actual spend on one plan line, and the forecast for the quarters left."""

    __tablename__ = "return_lines"
    __audited__ = True
    __table_args__ = (UniqueConstraint("return_id", "plan_line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("quarterly_returns.id"), index=True)
    plan_line_id: Mapped[int] = mapped_column(ForeignKey("plan_lines.id"))
    actual: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    forecast_remaining: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    variance_reason: Mapped[str | None] = mapped_column(Text)

    quarterly_return: Mapped[QuarterlyReturn] = relationship(back_populates="lines")
    plan_line: Mapped[PlanLine] = relationship()

    @property
    def reference(self) -> str:
        return f"return line {self.plan_line.line_ref}"


class MatchFundingLine(db.Model):
    """Match funding reported in a quarter: cash or in kind, with its evidence."""

    __tablename__ = "match_funding_lines"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("quarterly_returns.id"), index=True)
    contributor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MatchKind] = mapped_column(enum_column(MatchKind, "match_kind"))
    amount: Mapped[Decimal] = mapped_column(Money)
    evidence_reference: Mapped[str | None] = mapped_column(String(200))
    valuation_basis: Mapped[str | None] = mapped_column(Text)

    quarterly_return: Mapped[QuarterlyReturn] = relationship(back_populates="match_lines")

    @property
    def reference(self) -> str:
        return f"match {self.contributor}"


class UnderspendRecord(db.Model):
    """A recipient's final underspend of one grant at year-end, with its reason."""

    __tablename__ = "underspend_records"
    __audited__ = True
    __table_args__ = (UniqueConstraint("financial_year", "grant_stream_id", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[str] = mapped_column(String(7))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grant_stream: Mapped[GrantStream] = relationship()
    recipient: Mapped[Organisation] = relationship()

    @property
    def reference(self) -> str:
        return f"underspend {self.financial_year} {self.grant_stream.code} {self.recipient.code}"
