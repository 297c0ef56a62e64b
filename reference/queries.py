"""Read-only queries for reference data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from auth.models import User
from auth.scoping import scope_to_user
from core.financial_year import FinancialYear
from extensions import db
from reference.models import FinancialYearRecord, GrantStream, Organisation, OrganisationKind


def list_spokes() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SPOKE)
            .order_by(Organisation.name)
        )
    )


def visible_spokes(user: User) -> list[Organisation]:
    """The spokes ``user`` may see: all of them, or a spoke lead's own."""
    return list(
        db.session.scalars(
            scope_to_user(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.SPOKE)
                .order_by(Organisation.name),
                Organisation.id,
                user,
            )
        )
    )


def get_organisation_by_code(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def list_grant_streams() -> list[GrantStream]:
    return list(db.session.scalars(select(GrantStream).order_by(GrantStream.code)))


def list_financial_years() -> list[FinancialYearRecord]:
    return list(
        db.session.scalars(
            select(FinancialYearRecord).order_by(FinancialYearRecord.start_date.desc())
        )
    )


def current_financial_year(today: date | None = None) -> FinancialYear:
    """The year marked current, else the year containing today."""
    marked = db.session.scalar(
        select(FinancialYearRecord).where(FinancialYearRecord.is_current.is_(True))
    )
    if marked is not None:
        return marked.year
    return FinancialYear.containing(today or date.today())
