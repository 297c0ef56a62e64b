"""Each spoke's needs for the gap map: the intervention types its needs assessment calls for."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from reference.models import Organisation


class SpokeNeed(db.Model):
    __tablename__ = "spoke_needs"
    __audited__ = True
    __table_args__ = (UniqueConstraint("spoke_id", "intervention_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    spoke_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    intervention_type: Mapped[str] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(Text)

    spoke: Mapped[Organisation] = relationship()
