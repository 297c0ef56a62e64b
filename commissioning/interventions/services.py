"""Interventions register use cases: add an intervention, record its reach for a quarter, and
edit a YEF Toolkit strand's ratings (with the date they are as of).

Rules: a spoke lead adds and edits only interventions in their own spoke; reach and outputs are
whole numbers, not negative; a quarter is 1 to 4 of a financial year like 2024-25. Nothing is
written when there is any problem (a ``DomainError`` naming each field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from auth.models import User
from commissioning.interventions.models import (
    REACH_NAMES,
    Intervention,
    InterventionReach,
    YefStrand,
)
from commissioning.providers.models import Provider
from commissioning.rounds.services import read_money
from commissioning.vocabulary import (
    AGE_BAND_NAMES,
    COMMITMENT_NAMES,
    INTERVENTION_TYPE_NAMES,
    InterventionStatus,
    Level,
)
from core.cells import whole_number
from core.problems import DomainError, Problems
from extensions import db
from grants.editing import clean_text, parse_year
from reference.models import Organisation, OrganisationKind


class NotYours(DomainError):
    """A spoke lead reaching another spoke's intervention."""


@dataclass(frozen=True)
class InterventionInput:
    name: str | None
    financial_year: str | None
    intervention_type: str | None
    level: str | None
    spoke_ids: list[int] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)
    provider_id: int | None = None
    yef_strand_id: int | None = None
    cohort: str | None = None
    age_band: str | None = None
    setting: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str | None = "running"
    annual_cost: str | None = None
    output_description: str | None = None
    output_target: str | None = None


def create_intervention(data: InterventionInput, *, user: User | None) -> Intervention:
    intervention = Intervention()
    _apply(intervention, data, user)
    db.session.add(intervention)
    db.session.commit()
    return intervention


def update_intervention(
    intervention_id: int, data: InterventionInput, *, user: User | None
) -> Intervention:
    """Change an intervention; a spoke lead only one in their own spoke, and only to spokes of
    their own."""
    intervention = db.session.get(Intervention, intervention_id)
    if intervention is None:
        raise DomainError("No such intervention")
    spoke_id = (user.spoke_id or -1) if user is not None and user.is_spoke_scoped else None
    if spoke_id is not None and not any(s.id == spoke_id for s in intervention.spokes):
        raise NotYours("Spoke leads edit their own spoke's interventions only")
    _apply(intervention, data, user)
    db.session.commit()
    return intervention


def _apply(intervention: Intervention, data: InterventionInput, user: User | None) -> None:
    """Validate everything, then set every field; nothing is set when there is a problem."""
    problems = Problems()
    name = clean_text(data.name)
    if name is None:
        problems.add("enter the intervention's name", column="name")
    year = parse_year(data.financial_year, problems)
    if data.intervention_type not in INTERVENTION_TYPE_NAMES:
        problems.add("choose one of the 14 intervention types", column="intervention_type")
    if data.level not in {level.value for level in Level}:
        problems.add("choose universal, targeted or specialist", column="level")
    if data.status not in {s.value for s in InterventionStatus}:
        problems.add("choose planned, running or ended", column="status")
    for code in data.commitments:
        if code not in COMMITMENT_NAMES:
            problems.add(f"{code} is not one of the nine commitments", column="commitments")
    if data.age_band and data.age_band not in AGE_BAND_NAMES:
        problems.add("choose an age band", column="age_band")
    spokes = [db.session.get(Organisation, i) for i in data.spoke_ids]
    if not spokes or any(s is None or s.kind is not OrganisationKind.SPOKE for s in spokes):
        problems.add("choose the spokes it runs in", column="spokes")
    elif user is not None and user.is_spoke_scoped and any(s.id != user.spoke_id for s in spokes):
        raise NotYours("Spoke leads add and edit interventions in their own spoke only")
    provider = db.session.get(Provider, data.provider_id) if data.provider_id else None
    strand = db.session.get(YefStrand, data.yef_strand_id) if data.yef_strand_id else None
    cost = read_money(data.annual_cost, "annual_cost", problems, required=False)
    if cost < 0:
        problems.add("the cost cannot be negative", column="annual_cost")
    target = _count(data.output_target, "output_target", problems, required=False)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.add("it must end after it starts", column="ends_on")
    if problems or name is None or year is None:
        raise DomainError("The intervention was not saved", problems)
    intervention.name = name
    intervention.financial_year = year.label
    intervention.intervention_type = data.intervention_type or ""
    intervention.level = Level(data.level)
    intervention.status = InterventionStatus(data.status)
    intervention.commitments = ",".join(data.commitments)
    intervention.spokes = [s for s in spokes if s is not None]
    intervention.provider = provider
    intervention.yef_strand = strand
    intervention.cohort = clean_text(data.cohort)
    intervention.age_band = data.age_band or None
    intervention.setting = clean_text(data.setting)
    intervention.starts_on = data.starts_on
    intervention.ends_on = data.ends_on
    intervention.annual_cost = cost
    intervention.output_description = clean_text(data.output_description)
    intervention.output_target = target


def _count(text: str | None, column: str, problems: Problems, *, required: bool) -> int | None:
    cleaned = (text or "").replace(",", "").strip()
    if not cleaned:
        return 0 if required else None
    number = whole_number(cleaned)
    if number is None:
        problems.add(f"{text} is not a whole number of 0 or more", column=column)
    return number


def record_reach(
    intervention_id: int,
    *,
    financial_year: str,
    quarter: int,
    counts: dict[str, str | None],
    user: User | None,
) -> InterventionReach:
    """Set one quarter's reach (young people by age band, parents and carers, professionals)
    and outputs; a quarter already recorded is replaced."""
    intervention = db.session.get(Intervention, intervention_id)
    if intervention is None:
        raise DomainError("No such intervention")
    spoke_id = (user.spoke_id or -1) if user is not None and user.is_spoke_scoped else None
    if spoke_id is not None and not any(s.id == spoke_id for s in intervention.spokes):
        raise NotYours("Spoke leads record reach for their own spoke's interventions only")
    problems = Problems()
    year = parse_year(financial_year, problems)
    if quarter not in (1, 2, 3, 4):
        problems.add("the quarter is 1, 2, 3 or 4", column="quarter")
    values = {
        name: _count(counts.get(name), name, problems, required=True)
        for name in (*REACH_NAMES, "outputs")
    }
    if problems or year is None:
        raise DomainError("The reach was not saved", problems)
    row = next(
        (r for r in intervention.reach if r.financial_year == year.label and r.quarter == quarter),
        None,
    )
    if row is None:
        row = InterventionReach(financial_year=year.label, quarter=quarter)
        intervention.reach.append(row)
    for name, value in values.items():
        setattr(row, name, value or 0)
    db.session.commit()
    return row


@dataclass(frozen=True)
class StrandInput:
    name: str | None
    impact: str | None
    evidence: str | None
    cost: str | None
    as_of: date | None
    notes: str | None = None


def update_strand(strand_id: int, data: StrandInput, *, user: User | None) -> YefStrand:
    strand = db.session.get(YefStrand, strand_id)
    if strand is None:
        raise DomainError("No such strand")
    problems = Problems()
    for column in ("name", "impact", "evidence", "cost"):
        if clean_text(getattr(data, column)) is None:
            problems.add(f"enter the {column}", column=column)
    if data.as_of is None:
        problems.add("enter the date these ratings are as of", column="as_of")
    if problems or data.as_of is None:
        raise DomainError("The strand was not saved", problems)
    strand.name = clean_text(data.name) or strand.name
    strand.impact = clean_text(data.impact) or strand.impact
    strand.evidence = clean_text(data.evidence) or strand.evidence
    strand.cost = clean_text(data.cost) or strand.cost
    strand.as_of = data.as_of
    strand.notes = clean_text(data.notes)
    db.session.commit()
    return strand
