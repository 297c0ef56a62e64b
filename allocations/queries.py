"""Read-only queries for formulas, datasets, runs and allocations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from allocations.models import (
    Allocation,
    AllocationStatus,
    FormulaRun,
    FormulaVersion,
    IndicatorDataset,
    RunStatus,
)
from allocations.names import RecipientNames
from auth.models import User
from auth.scoping import scope_to_user
from extensions import db
from reference.models import GrantStream, Organisation


def list_formula_versions() -> list[FormulaVersion]:
    return list(
        db.session.scalars(
            select(FormulaVersion).order_by(
                FormulaVersion.name, FormulaVersion.created_at.desc(), FormulaVersion.id.desc()
            )
        )
    )


def list_datasets() -> list[IndicatorDataset]:
    return list(
        db.session.scalars(
            select(IndicatorDataset).order_by(
                IndicatorDataset.name, IndicatorDataset.version.desc()
            )
        )
    )


def list_runs(limit: int | None = None) -> list[FormulaRun]:
    statement = select(FormulaRun).order_by(FormulaRun.created_at.desc(), FormulaRun.id.desc())
    if limit:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement))


def approved_runs() -> list[FormulaRun]:
    return list(
        db.session.scalars(
            select(FormulaRun)
            .where(FormulaRun.status.in_([RunStatus.APPROVED, RunStatus.SUPERSEDED]))
            .order_by(FormulaRun.financial_year.desc(), FormulaRun.approved_at.desc())
        )
    )


def runs_by_ids(ids: list[int]) -> list[FormulaRun]:
    found = {r.id: r for r in db.session.scalars(select(FormulaRun).where(FormulaRun.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def allocations_for(
    user: User, *, financial_year: str | None = None, include_superseded: bool = False
) -> list[Allocation]:
    """Allocations the user may see (a spoke lead: their own spoke's only)."""
    statement = select(Allocation).options(
        selectinload(Allocation.recipient),
        selectinload(Allocation.grant_stream),
        selectinload(Allocation.run),
    )
    if financial_year:
        statement = statement.where(Allocation.financial_year == financial_year)
    if not include_superseded:
        statement = statement.where(Allocation.status == AllocationStatus.ACTIVE)
    statement = scope_to_user(statement, Allocation.recipient_id, user)
    statement = statement.join(GrantStream, Allocation.grant_stream_id == GrantStream.id)
    return list(
        db.session.scalars(
            statement.order_by(
                Allocation.financial_year.desc(),
                GrantStream.code,
                Allocation.is_top_slice.desc(),
                Allocation.recipient_id,
                Allocation.created_at.desc(),
            )
        )
    )


def allocation_years(user: User) -> list[str]:
    statement = scope_to_user(
        select(Allocation.financial_year).distinct(), Allocation.recipient_id, user
    )
    return sorted(db.session.scalars(statement), reverse=True)


def variations_since_approval(run: FormulaRun) -> int:
    """How many recorded variations have changed the active allocations of the run's grant and
    year: approving ``run`` would replace them with the run's own amounts."""
    from grants.awards.models import AllocationVariation  # grants builds on allocations

    if run.grant_stream_id is None or run.financial_year is None:
        return 0
    return (
        db.session.scalar(
            select(func.count(AllocationVariation.id)).where(
                AllocationVariation.grant_stream_id == run.grant_stream_id,
                AllocationVariation.financial_year == run.financial_year,
            )
        )
        or 0
    )


def previous_run_choices() -> list[tuple[Any, str]]:
    return [
        (run.id, f"{run.title} ({run.status.value}, {run.financial_year or 'no year'})")
        for run in approved_runs()
    ]


def recipient_names() -> RecipientNames:
    """Every organisation's name by its code, for pages that show stored runs (kept by code)."""
    rows = db.session.execute(select(Organisation.code, Organisation.name))
    return RecipientNames({code: name for code, name in rows})
