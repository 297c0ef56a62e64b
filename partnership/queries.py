"""Read-only queries for the set-up pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from extensions import db
from reference.models import (
    FinancialYearRecord,
    GrantStream,
    Organisation,
    OrganisationKind,
    Partnership,
)


@dataclass(frozen=True)
class PartnershipOverview:
    partnership: Partnership | None
    opcc: Organisation | None
    hub: Organisation | None
    spokes: list[Organisation]
    streams: list[GrantStream]
    years: list[FinancialYearRecord]


def partnership_overview() -> PartnershipOverview:
    def one(kind: OrganisationKind) -> Organisation | None:
        return db.session.scalar(select(Organisation).where(Organisation.kind == kind).limit(1))

    return PartnershipOverview(
        partnership=db.session.scalar(select(Partnership).limit(1)),
        opcc=one(OrganisationKind.OPCC),
        hub=one(OrganisationKind.HUB),
        spokes=list(
            db.session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.SPOKE)
                .order_by(Organisation.active.desc(), Organisation.name)
            )
        ),
        streams=list(
            db.session.scalars(
                select(GrantStream).order_by(GrantStream.active.desc(), GrantStream.code)
            )
        ),
        years=list(
            db.session.scalars(select(FinancialYearRecord).order_by(FinancialYearRecord.start_date))
        ),
    )


def spoke_or_none(code: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(
            Organisation.code == code, Organisation.kind == OrganisationKind.SPOKE
        )
    )


def stream_or_none(code: str) -> GrantStream | None:
    return db.session.scalar(select(GrantStream).where(GrantStream.code == code.upper()))
