"""Grant agreements: one per recipient and year, versioned; a variation is a new version."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from database import Money, UTCDateTime, utcnow
from extensions import db
from grants.vocabulary import AgreementStatus, PaymentSchedule
from reference.models import Organisation, enum_column


class GrantAgreement(db.Model):
    """The grant agreement between the OPCC and one recipient for one year, versioned."""

    __tablename__ = "grant_agreements"
    __audited__ = True
    __table_args__ = (UniqueConstraint("recipient_id", "financial_year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    financial_year: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus, "agreement_status"), default=AgreementStatus.DRAFT
    )
    vru_amount: Mapped[Decimal | None] = mapped_column(Money)
    svd_amount: Mapped[Decimal | None] = mapped_column(Money)
    conditions: Mapped[str] = mapped_column(Text, default="")
    payment_schedule: Mapped[PaymentSchedule] = mapped_column(
        enum_column(PaymentSchedule, "payment_schedule"),
        default=PaymentSchedule.QUARTERLY_IN_ARREARS,
    )
    opcc_signatory: Mapped[str | None] = mapped_column(String(200))
    recipient_signatory: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    variation_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock_version}

    recipient: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def reference(self) -> str:
        return f"{self.recipient.code} {self.financial_year} v{self.version}"
