"""Formula versions, indicator datasets, runs and the allocations an approved run creates."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from database import ExactDecimal, Money, UTCDateTime, utcnow
from extensions import db
from formulas.data import MAX_SOURCE_LENGTH
from reference.models import GrantStream, Organisation, enum_column


class FormulaVersion(db.Model):
    """One version of an agreed formula, stored as the TOML text it was written in."""

    __tablename__ = "formula_versions"
    __audited__ = True
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(60))
    grant_code: Mapped[str | None] = mapped_column(String(10))
    financial_year: Mapped[str | None] = mapped_column(String(7))
    source_toml: Mapped[str] = mapped_column(Text)
    source_filename: Mapped[str | None] = mapped_column(String(255))
    change_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()

    @property
    def title(self) -> str:
        return f"{self.name} v{self.version}"


class IndicatorDataset(db.Model):
    """A versioned set of indicator values (one per spoke per indicator)."""

    __tablename__ = "indicator_datasets"
    __audited__ = True
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    source_filename: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
    values: Mapped[list[IndicatorValueRecord]] = relationship(
        back_populates="dataset",
        order_by="IndicatorValueRecord.row_number",
        cascade="all, delete-orphan",
    )

    @property
    def title(self) -> str:
        return f"{self.name} v{self.version}"


class IndicatorValueRecord(db.Model):
    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("dataset_id", "recipient_code", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("indicator_datasets.id"), index=True)
    recipient_code: Mapped[str] = mapped_column(String(40))
    indicator: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(ExactDecimal)
    source: Mapped[str] = mapped_column(String(MAX_SOURCE_LENGTH))
    as_of: Mapped[date] = mapped_column(Date)
    row_number: Mapped[int | None] = mapped_column(Integer)

    dataset: Mapped[IndicatorDataset] = relationship(back_populates="values")


class RunStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"

    @property
    def tag_class(self) -> str:
        return {
            "draft": "govuk-tag--grey",
            "approved": "govuk-tag--green",
            "superseded": "govuk-tag--yellow",
        }[self.value]


class FormulaRun(db.Model):
    """A formula version applied to a dataset and a pot: a scenario until approved.

    ``result`` is the explained allocation as JSON (money as strings with two decimals), kept so
    the run reads the same forever; approval re-runs the stored inputs and refuses if a penny
    differs.
    """

    __tablename__ = "formula_runs"
    __audited__ = True
    __audit_exclude__ = frozenset({"result", "previous_amounts"})

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    formula_version_id: Mapped[int] = mapped_column(ForeignKey("formula_versions.id"))
    dataset_id: Mapped[int] = mapped_column(ForeignKey("indicator_datasets.id"))
    pot: Mapped[Decimal] = mapped_column(Money)
    total: Mapped[Decimal] = mapped_column(Money)
    previous_label: Mapped[str | None] = mapped_column(String(255))
    previous_amounts: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "run_status"), default=RunStatus.DRAFT
    )
    grant_stream_id: Mapped[int | None] = mapped_column(ForeignKey("grant_streams.id"))
    financial_year: Mapped[str | None] = mapped_column(String(7))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("formula_runs.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock_version}

    formula_version: Mapped[FormulaVersion] = relationship()
    dataset: Mapped[IndicatorDataset] = relationship()
    grant_stream: Mapped[GrantStream | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    superseded_by: Mapped[FormulaRun | None] = relationship(remote_side=[id])

    @property
    def title(self) -> str:
        return f"Run {self.id}: {self.label}"


class AllocationStatus(enum.StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class Allocation(db.Model):
    """What one recipient is allocated of one grant in one year, from an approved run."""

    __tablename__ = "allocations"
    __audited__ = True
    __table_args__ = (
        Index(
            "ix_allocations_year_stream_recipient",
            "financial_year",
            "grant_stream_id",
            "recipient_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[str] = mapped_column(String(7))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    run_id: Mapped[int] = mapped_column(ForeignKey("formula_runs.id"))
    is_top_slice: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AllocationStatus] = mapped_column(
        enum_column(AllocationStatus, "allocation_status"), default=AllocationStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grant_stream: Mapped[GrantStream] = relationship()
    recipient: Mapped[Organisation] = relationship()
    run: Mapped[FormulaRun] = relationship()

    @property
    def reference(self) -> str:
        return f"{self.financial_year} {self.grant_stream.code} {self.recipient.code}"
