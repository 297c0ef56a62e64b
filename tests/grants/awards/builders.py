"""Builders for the award, variation and agreement tests: keyword defaults, so each test sets only
what matters.

The default year is 2024-25 with the 2023-24 grants' figures: VRU £1,528,667.00 and SVD
£157,181.26, allocated to the Hub (top slice) and the five spokes so that each adds up to its award
to the penny. Allocations are made through the models (a formula run's approval is tested
elsewhere); awards, variations and agreements through their services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from allocations.models import (
    Allocation,
    AllocationStatus,
    FormulaRun,
    FormulaVersion,
    IndicatorDataset,
    RunStatus,
)
from audit.models import AuditEvent
from auth.models import User
from auth.roles import Role
from extensions import db
from grants.agreements import services as agreement_services
from grants.agreements.models import GrantAgreement
from grants.awards.models import AllocationVariation, GrantAward
from grants.awards.services import AwardFields, confirm_award, create_award
from grants.vocabulary import AgreementStatus
from tests.builders import make_grant_stream, make_hub, make_spokes, make_user

YEAR = "2024-25"
AWARDS = {"VRU": "1528667.00", "SVD": "157181.26"}
STREAM_NAMES = {"VRU": "Violence Reduction Unit grant", "SVD": "Serious Violence Duty grant"}
ALLOCATIONS = {
    "VRU": {
        "hub": "305733.40",
        "banes": "150000.00",
        "bristol": "400000.00",
        "north-somerset": "180000.00",
        "somerset": "320000.00",
        "south-glos": "172933.60",
    },
    "SVD": {
        "hub": "31436.25",
        "banes": "20000.00",
        "bristol": "40883.00",
        "north-somerset": "20000.00",
        "somerset": "25000.00",
        "south-glos": "19862.01",
    },
}


def make_stream(code: str = "VRU"):  # type: ignore[no-untyped-def]
    return make_grant_stream(code, STREAM_NAMES.get(code))


def _approved_run(stream: str, year: str) -> FormulaRun:
    """The approved run allocations point at (what it contains does not matter here)."""
    grant = make_stream(stream)
    run = db.session.scalar(
        select(FormulaRun).where(
            FormulaRun.grant_stream_id == grant.id, FormulaRun.financial_year == year
        )
    )
    if run is not None:
        return run
    name = f"Award tests {stream} {year}"
    run = FormulaRun(
        label=name,
        formula_version=FormulaVersion(name=name, version="1", source_toml=""),
        dataset=IndicatorDataset(name=name, version=1),
        pot=Decimal("0.00"),
        total=Decimal("0.00"),
        result={},
        status=RunStatus.APPROVED,
        grant_stream=grant,
        financial_year=year,
        decision_reference="PCC-DN-2024-001",
    )
    db.session.add(run)
    db.session.commit()
    return run


def make_allocations(
    *, stream: str = "VRU", year: str = YEAR, amounts: dict[str, str] | None = None
) -> dict[str, Allocation]:
    """Active allocations by recipient code (``hub`` is the top slice)."""
    recipients = {**make_spokes(), "hub": make_hub()}
    run = _approved_run(stream, year)
    made = {}
    for code, amount in (amounts or ALLOCATIONS[stream]).items():
        made[code] = Allocation(
            financial_year=year,
            grant_stream_id=run.grant_stream_id,
            recipient=recipients[code],
            amount=Decimal(amount),
            run=run,
            is_top_slice=code == "hub",
            status=AllocationStatus.ACTIVE,
        )
        db.session.add(made[code])
    db.session.commit()
    return made


def make_award(
    *,
    stream: str = "VRU",
    year: str = YEAR,
    indicative: str | None = None,
    confirmed: str | None = None,
    closed: bool = False,
    user: User | None = None,
    **fields: Any,
) -> GrantAward:
    """An award through the service; ``confirmed`` confirms it at that amount."""
    make_stream(stream)
    award = create_award(
        financial_year=year,
        stream_code=stream,
        user=user,
        fields=AwardFields(indicative_amount=indicative or AWARDS[stream], **fields),
    )
    if confirmed is not None:
        award = confirm_award(
            award.id, confirmed_amount=confirmed, confirmed_date=None, lock_version=None, user=user
        )
    if closed:
        award.closed_at = datetime(2025, 5, 31, tzinfo=UTC)
        db.session.commit()
    return award


def make_year(
    *,
    year: str = YEAR,
    streams: tuple[str, ...] = ("VRU", "SVD"),
    confirmed: bool = True,
    **award_fields: Any,
) -> dict[str, GrantAward]:
    """Awards for the year (confirmed at the default figures) and allocations matching them."""
    awards = {}
    for stream in streams:
        awards[stream] = make_award(
            stream=stream,
            year=year,
            confirmed=AWARDS[stream] if confirmed else None,
            **award_fields,
        )
        make_allocations(stream=stream, year=year)
    return awards


def make_agreement(
    *,
    spoke: str = "bristol",
    year: str = YEAR,
    status: AgreementStatus = AgreementStatus.DRAFT,
    user: User | None = None,
    **fields: Any,
) -> GrantAgreement:
    """An agreement through the services, taken as far as ``status`` (the year must exist)."""
    user = user or make_user(role=Role.FINANCE)
    agreement = agreement_services.create_agreement(
        financial_year=year,
        recipient_code=spoke,
        user=user,
        fields=agreement_services.AgreementFields(**fields),
    )
    if status in (AgreementStatus.ISSUED, AgreementStatus.SIGNED):
        agreement_services.issue_agreement(
            agreement.id,
            issued_on=None,
            opcc_signatory="Pat Commissioner",
            lock_version=None,
            user=user,
        )
    if status is AgreementStatus.SIGNED:
        agreement_services.sign_agreement(
            agreement.id,
            signed_on=None,
            recipient_signatory="Sam Section151",
            lock_version=None,
            user=user,
        )
    return agreement


def allocation_amounts(stream: str = "VRU", year: str = YEAR) -> dict[str, Decimal]:
    """The current (active) allocations by recipient code, read fresh from the database."""
    db.session.expire_all()
    return {
        a.recipient.code: a.amount
        for a in db.session.scalars(
            select(Allocation).where(
                Allocation.financial_year == year,
                Allocation.status == AllocationStatus.ACTIVE,
                Allocation.grant_stream_id == make_stream(stream).id,
            )
        )
    }


STORED = (GrantAward, AllocationVariation, GrantAgreement, Allocation, AuditEvent)


def stored_counts() -> dict[str, int]:
    """How many awards, variations, agreements, allocations and audit events are stored."""
    db.session.expire_all()
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in STORED
    }


def award_form(**overrides: Any) -> dict[str, Any]:
    """What the award form posts, as finance would fill it in for a 2024-25 VRU award."""
    data = {
        "financial_year": YEAR,
        "grant_stream": "VRU",
        "status": "indicative",
        "indicative_amount": "1,528,667.00",
        "confirmed_amount": "",
        "award_reference": "HO-VRU-2024-25",
        "offer_date": ["1", "3", "2024"],
        "confirmed_date": ["", "", ""],
        "min_match_percent": "20",
        "min_interventions_percent": "60",
        "evaluation_percent": "5",
        "admin_cap_percent": "10",
        "variance_threshold_percent": "10",
        "variance_threshold_amount": "5000.00",
        "svd_labour_amount": "",
        "svd_non_labour_amount": "",
        "notes": "",
        "submit": "Save the award",
    }
    data.update(overrides)
    return data
