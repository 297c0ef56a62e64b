"""Providers (organisations of kind ``provider``, with their legal details and contacts) and
their due-diligence checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from commissioning.providers.diligence import Check
from database import UTCDateTime, utcnow
from extensions import db
from reference.models import Organisation

LEGAL_STATUSES: tuple[tuple[str, str], ...] = (
    ("charity", "Registered charity"),
    ("cio", "Charitable incorporated organisation"),
    ("company", "Company limited by guarantee"),
    ("cic", "Community interest company"),
    ("public_body", "Public body"),
    ("other", "Other"),
)


class Provider(db.Model):
    __tablename__ = "providers"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    legal_status: Mapped[str] = mapped_column(String(20), default="other")
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(20))
    other_number: Mapped[str | None] = mapped_column(String(40))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    checks: Mapped[list[DueDiligenceCheck]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="DueDiligenceCheck.kind"
    )

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def org_identifier(self) -> str | None:
        return self.organisation.org_id

    @property
    def legal_status_label(self) -> str:
        return dict(LEGAL_STATUSES).get(self.legal_status, self.legal_status)

    def plain_checks(self) -> list[Check]:
        return [Check(c.kind, c.checked_on, c.expires_on) for c in self.checks]


class DueDiligenceCheck(db.Model):
    """One item of the checklist: the evidence, who checked it, when, and when it expires."""

    __tablename__ = "due_diligence_checks"
    __audited__ = True
    __table_args__ = (UniqueConstraint("provider_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)

    provider: Mapped[Provider] = relationship(back_populates="checks")
    checked_by: Mapped[User | None] = relationship()
