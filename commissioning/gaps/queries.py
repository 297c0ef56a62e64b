"""The gap map for a year, built from the interventions register and each spoke's needs. A spoke
lead sees only their own spoke's row (and the findings about it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from auth.models import User
from commissioning.gaps.mapping import Fact, GapMap, build_gap_map
from commissioning.gaps.models import SpokeNeed
from commissioning.interventions.models import Intervention
from commissioning.interventions.queries import reach_of, visible_spokes
from commissioning.vocabulary import INTERVENTION_TYPE_NAMES, INTERVENTION_TYPES
from core.money import split_largest_remainder
from extensions import db
from reference.models import Organisation, OrganisationKind

EVIDENCE_ORDER = ("high", "moderate", "low", "very low", "unrated")


@dataclass(frozen=True)
class GapReport:
    year: str
    gap_map: GapMap
    spoke_names: Mapping[str, str]
    type_names: Mapping[str, str]


def needs_by_spoke() -> dict[str, set[str]]:
    needs: dict[str, set[str]] = {}
    for need in db.session.scalars(select(SpokeNeed)):
        needs.setdefault(need.spoke.code, set()).add(need.intervention_type)
    return needs


def facts_for(year: str) -> list[Fact]:
    """One fact per intervention per spoke; an intervention in several spokes has its spend
    split between them to the penny and its reach split as whole people."""
    facts = []
    for intervention in db.session.scalars(
        select(Intervention).where(Intervention.financial_year == year)
    ):
        spokes = intervention.spokes
        if not spokes:
            continue
        reach = reach_of(intervention, year)
        people = reach.young_people + reach.reach_parents_carers + reach.reach_professionals
        ones = [Decimal(1)] * len(spokes)
        spends = split_largest_remainder(intervention.annual_cost, ones)
        heads = split_largest_remainder(Decimal(people), ones, Decimal(1))
        evidence = intervention.yef_strand.evidence.lower() if intervention.yef_strand else None
        for spoke, spend, head in zip(spokes, spends, heads, strict=True):
            facts.append(
                Fact(
                    spoke.code,
                    intervention.intervention_type,
                    intervention.cohort or "",
                    intervention.age_band or "",
                    spend,
                    int(head),
                    evidence,
                )
            )
    return facts


def gap_report(user: User, year: str) -> GapReport:
    spokes = visible_spokes(user)
    codes = [s.code for s in spokes]
    gap_map = build_gap_map(
        codes, [code for code, _ in INTERVENTION_TYPES], facts_for(year), needs_by_spoke()
    )
    if user.is_spoke_scoped:
        # Unequal access compares spokes, so a spoke lead is told which of *their* types are
        # offered elsewhere without seeing the other spokes' rows: computed over every spoke.
        everyone = [
            s.code
            for s in db.session.scalars(
                select(Organisation)
                .where(Organisation.kind == OrganisationKind.SPOKE)
                .order_by(Organisation.name)
            )
        ]
        full = build_gap_map(
            everyone, [code for code, _ in INTERVENTION_TYPES], facts_for(year), needs_by_spoke()
        )
        gap_map = GapMap(
            spokes=gap_map.spokes,
            types=gap_map.types,
            cells=gap_map.cells,
            gaps=gap_map.gaps,
            duplicates=gap_map.duplicates,
            unequal_access=[u for u in full.unequal_access if set(codes) & set(u.missing_in)],
            evidence=gap_map.evidence,
        )
    return GapReport(
        year=year,
        gap_map=gap_map,
        spoke_names={s.code: s.name for s in db.session.scalars(select(Organisation))},
        type_names=INTERVENTION_TYPE_NAMES,
    )


def export_rows(report: GapReport) -> dict[str, list[list[object]]]:
    """The gap map as sheets: coverage (one row per cell) and the findings."""
    names, types = report.spoke_names, report.type_names
    m = report.gap_map
    coverage: list[list[object]] = [
        ["Spoke", "Intervention type", "Needed", "Interventions", "Spend", "Reach", "Gap"]
    ]
    for spoke in m.spokes:
        for type_ in m.types:
            cell = m.cell(spoke, type_)
            coverage.append(
                [
                    names.get(spoke, spoke),
                    types.get(type_, type_),
                    "yes" if cell.needed else "no",
                    cell.count,
                    cell.spend,
                    cell.reach,
                    "gap" if cell.is_gap else "",
                ]
            )
    findings: list[list[object]] = [["Finding", "Spoke", "Intervention type", "Detail"]]
    findings += [
        ["Gap", names.get(s, s), types.get(t, t), "needed; nothing commissioned"] for s, t in m.gaps
    ]
    findings += [
        [
            "Duplication",
            names.get(d.spoke, d.spoke),
            types.get(d.type, d.type),
            f"{d.count} interventions for {d.cohort or 'the same cohort'}, "
            f"age band {d.age_band or 'not given'}",
        ]
        for d in m.duplicates
    ]
    findings += [
        [
            "Unequal access",
            ", ".join(names.get(s, s) for s in u.missing_in),
            types.get(u.type, u.type),
            "offered in " + ", ".join(names.get(s, s) for s in u.offered_in),
        ]
        for u in m.unequal_access
    ]
    evidence: list[list[object]] = [["Spoke", *[e.capitalize() for e in EVIDENCE_ORDER]]]
    for spoke in m.spokes:
        counts = m.evidence.get(spoke, {})
        evidence.append([names.get(spoke, spoke), *[counts.get(e, 0) for e in EVIDENCE_ORDER]])
    return {"Coverage": coverage, "Findings": findings, "Evidence strength": evidence}


def report_json(report: GapReport) -> dict[str, object]:
    sheets = export_rows(report)
    return {
        "year": report.year,
        "coverage": [
            dict(
                zip(
                    sheets["Coverage"][0],
                    [str(v) if isinstance(v, Decimal) else v for v in r],
                    strict=True,
                )
            )
            for r in sheets["Coverage"][1:]
        ],
        "gaps": [{"spoke": s, "type": t} for s, t in report.gap_map.gaps],
        "duplicates": [d.__dict__ for d in report.gap_map.duplicates],
        "unequal_access": [
            {"type": u.type, "offered_in": list(u.offered_in), "missing_in": list(u.missing_in)}
            for u in report.gap_map.unequal_access
        ],
        "evidence": {s: dict(c) for s, c in report.gap_map.evidence.items()},
    }


def spoke_needs(spoke: Organisation) -> set[str]:
    return set(
        db.session.scalars(
            select(SpokeNeed.intervention_type).where(SpokeNeed.spoke_id == spoke.id)
        )
    )
