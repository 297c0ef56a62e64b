"""A payment made to a recipient of one grant, for one quarter of the agreement's schedule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from database import Money, UTCDateTime, utcnow
from extensions import db
from reference.models import GrantStream, Organisation


class GrantPayment(db.Model):
    """One quarter's payment: the schedule pays each recipient once a quarter per grant, so a
    second payment for the same quarter is refused by the database as well as the service."""

    __tablename__ = "grant_payments"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("recipient_id", "grant_stream_id", "financial_year", "quarter"),
        UniqueConstraint("payment_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    grant_stream_id: Mapped[int] = mapped_column(ForeignKey("grant_streams.id"))
    financial_year: Mapped[str] = mapped_column(String(7))
    quarter: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    payment_reference: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipient: Mapped[Organisation] = relationship()
    grant_stream: Mapped[GrantStream] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def reference(self) -> str:
        return (
            f"payment {self.payment_reference}: {self.recipient.name} {self.grant_stream.code} "
            f"{self.financial_year} Q{self.quarter}"
        )
