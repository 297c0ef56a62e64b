"""A payment made to a recipient of one grant, for one quarter of the agreement's schedule.

A payment is never deleted or edited: one recorded by mistake is *reversed* (who, when and why
kept on the row, and audited), and no longer counts as paid. The database keeps its guarantees
for live payments only: one live payment per recipient, grant, year and quarter, and a payment
reference used by one live payment (partial unique indexes, ``WHERE reversed_at IS NULL``, the
same on SQLite and PostgreSQL), so the quarter can be paid again once its mistake is reversed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from database import Money, UTCDateTime, utcnow
from extensions import db
from reference.models import GrantStream, Organisation

LIVE = text("reversed_at IS NULL")


class GrantPayment(db.Model):
    """One quarter's payment: the schedule pays each recipient once a quarter per grant, so a
    second live payment for the same quarter is refused by the database as well as the
    service."""

    __tablename__ = "grant_payments"
    __audited__ = True
    __table_args__ = (
        Index(
            "uq_grant_payments_live_quarter",
            "recipient_id",
            "grant_stream_id",
            "financial_year",
            "quarter",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        Index(
            "uq_grant_payments_live_reference",
            "payment_reference",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
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
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reversal_reason: Mapped[str | None] = mapped_column(Text)

    recipient: Mapped[Organisation] = relationship()
    grant_stream: Mapped[GrantStream] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    reversed_by: Mapped[User | None] = relationship(foreign_keys=[reversed_by_id])

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    @property
    def reference(self) -> str:
        return (
            f"payment {self.payment_reference}: {self.recipient.name} {self.grant_stream.code} "
            f"{self.financial_year} Q{self.quarter}"
        )
