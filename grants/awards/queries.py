"""Read-only queries for awards, allocations and allocation variations.

What a user may see is narrowed here with ``auth.scoping.scope_to_user``: a spoke lead sees their
own spoke's allocations and variations only. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from allocations.models import Allocation, AllocationStatus
from auth.models import User
from auth.scoping import scope_to_user
from extensions import db
from grants.awards.models import AllocationVariation, GrantAward
from grants.vocabulary import AwardStatus
from reference.models import GrantStream, Organisation, OrganisationKind

ZERO = Decimal("0.00")


# --- awards ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardSummary:
    """An award with what has been allocated of it (all recipients, Hub top slice included)."""

    award: GrantAward
    allocated: Decimal
    has_allocations: bool
    own_allocation: Decimal | None = None  # a spoke lead's own, for their view

    @property
    def difference(self) -> Decimal:
        """Allocated minus the award: negative when money is left unallocated."""
        return self.allocated - self.award.amount

    @property
    def is_mismatch(self) -> bool:
        return self.has_allocations and self.difference != 0

    @property
    def must_match(self) -> bool:
        """Once confirmed, the allocations must equal the award to the penny."""
        return self.award.status is AwardStatus.CONFIRMED


def award_summaries(user: User) -> list[AwardSummary]:
    """Every award, newest year first, then by grant."""
    awards = db.session.scalars(
        select(GrantAward)
        .options(selectinload(GrantAward.grant_stream))
        .join(GrantStream, GrantAward.grant_stream_id == GrantStream.id)
        .order_by(GrantAward.financial_year.desc(), GrantStream.code)
    )
    return [summarise_award(award, user) for award in awards]


def summarise_award(award: GrantAward, user: User) -> AwardSummary:
    amounts = [a.amount for a in active_allocations(award.financial_year, award.grant_stream_id)]
    own = None
    if user.is_spoke_scoped:
        own = sum((a.amount for a in allocations_of_award(award, user)), ZERO)
    return AwardSummary(award, sum(amounts, ZERO), bool(amounts), own)


def active_allocations(financial_year: str, grant_stream_id: int) -> list[Allocation]:
    return list(
        db.session.scalars(
            select(Allocation)
            .options(selectinload(Allocation.recipient))
            .where(
                Allocation.financial_year == financial_year,
                Allocation.grant_stream_id == grant_stream_id,
                Allocation.status == AllocationStatus.ACTIVE,
            )
            .order_by(Allocation.is_top_slice.desc(), Allocation.id)
        )
    )


def allocations_of_award(award: GrantAward, user: User) -> list[Allocation]:
    """The award's active allocations the user may see, Hub top slice first."""
    statement = (
        select(Allocation)
        .options(selectinload(Allocation.recipient), selectinload(Allocation.run))
        .where(
            Allocation.financial_year == award.financial_year,
            Allocation.grant_stream_id == award.grant_stream_id,
            Allocation.status == AllocationStatus.ACTIVE,
        )
    )
    statement = scope_to_user(statement, Allocation.recipient_id, user)
    return sorted(
        db.session.scalars(statement), key=lambda a: (not a.is_top_slice, a.recipient.name)
    )


def awards_of(financial_year: str) -> dict[str, GrantAward]:
    """The year's awards by grant stream code."""
    return {
        award.grant_stream.code: award
        for award in db.session.scalars(
            select(GrantAward)
            .options(selectinload(GrantAward.grant_stream))
            .where(GrantAward.financial_year == financial_year)
        )
    }


# --- allocations and variations -------------------------------------------------------------------


def current_amounts(recipient_id: int, financial_year: str) -> dict[str, Decimal]:
    """A recipient's current (active) allocation per grant stream code for the year."""
    amounts: dict[str, Decimal] = {}
    for allocation in db.session.scalars(
        select(Allocation)
        .options(selectinload(Allocation.grant_stream))
        .where(
            Allocation.recipient_id == recipient_id,
            Allocation.financial_year == financial_year,
            Allocation.status == AllocationStatus.ACTIVE,
        )
    ):
        code = allocation.grant_stream.code
        amounts[code] = amounts.get(code, ZERO) + allocation.amount
    return amounts


def variations_for(
    user: User, *, financial_year: str | None = None, grant_stream_id: int | None = None
) -> list[AllocationVariation]:
    """Recorded variations, newest first; a spoke lead sees those touching their spoke."""
    source, target = aliased(Allocation), aliased(Allocation)
    statement = (
        select(AllocationVariation)
        .options(
            selectinload(AllocationVariation.grant_stream),
            selectinload(AllocationVariation.created_by),
            selectinload(AllocationVariation.from_allocation).selectinload(Allocation.recipient),
            selectinload(AllocationVariation.to_allocation).selectinload(Allocation.recipient),
        )
        .outerjoin(source, AllocationVariation.from_allocation_id == source.id)
        .outerjoin(target, AllocationVariation.to_allocation_id == target.id)
        .order_by(AllocationVariation.created_at.desc(), AllocationVariation.id.desc())
    )
    if financial_year:
        statement = statement.where(AllocationVariation.financial_year == financial_year)
    if grant_stream_id:
        statement = statement.where(AllocationVariation.grant_stream_id == grant_stream_id)
    if user.is_spoke_scoped:
        statement = statement.where(
            or_(
                source.recipient_id == (user.spoke_id or 0),
                target.recipient_id == (user.spoke_id or 0),
            )
        )
    return list(db.session.scalars(statement))


def allocation_years() -> list[str]:
    """Years with active allocations or awards, newest first (the variation form's choices)."""
    years = set(
        db.session.scalars(
            select(Allocation.financial_year)
            .distinct()
            .where(Allocation.status == AllocationStatus.ACTIVE)
        )
    )
    years |= set(db.session.scalars(select(GrantAward.financial_year).distinct()))
    return sorted(years, reverse=True)


def recipients(*, spokes_only: bool = False) -> list[Organisation]:
    """The Hub (unless ``spokes_only``) and the spokes, Hub first then by name."""
    kinds = (
        [OrganisationKind.SPOKE] if spokes_only else [OrganisationKind.HUB, OrganisationKind.SPOKE]
    )
    return sorted(
        db.session.scalars(
            select(Organisation).where(Organisation.kind.in_(kinds), Organisation.active.is_(True))
        ),
        key=lambda o: (o.kind is not OrganisationKind.HUB, o.name),
    )
