"""Commissioning rounds, their criteria and panel; bids with conflicts, scores, moderation,
decisions and attachments; and the contracts approved bids become."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from commissioning.interventions.models import YefStrand
from commissioning.providers.models import Provider
from commissioning.vocabulary import Decision, Level
from database import ExactDecimal, Money, UTCDateTime, utcnow
from extensions import db
from grants.plans.models import PlanLine
from reference.models import GrantStream, Organisation, enum_column

round_recipients = Table(
    "round_recipients",
    db.metadata,
    Column("round_id", ForeignKey("commissioning_rounds.id"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
)

bid_spokes = Table(
    "bid_spokes",
    db.metadata,
    Column("bid_id", ForeignKey("bids.id"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
)


class CommissioningRound(db.Model):
    __tablename__ = "commissioning_rounds"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    financial_year: Mapped[str] = mapped_column(String(7))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    budget: Mapped[Decimal] = mapped_column(Money)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    eligibility: Mapped[str | None] = mapped_column(Text)
    # Members' totals (out of 100) further apart than this flag the bid for moderation.
    disagreement_margin: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal("15"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grant_stream: Mapped[GrantStream] = relationship()
    recipients: Mapped[list[Organisation]] = relationship(
        secondary=round_recipients, order_by="Organisation.name"
    )
    criteria: Mapped[list[RoundCriterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundCriterion.position"
    )
    panel: Mapped[list[PanelMember]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    bids: Mapped[list[Bid]] = relationship(back_populates="round", order_by="Bid.reference")

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    @property
    def chair(self) -> User | None:
        return next((m.user for m in self.panel if m.is_chair), None)


class RoundCriterion(db.Model):
    __tablename__ = "round_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("commissioning_rounds.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(ExactDecimal)  # percent
    max_score: Mapped[int] = mapped_column(Integer)
    guidance: Mapped[str | None] = mapped_column(Text)

    round: Mapped[CommissioningRound] = relationship(back_populates="criteria")


class PanelMember(db.Model):
    __tablename__ = "panel_members"
    __audited__ = True
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("commissioning_rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[CommissioningRound] = relationship(back_populates="panel")
    user: Mapped[User] = relationship()


class Bid(db.Model):
    __tablename__ = "bids"
    __audited__ = True
    __table_args__ = (UniqueConstraint("round_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("commissioning_rounds.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    intervention_types: Mapped[str] = mapped_column(String(400))  # codes, comma-separated
    yef_strand_id: Mapped[int | None] = mapped_column(ForeignKey("yef_strands.id"))
    level: Mapped[Level] = mapped_column(enum_column(Level, "bid_level"))
    cohort: Mapped[str | None] = mapped_column(String(200))
    age_band: Mapped[str | None] = mapped_column(String(20))
    setting: Mapped[str | None] = mapped_column(String(200))
    output_targets: Mapped[str | None] = mapped_column(Text)
    participants: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[Decimal] = mapped_column(Money)
    q1: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    q2: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    q3: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    q4: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    match_funding: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    submitted_on: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The chair's moderation: an agreed score (out of 100) with its reason; members' scores stay.
    moderated_score: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision, "bid_decision"))
    decision_reference: Mapped[str | None] = mapped_column(String(60))
    conditions: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[CommissioningRound] = relationship(back_populates="bids")
    provider: Mapped[Provider] = relationship()
    spokes: Mapped[list[Organisation]] = relationship(
        secondary=bid_spokes, order_by="Organisation.name"
    )
    yef_strand: Mapped[YefStrand | None] = relationship()
    declarations: Mapped[list[ConflictDeclaration]] = relationship(
        back_populates="bid", cascade="all, delete-orphan"
    )
    scores: Mapped[list[BidScore]] = relationship(
        back_populates="bid", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[BidAttachment]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="BidAttachment.id"
    )
    moderated_by: Mapped[User | None] = relationship(foreign_keys=[moderated_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def type_codes(self) -> list[str]:
        return [c for c in self.intervention_types.split(",") if c]

    @property
    def profile(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.q1, self.q2, self.q3, self.q4)


class ConflictDeclaration(db.Model):
    """A panel member's declaration for one bid, made before they may open it."""

    __tablename__ = "conflict_declarations"
    __audited__ = True
    __table_args__ = (UniqueConstraint("bid_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    conflicted: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="declarations")
    user: Mapped[User] = relationship()


class BidScore(db.Model):
    __tablename__ = "bid_scores"
    __audited__ = True
    __table_args__ = (UniqueConstraint("bid_id", "user_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("round_criteria.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)

    bid: Mapped[Bid] = relationship(back_populates="scores")
    user: Mapped[User] = relationship()
    criterion: Mapped[RoundCriterion] = relationship()


class BidAttachment(db.Model):
    """A file stored under the instance folder by its SHA-256; served only through the bid's
    permission and conflict checks."""

    __tablename__ = "bid_attachments"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # pdf, docx, xlsx
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="attachments")


class Contract(db.Model):
    """An approved bid's contract, paid from a line of a delivery plan."""

    __tablename__ = "contracts"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    plan_line_id: Mapped[int] = mapped_column(ForeignKey("plan_lines.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[Decimal] = mapped_column(Money)
    vru_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    svd_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    match_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    bid: Mapped[Bid] = relationship()
    provider: Mapped[Provider] = relationship()
    plan_line: Mapped[PlanLine] = relationship()
