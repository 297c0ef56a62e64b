"""Reference data models: the partnership, its organisations, grant streams and financial years.

Spokes are organisations of kind ``spoke`` with a short code (``bristol``, ``south-glos``) that
every file, URL and import uses. Providers (commissioning) will be organisations too, so a grant
can go OPCC -> local authority -> provider with one kind of recipient throughout.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.financial_year import FinancialYear
from extensions import db


class OrganisationKind(enum.StrEnum):
    OPCC = "opcc"
    HUB = "hub"
    SPOKE = "spoke"
    PROVIDER = "provider"

    @property
    def label(self) -> str:
        return {
            "opcc": "OPCC",
            "hub": "VRP Hub",
            "spoke": "Spoke local authority",
            "provider": "Provider",
        }[self.value]


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """Enums stored as their values in a VARCHAR with a named CHECK, the same on both databases."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Organisation(db.Model):
    __tablename__ = "organisations"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind")
    )
    # org-id (e.g. GB-LAE-BST) for 360Giving; GSS code for maps and beneficiary location.
    org_id: Mapped[str | None] = mapped_column(String(60))
    gss_code: Mapped[str | None] = mapped_column(String(12))
    notes: Mapped[str | None] = mapped_column(Text)
    # ``active`` is false once the organisation is closed; it takes part in the years from
    # ``active_from`` up to (not including) ``closed_from``. Nothing with records is deleted.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    colour: Mapped[str | None] = mapped_column(String(7))  # "#1d70b8", for charts
    active_from: Mapped[str | None] = mapped_column(String(7))
    closed_from: Mapped[str | None] = mapped_column(String(7))

    def takes_part_in(self, year: str) -> bool:
        """Whether the organisation is a recipient in financial year ``year`` (``2024-25``)."""
        return (self.active_from is None or self.active_from <= year) and (
            self.closed_from is None or year < self.closed_from
        )

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class GrantStream(db.Model):
    __tablename__ = "grant_streams"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    active_from: Mapped[str | None] = mapped_column(String(7))
    closed_from: Mapped[str | None] = mapped_column(String(7))

    def __repr__(self) -> str:
        return f"<GrantStream {self.code}>"


class Partnership(db.Model):
    """The partnership this installation serves (one row): its name heads every page."""

    __tablename__ = "partnership"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))


class FinancialYearRecord(db.Model):
    """A financial year the partnership works in; one is marked current for the landing pages."""

    __tablename__ = "financial_years"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(7), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.parse(self.label)

    @classmethod
    def for_year(cls, year: FinancialYear) -> FinancialYearRecord:
        return cls(label=year.label, start_date=year.start, end_date=year.end)

    def __repr__(self) -> str:
        return f"<FinancialYear {self.label}>"
