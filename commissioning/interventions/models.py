"""The interventions register: every intervention in every spoke, commissioned through a round or
already running, with its reach per quarter; and the YEF Toolkit strands as an editable table."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commissioning.providers.models import Provider
from commissioning.vocabulary import COMMITMENT_NAMES, InterventionStatus, Level
from database import Money, UTCDateTime, utcnow
from extensions import db
from grants.vocabulary import REACH_BANDS
from reference.models import Organisation, enum_column

intervention_spokes = Table(
    "intervention_spokes",
    db.metadata,
    Column("intervention_id", ForeignKey("interventions.id"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
)


class YefStrand(db.Model):
    """A Youth Endowment Fund Toolkit strand with its ratings as of a date (they change)."""

    __tablename__ = "yef_strands"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    impact: Mapped[str] = mapped_column(String(40))  # e.g. "high", "moderate", "low"
    evidence: Mapped[str] = mapped_column(String(40))
    cost: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Intervention(db.Model):
    __tablename__ = "interventions"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    financial_year: Mapped[str] = mapped_column(String(7), index=True)
    intervention_type: Mapped[str] = mapped_column(String(40))
    yef_strand_id: Mapped[int | None] = mapped_column(ForeignKey("yef_strands.id"))
    level: Mapped[Level] = mapped_column(enum_column(Level, "intervention_level"))
    commitments: Mapped[str] = mapped_column(String(400), default="")  # codes, comma-separated
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    cohort: Mapped[str | None] = mapped_column(String(200))
    age_band: Mapped[str | None] = mapped_column(String(20))
    setting: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[InterventionStatus] = mapped_column(
        enum_column(InterventionStatus, "intervention_status"), default=InterventionStatus.RUNNING
    )
    annual_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    output_description: Mapped[str | None] = mapped_column(String(300))
    output_target: Mapped[int | None] = mapped_column(Integer)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    yef_strand: Mapped[YefStrand | None] = relationship()
    provider: Mapped[Provider | None] = relationship()
    spokes: Mapped[list[Organisation]] = relationship(
        secondary=intervention_spokes, order_by="Organisation.name"
    )
    reach: Mapped[list[InterventionReach]] = relationship(
        back_populates="intervention",
        cascade="all, delete-orphan",
        order_by="(InterventionReach.financial_year, InterventionReach.quarter)",
    )

    @property
    def commitment_codes(self) -> list[str]:
        return [c for c in self.commitments.split(",") if c]

    @property
    def commitment_names(self) -> list[str]:
        return [COMMITMENT_NAMES.get(c, c) for c in self.commitment_codes]


class InterventionReach(db.Model):
    """Who one intervention reached in one quarter, and its outputs."""

    __tablename__ = "intervention_reach"
    __audited__ = True
    __table_args__ = (UniqueConstraint("intervention_id", "financial_year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id"), index=True)
    financial_year: Mapped[str] = mapped_column(String(7))
    quarter: Mapped[int] = mapped_column(Integer)
    reach_under_10: Mapped[int] = mapped_column(Integer, default=0)
    reach_10_14: Mapped[int] = mapped_column(Integer, default=0)
    reach_15_17: Mapped[int] = mapped_column(Integer, default=0)
    reach_18_24: Mapped[int] = mapped_column(Integer, default=0)
    reach_parents_carers: Mapped[int] = mapped_column(Integer, default=0)
    reach_professionals: Mapped[int] = mapped_column(Integer, default=0)
    outputs: Mapped[int] = mapped_column(Integer, default=0)

    intervention: Mapped[Intervention] = relationship(back_populates="reach")

    @property
    def young_people(self) -> int:
        return self.reach_under_10 + self.reach_10_14 + self.reach_15_17 + self.reach_18_24

    def band(self, name: str) -> int:
        return int(getattr(self, name))


REACH_NAMES = tuple(name for name, _ in REACH_BANDS)
