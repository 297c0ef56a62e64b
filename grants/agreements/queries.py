"""Read-only queries for grant agreements: the versions, the default conditions from the year's
awards, and the agreement as its document shows it.

A spoke lead sees their own spoke's agreements only (``auth.scoping.scope_to_user``). Nothing
here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from auth.models import User
from auth.scoping import scope_to_user
from core.financial_year import FinancialYear
from extensions import db
from grants.agreements.models import GrantAgreement
from grants.agreements.schedule import (
    GrantTerms,
    Payment,
    build_default_conditions,
    build_payment_schedule,
)
from grants.awards.models import GrantAward
from grants.awards.queries import awards_of
from grants.vocabulary import PaymentSchedule
from reference.models import GrantStream, Organisation, OrganisationKind

ZERO = Decimal("0.00")
DEFAULT_FUNDER = "Office of the Police and Crime Commissioner"


def agreements_for(user: User, *, financial_year: str | None = None) -> list[GrantAgreement]:
    """Agreements the user may see, newest year first, then by spoke and newest version."""
    statement = (
        select(GrantAgreement)
        .options(selectinload(GrantAgreement.recipient))
        .join(Organisation, GrantAgreement.recipient_id == Organisation.id)
    )
    if financial_year:
        statement = statement.where(GrantAgreement.financial_year == financial_year)
    statement = scope_to_user(statement, GrantAgreement.recipient_id, user)
    return list(
        db.session.scalars(
            statement.order_by(
                GrantAgreement.financial_year.desc(),
                Organisation.name,
                GrantAgreement.version.desc(),
            )
        )
    )


def current_version_totals(
    agreements: list[GrantAgreement],
) -> list[tuple[str, Decimal, Decimal]]:
    """Per year, newest first: the VRU and SVD amounts of each recipient's latest version (an
    older version was replaced by it, so it is not counted again)."""
    latest: dict[tuple[str, int], GrantAgreement] = {}
    for agreement in agreements:
        key = (agreement.financial_year, agreement.recipient_id)
        if key not in latest or agreement.version > latest[key].version:
            latest[key] = agreement
    years = sorted({year for year, _ in latest}, reverse=True)
    return [
        (
            year,
            sum((a.vru_amount or ZERO for (y, _), a in latest.items() if y == year), ZERO),
            sum((a.svd_amount or ZERO for (y, _), a in latest.items() if y == year), ZERO),
        )
        for year in years
    ]


def agreement_versions(recipient_id: int, financial_year: str) -> list[GrantAgreement]:
    """Every version of a spoke's agreement for the year, newest first."""
    return list(
        db.session.scalars(
            select(GrantAgreement)
            .where(
                GrantAgreement.recipient_id == recipient_id,
                GrantAgreement.financial_year == financial_year,
            )
            .order_by(GrantAgreement.version.desc())
        )
    )


def default_conditions(
    financial_year: str, stream_codes: list[str], schedule: PaymentSchedule
) -> str:
    """The default conditions text from the year's awards of the given grants."""
    awards = awards_of(financial_year)
    terms = [grant_terms(awards[code]) for code in stream_codes if code in awards]
    return build_default_conditions(FinancialYear.parse(financial_year), terms, schedule)


def grant_terms(award: GrantAward) -> GrantTerms:
    return GrantTerms(
        code=award.grant_stream.code,
        name=award.grant_stream.name,
        min_match_percent=award.min_match_percent,
        min_interventions_percent=award.min_interventions_percent,
        evaluation_percent=award.evaluation_percent,
        admin_cap_percent=award.admin_cap_percent,
        variance_threshold_percent=award.variance_threshold_percent,
        variance_threshold_amount=award.variance_threshold_amount,
    )


@dataclass(frozen=True)
class GrantLine:
    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class AgreementDocument:
    """An agreement as its document shows it: plain values for the PDF template."""

    agreement: GrantAgreement
    funder: str  # the OPCC's name
    grants: list[GrantLine]
    total: Decimal
    conditions: list[str]
    payments: list[Payment]

    @property
    def payment_total(self) -> Decimal:
        return sum((p.total for p in self.payments), ZERO)


def agreement_document(agreement: GrantAgreement) -> AgreementDocument:
    names = {
        code: name for code, name in db.session.execute(select(GrantStream.code, GrantStream.name))
    }
    amounts = {
        code: amount
        for code, amount in (("VRU", agreement.vru_amount), ("SVD", agreement.svd_amount))
        if amount is not None
    }
    grants = [GrantLine(code, names.get(code, code), amount) for code, amount in amounts.items()]
    paragraphs = [
        p.strip() for p in agreement.conditions.replace("\r\n", "\n").split("\n\n") if p.strip()
    ]
    opcc = db.session.scalar(
        select(Organisation.name)
        .where(Organisation.kind == OrganisationKind.OPCC)
        .order_by(Organisation.id)
        .limit(1)
    )
    return AgreementDocument(
        agreement=agreement,
        funder=opcc or DEFAULT_FUNDER,
        grants=grants,
        total=sum(amounts.values(), ZERO),
        conditions=paragraphs,
        payments=build_payment_schedule(
            FinancialYear.parse(agreement.financial_year), agreement.payment_schedule, amounts
        ),
    )
