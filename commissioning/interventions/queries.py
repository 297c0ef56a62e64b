"""Read-only questions about the interventions register, narrowed to what the user may see: a
spoke lead sees the interventions in their own spoke. The year's reach totals come from here,
each figure traceable to the interventions (and quarters) that make it up."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from auth.models import User
from commissioning.interventions.models import (
    REACH_NAMES,
    Intervention,
    YefStrand,
    intervention_spokes,
)
from commissioning.vocabulary import AGE_BAND_NAMES, COMMITMENT_NAMES, type_name
from extensions import db
from reference.models import Organisation, OrganisationKind

# What the annual report's summary says, to show beside what its spoke sections add up to.
REPORTED: dict[str, dict[str, tuple[int, ...]]] = {
    "2023-24": {
        "interventions": (56,),
        "young_people": (18698,),
        "reach_parents_carers": (2031,),
        "reach_professionals": (1578, 1689),
    }
}


@dataclass(frozen=True)
class Filters:
    year: str
    spoke: str | None = None  # a spoke's code
    type: str | None = None
    level: str | None = None
    commitment: str | None = None


def visible_spokes(user: User) -> list[Organisation]:
    statement = select(Organisation).where(Organisation.kind == OrganisationKind.SPOKE)
    if user.is_spoke_scoped:
        statement = statement.where(Organisation.id == (user.spoke_id or -1))
    return list(db.session.scalars(statement.order_by(Organisation.name)))


def can_see(user: User, intervention: Intervention) -> bool:
    if not user.is_spoke_scoped:
        return True
    return any(s.id == user.spoke_id for s in intervention.spokes)


def can_edit(user: User, intervention: Intervention | None = None) -> bool:
    """Hub staff edit every intervention; spoke leads those in their own spoke."""
    if not user.is_spoke_scoped:
        return True
    return intervention is None or can_see(user, intervention)


def interventions(user: User, filters: Filters) -> list[Intervention]:
    statement = select(Intervention).where(Intervention.financial_year == filters.year)
    if user.is_spoke_scoped:
        statement = statement.where(
            Intervention.id.in_(
                select(intervention_spokes.c.intervention_id).where(
                    intervention_spokes.c.organisation_id == (user.spoke_id or -1)
                )
            )
        )
    if filters.spoke:
        statement = statement.where(
            Intervention.id.in_(
                select(intervention_spokes.c.intervention_id)
                .join(Organisation, Organisation.id == intervention_spokes.c.organisation_id)
                .where(Organisation.code == filters.spoke)
            )
        )
    if filters.type:
        statement = statement.where(Intervention.intervention_type == filters.type)
    if filters.level:
        statement = statement.where(Intervention.level == filters.level)
    rows = list(db.session.scalars(statement.order_by(Intervention.name)))
    if filters.commitment:
        rows = [i for i in rows if filters.commitment in i.commitment_codes]
    return rows


def years() -> list[str]:
    found = db.session.scalars(select(Intervention.financial_year).distinct()).all()
    return sorted(found, reverse=True)


@dataclass
class Reach:
    reach_under_10: int = 0
    reach_10_14: int = 0
    reach_15_17: int = 0
    reach_18_24: int = 0
    reach_parents_carers: int = 0
    reach_professionals: int = 0
    outputs: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def young_people(self) -> int:
        return self.reach_under_10 + self.reach_10_14 + self.reach_15_17 + self.reach_18_24

    def add(self, other: Reach) -> None:
        for name in (*REACH_NAMES, "outputs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def reach_of(intervention: Intervention, year: str) -> Reach:
    total = Reach()
    for row in intervention.reach:
        if row.financial_year != year:
            continue
        for name in REACH_NAMES:
            setattr(total, name, getattr(total, name) + row.band(name))
        total.outputs += row.outputs
        total.sources.append(f"{intervention.name} Q{row.quarter}")
    return total


def reach_totals(rows: list[Intervention], year: str) -> Reach:
    total = Reach()
    for intervention in rows:
        total.add(reach_of(intervention, year))
    return total


@dataclass(frozen=True)
class Difference:
    label: str
    reported: tuple[int, ...]
    recorded: int


def differences(year: str, rows: list[Intervention], total: Reach) -> list[Difference]:
    """Where the annual report's summary disagrees with what its spoke sections add up to."""
    reported = REPORTED.get(year)
    if not reported:
        return []
    recorded = {
        "interventions": len(rows),
        "young_people": total.young_people,
        "reach_parents_carers": total.reach_parents_carers,
        "reach_professionals": total.reach_professionals,
    }
    labels = {
        "interventions": "Interventions",
        "young_people": "Young people",
        "reach_parents_carers": "Parents and carers",
        "reach_professionals": "Professionals",
    }
    return [
        Difference(labels[key], figures, recorded[key])
        for key, figures in reported.items()
        if any(figure != recorded[key] for figure in figures)
    ]


def export_rows(rows: list[Intervention], year: str) -> list[list[object]]:
    header: list[object] = [
        "Intervention",
        "Spokes",
        "Type",
        "YEF strand",
        "Level",
        "Strategic commitments",
        "Provider",
        "Cohort",
        "Age band",
        "Status",
        "Starts",
        "Ends",
        "Annual cost",
        "Children under 10",
        "Young people 10 to 14",
        "Young people 15 to 17",
        "Young people 18 to 24",
        "Parents and carers",
        "Professionals",
        "Outputs",
        "Output target",
    ]
    out: list[list[object]] = [header]
    for i in rows:
        reach = reach_of(i, year)
        out.append(
            [
                i.name,
                ", ".join(s.name for s in i.spokes),
                type_name(i.intervention_type),
                i.yef_strand.name if i.yef_strand else None,
                i.level.label,
                ", ".join(COMMITMENT_NAMES.get(c, c) for c in i.commitment_codes),
                i.provider.name if i.provider else None,
                i.cohort,
                AGE_BAND_NAMES.get(i.age_band or "") if i.age_band else None,
                i.status.label,
                i.starts_on,
                i.ends_on,
                i.annual_cost,
                *(getattr(reach, name) for name in REACH_NAMES),
                reach.outputs,
                i.output_target,
            ]
        )
    return out


def strands() -> list[YefStrand]:
    return list(db.session.scalars(select(YefStrand).order_by(YefStrand.name)))
