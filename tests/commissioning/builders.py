"""Commissioning test data builders: keyword defaults, so each test sets only what matters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from auth.models import User
from auth.roles import Role
from commissioning.providers.diligence import CHECKS
from commissioning.providers.models import DueDiligenceCheck, Provider
from commissioning.rounds.models import (
    Bid,
    BidScore,
    CommissioningRound,
    ConflictDeclaration,
    PanelMember,
    RoundCriterion,
)
from commissioning.vocabulary import Decision, Level
from extensions import db
from reference.models import Organisation, OrganisationKind
from tests.builders import make_grant_stream, make_organisation, make_spoke, make_user

_n = count(1)
TODAY = date.today()


def make_provider(
    name: str | None = None, *, diligence: bool = True, expires_on: date | None = None
) -> Provider:
    """A provider; with ``diligence`` every check recorded and in date."""
    n = next(_n)
    org = make_organisation(
        code=f"provider-{n}",
        name=name or f"Provider {n}",
        kind=OrganisationKind.PROVIDER,
        org_id=f"GB-CHC-11{n:05d}",
    )
    provider = Provider(organisation=org, legal_status="charity", charity_number=f"11{n:05d}")
    if diligence:
        for kind, _ in CHECKS:
            provider.checks.append(
                DueDiligenceCheck(
                    kind=kind,
                    evidence="seen",
                    checked_on=TODAY - timedelta(days=30),
                    expires_on=expires_on if kind == "insurance" else None,
                )
            )
    db.session.add(provider)
    db.session.commit()
    return provider


def make_round(
    *,
    members: list[User] | None = None,
    chair: User | None = None,
    spokes: list[Organisation] | None = None,
    budget: str = "100000.00",
    margin: str = "15",
    opens_on: date | None = None,
    closes_on: date | None = None,
    weights: tuple[tuple[str, str, int], ...] = (
        ("Need", "60", 5),
        ("Value for money", "40", 5),
    ),
    name: str | None = None,
) -> CommissioningRound:
    members = members if members is not None else [make_user(role=Role.PANEL)]
    chair = chair or members[0]
    round_ = CommissioningRound(
        name=name or f"Round {next(_n)}",
        financial_year="2025-26",
        grant_stream=make_grant_stream("VRU"),
        budget=Decimal(budget),
        opens_on=opens_on or TODAY - timedelta(days=10),
        closes_on=closes_on or TODAY + timedelta(days=10),
        disagreement_margin=Decimal(margin),
        recipients=spokes or [make_spoke("bristol")],
        criteria=[
            RoundCriterion(position=i, name=n, weight=Decimal(w), max_score=m)
            for i, (n, w, m) in enumerate(weights, 1)
        ],
        panel=[PanelMember(user=u, is_chair=u is chair) for u in members],
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def make_bid(
    round_: CommissioningRound,
    *,
    provider: Provider | None = None,
    cost: str = "40000.00",
    decision: Decision | None = None,
    **fields: Any,
) -> Bid:
    bid = Bid(
        reference=fields.pop("reference", f"B{next(_n):03d}"),
        provider=provider or make_provider(),
        title=fields.pop("title", "Mentoring for young people at risk"),
        intervention_types=fields.pop("intervention_types", "targeted_mentors"),
        level=fields.pop("level", Level.TARGETED),
        cost=Decimal(cost),
        q1=Decimal(cost),
        submitted_on=TODAY,
        spokes=list(round_.recipients),
        decision=decision,
        decision_reference="CF-1" if decision else None,
        **fields,
    )
    round_.bids.append(bid)
    db.session.commit()
    return bid


def declare(bid: Bid, user: User, *, conflicted: bool = False) -> None:
    bid.declarations.append(
        ConflictDeclaration(
            user=user, conflicted=conflicted, detail="trustee" if conflicted else None
        )
    )
    db.session.commit()


def score(bid: Bid, user: User, *values: int) -> None:
    for criterion, value in zip(bid.round.criteria, values, strict=True):
        bid.scores.append(BidScore(user=user, criterion=criterion, score=value))
    db.session.commit()
