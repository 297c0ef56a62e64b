"""Load the commissioning demo: YEF strands, providers with their due diligence, the 2023-24
interventions register from the annual report's spoke sections, each spoke's needs from the
needs assessment, and a 2025-26 round with bids, a declared conflict, scores, a disagreement
flag, moderation and decisions. Safe to run twice: everything is matched on its name first.

The report gives each intervention's reach for the year, with young people under 25 not broken
down by age: the demo records the year's figures in Q4 and the young people in the band the
intervention's age band starts in.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources

from sqlalchemy import select

from auth.models import User
from auth.roles import Role
from commissioning.gaps.models import SpokeNeed
from commissioning.interventions.models import Intervention, InterventionReach, YefStrand
from commissioning.providers.diligence import CHECKS
from commissioning.providers.models import DueDiligenceCheck, Provider
from commissioning.rounds.forms import DEFAULT_CRITERIA
from commissioning.rounds.models import (
    Bid,
    BidScore,
    CommissioningRound,
    ConflictDeclaration,
    PanelMember,
    RoundCriterion,
)
from commissioning.vocabulary import Decision, InterventionStatus, Level
from database import utcnow
from demo import commissioning_data as data
from demo.data import DEMO_PASSWORD
from extensions import db
from reference.models import GrantStream, Organisation, OrganisationKind

YEAR = "2023-24"
BAND_FOR = {
    "under_10": "reach_under_10",
    "10_14": "reach_10_14",
    "10_17": "reach_10_14",
    "10_24": "reach_10_14",
    "15_17": "reach_15_17",
    "18_24": "reach_18_24",
    "all": "reach_10_14",
}


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("demo").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_commissioning(report_sign_ins: list[tuple[str, str, str]]) -> list[str]:
    created: list[str] = []
    spokes = {
        o.code: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.kind == OrganisationKind.SPOKE)
        )
    }
    strands = _load_strands(created)
    providers = _load_providers(created)
    _load_needs(spokes, created)
    _load_interventions(spokes, strands, providers, created)
    panel = _load_panel(report_sign_ins, created)
    _load_round(spokes, strands, providers, panel, created)
    db.session.commit()
    return created


def _load_strands(created: list[str]) -> dict[str, YefStrand]:
    strands = {s.code: s for s in db.session.scalars(select(YefStrand))}
    for row in _csv("yef-strands.csv"):
        if row["code"] not in strands:
            strand = YefStrand(
                code=row["code"],
                name=row["name"],
                impact=row["impact"],
                evidence=row["evidence"],
                cost=row["cost"],
                notes=row["notes"] or None,
                as_of=date(*data.STRANDS_AS_OF),
            )
            db.session.add(strand)
            strands[strand.code] = strand
            created.append(f"YEF strand {strand.code}")
    return strands


def _load_providers(created: list[str]) -> dict[str, Provider]:
    today = date.today()
    existing = {p.name: p for p in db.session.scalars(select(Provider))}
    for name, status, complete, insurance_days in data.PROVIDERS:
        if name in existing:
            continue
        code = "provider-" + name.lower().replace(" ", "-")
        provider = Provider(
            organisation=Organisation(code=code, name=name, kind=OrganisationKind.PROVIDER),
            legal_status=status,
        )
        for kind, _ in CHECKS if complete else CHECKS[:2]:
            provider.checks.append(
                DueDiligenceCheck(
                    kind=kind,
                    evidence="Seen by the Hub (demo)",
                    checked_on=today - timedelta(days=90),
                    expires_on=(
                        today + timedelta(days=insurance_days)
                        if kind == "insurance" and insurance_days is not None
                        else None
                    ),
                )
            )
        db.session.add(provider)
        existing[name] = provider
        created.append(f"provider {name}")
    return existing


def _load_needs(spokes: dict[str, Organisation], created: list[str]) -> None:
    if db.session.scalar(select(SpokeNeed.id).limit(1)) is not None:
        return
    for code, types in data.NEEDS.items():
        for type_ in types:
            db.session.add(
                SpokeNeed(spoke=spokes[code], intervention_type=type_, source=data.NEEDS_SOURCE)
            )
    created.append("spoke needs from the 2021 needs assessment")


def _load_interventions(
    spokes: dict[str, Organisation],
    strands: dict[str, YefStrand],
    providers: dict[str, Provider],
    created: list[str],
) -> None:
    if db.session.scalar(
        select(Intervention.id).where(Intervention.financial_year == YEAR).limit(1)
    ):
        return
    for row in _csv("interventions-2023-24.csv"):
        reach = InterventionReach(financial_year=YEAR, quarter=4, outputs=int(row["outputs"]))
        setattr(reach, BAND_FOR[row["age_band"]], int(row["young_people"]))
        reach.reach_parents_carers = int(row["parents_carers"])
        reach.reach_professionals = int(row["professionals"])
        db.session.add(
            Intervention(
                name=row["name"],
                financial_year=YEAR,
                intervention_type=row["type"],
                level=Level(row["level"]),
                cohort=row["cohort"],
                age_band=row["age_band"],
                yef_strand=strands.get(row["yef_strand"]),
                provider=providers.get(row["provider"]),
                commitments="interventions",
                spokes=[spokes[row["spoke"]]],
                starts_on=date(2023, 4, 1),
                ends_on=date(2024, 3, 31),
                status=InterventionStatus.ENDED,
                annual_cost=Decimal("0.00"),
                reach=[reach],
            )
        )
    created.append(f"interventions {YEAR} from the annual report")


def _load_panel(sign_ins: list[tuple[str, str, str]], created: list[str]) -> list[User]:
    members = []
    for email, name, _ in data.PANEL:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=Role.PANEL)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            created.append(f"user {email}")
        if all(email != s[0] for s in sign_ins):
            sign_ins.append((email, DEMO_PASSWORD, Role.PANEL.label))
        members.append(user)
    return members


def _load_round(
    spokes: dict[str, Organisation],
    strands: dict[str, YefStrand],
    providers: dict[str, Provider],
    panel: list[User],
    created: list[str],
) -> None:
    if db.session.scalar(
        select(CommissioningRound.id).where(CommissioningRound.name == data.ROUND_NAME)
    ):
        return
    opens, closes = (date(*d) for d in data.ROUND_DATES)
    round_ = CommissioningRound(
        name=data.ROUND_NAME,
        financial_year="2025-26",
        grant_stream=db.session.scalar(select(GrantStream).where(GrantStream.code == "VRU")),
        budget=Decimal(data.ROUND_BUDGET),
        opens_on=opens,
        closes_on=closes,
        eligibility="Is the provider a registered charity, CIO, CIC or company?\n"
        "Does the intervention serve young people under 25 in Bristol or South Gloucestershire?",
        disagreement_margin=Decimal("15"),
        recipients=[spokes[c] for c in data.ROUND_SPOKES],
        criteria=[
            RoundCriterion(position=i, name=n, weight=Decimal(w), max_score=int(m))
            for i, (n, w, m) in enumerate(DEFAULT_CRITERIA, start=1)
        ],
        panel=[
            PanelMember(user=u, is_chair=chair)
            for u, (_, _, chair) in zip(panel, data.PANEL, strict=True)
        ],
    )
    db.session.add(round_)
    db.session.flush()
    chair = panel[0]
    decided_at = datetime(2025, 3, 5, 14, 0, tzinfo=utcnow().tzinfo)
    for n, bid_row in enumerate(data.BIDS):
        (reference, provider, title, type_, level, cohort, band, strand, bid_spokes, cost,
         participants, scores, moderation, decision) = bid_row  # fmt: skip
        amount = Decimal(cost)
        quarter = (amount / 4).quantize(Decimal("0.01"))
        bid = Bid(
            reference=reference,
            provider=providers[provider],
            title=title,
            intervention_types=type_,
            level=Level(level),
            cohort=cohort,
            age_band=band,
            yef_strand=strands.get(strand),
            participants=participants,
            cost=amount,
            q1=quarter,
            q2=quarter,
            q3=quarter,
            q4=amount - 3 * quarter,
            match_funding=Decimal("0.00"),
            submitted_on=opens + timedelta(days=7 + n),
            spokes=[spokes[c] for c in bid_spokes],
        )
        round_.bids.append(bid)
        for member, member_scores in zip(panel, scores, strict=True):
            conflicted = member_scores is None
            bid.declarations.append(
                ConflictDeclaration(
                    user=member,
                    conflicted=conflicted,
                    detail="A trustee of the provider" if conflicted else None,
                )
            )
            for criterion, value in zip(round_.criteria, member_scores or (), strict=False):
                bid.scores.append(BidScore(user=member, criterion=criterion, score=value))
        if moderation:
            bid.moderated_score = Decimal(moderation[0])
            bid.moderation_reason = moderation[1]
            bid.moderated_by = chair
            bid.moderated_at = decided_at
        if decision:
            bid.decision = Decision(decision[0])
            bid.decision_reference = decision[1]
            bid.conditions = decision[2] or None
            bid.minutes = f"Panel meeting 5 March 2025: {Decision(decision[0]).label.lower()}."
            bid.decided_by = chair
            bid.decided_at = decided_at
    created.append(f"commissioning round {data.ROUND_NAME}")
