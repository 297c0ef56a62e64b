"""Read-only questions about rounds and bids, narrowed to what the user may see.

Who sees what, decided here once: Hub, finance and auditors see every round; a panel member sees
only the rounds they sit on. A panel member on a round must declare (a conflict, or none) on each
bid before opening it, and a member who declared a conflict may not open it, score it, download
its attachments or letter, or see anyone's scores for it (``bid_access``). Views answer 404 for a
round or bid the user may not know about and 403 for a conflicted bid.

Scoring is independent (``can_see_all_scores``): a panel member, the chair included, sees only
their own scores and comments on a bid until they have scored every criterion of it; everyone
on the panel sees them all once the bid is moderated or decided; the chair acting on the bid
also sees them once every other member who may score it has scored, so a chair who does not
score can moderate. The Hub, finance and auditors do not score, and see every score (a Hub
officer on the panel is a member like any other). The ranking shows a bid's mean and spread only
to those who may see its scores.

Who chairs a bid (``acting_chair``): the round's chair, unless the chair declared a conflict on
it; then the first member in the panel's order who has not declared a conflict chairs that bid
only (moderates and decides it), and the bid's page says so.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from auth.models import User
from auth.roles import Role
from commissioning.interventions.models import YefStrand
from commissioning.providers.diligence import Blocker
from commissioning.providers.queries import blockers_for, providers
from commissioning.rounds.models import (
    Bid,
    CommissioningRound,
    ConflictDeclaration,
    Contract,
    PanelMember,
)
from commissioning.rounds.scoring import (
    BidScoring,
    Criterion,
    RankedBid,
    RankInput,
    rank_bids,
    score_bid,
)
from commissioning.vocabulary import Decision
from core.cells import whole_number
from extensions import db
from grants.plans.queries import latest_plan_for
from reference.models import GrantStream, Organisation, OrganisationKind


class BidAccess(enum.Enum):
    NONE = "none"  # not theirs to know about: 404
    MUST_DECLARE = "must_declare"  # a panel member who has not declared yet
    CONFLICTED = "conflicted"  # declared a conflict: 403 on everything about the bid
    FULL = "full"


def membership(round_: CommissioningRound, user: User) -> PanelMember | None:
    return next((m for m in round_.panel if m.user_id == user.id), None)


def is_chair(round_: CommissioningRound, user: User) -> bool:
    member = membership(round_, user)
    return member is not None and member.is_chair


def acting_chair(bid: Bid) -> User | None:
    """Who chairs this bid: the round's chair, unless the chair declared a conflict on it; then
    the first member in the panel's order (as listed on the round) who has not declared one.
    Nobody when every member is conflicted (the Hub must change the panel)."""
    conflicted = {d.user_id for d in bid.declarations if d.conflicted}
    chair = bid.round.chair
    if chair is not None and chair.id not in conflicted:
        return chair
    return next((m.user for m in bid.round.panel if m.user_id not in conflicted), None)


def is_acting_chair(bid: Bid, user: User) -> bool:
    chair = acting_chair(bid)
    return chair is not None and chair.id == user.id


def has_scored(bid: Bid, user_id: int) -> bool:
    """Whether the member has scored every criterion of the bid."""
    scored = {s.criterion_id for s in bid.scores if s.user_id == user_id}
    return {c.id for c in bid.round.criteria} <= scored


def scoring_is_done(bid: Bid) -> bool:
    """Every member who may score the bid (not conflicted), the acting chair aside, has scored
    every criterion."""
    conflicted = {d.user_id for d in bid.declarations if d.conflicted}
    chair = acting_chair(bid)
    others = [
        m.user_id
        for m in bid.round.panel
        if m.user_id not in conflicted and (chair is None or m.user_id != chair.id)
    ]
    return all(has_scored(bid, user_id) for user_id in others)


def can_see_all_scores(user: User, bid: Bid) -> bool:
    """Whether ``user`` may see every member's scores and comments on ``bid`` (see the module's
    docstring): scoring is independent, so a member sees only their own until they have scored."""
    access = bid_access(user, bid)
    if access is not BidAccess.FULL:
        return False
    if membership(bid.round, user) is None:
        return True  # the Hub, finance and auditors, who do not score
    if bid.moderated_score is not None or bid.decision is not None or has_scored(bid, user.id):
        return True
    return is_acting_chair(bid, user) and scoring_is_done(bid)


def can_see_round(user: User, round_: CommissioningRound) -> bool:
    if user.role in (Role.HUB, Role.FINANCE, Role.AUDITOR):
        return True
    return user.role is Role.PANEL and membership(round_, user) is not None


def visible_rounds(user: User) -> list[CommissioningRound]:
    rounds = db.session.scalars(
        select(CommissioningRound).order_by(
            CommissioningRound.financial_year.desc(), CommissioningRound.name
        )
    ).all()
    return [r for r in rounds if can_see_round(user, r)]


def declaration_of(bid: Bid, user: User) -> ConflictDeclaration | None:
    return next((d for d in bid.declarations if d.user_id == user.id), None)


def bid_access(user: User, bid: Bid) -> BidAccess:
    if not can_see_round(user, bid.round):
        return BidAccess.NONE
    if membership(bid.round, user) is None:
        return BidAccess.FULL
    declaration = declaration_of(bid, user)
    if declaration is None:
        return BidAccess.MUST_DECLARE
    return BidAccess.CONFLICTED if declaration.conflicted else BidAccess.FULL


def criteria_of(round_: CommissioningRound) -> list[Criterion]:
    return [Criterion(str(c.id), c.name, c.weight, c.max_score) for c in round_.criteria]


def member_scores(bid: Bid) -> dict[str, dict[str, int]]:
    """Each member's scores by criterion, keyed by the member's name."""
    scores: dict[str, dict[str, int]] = {}
    for score in bid.scores:
        scores.setdefault(score.user.name, {})[str(score.criterion_id)] = score.score
    return scores


def scoring_of(bid: Bid) -> BidScoring:
    return score_bid(
        criteria_of(bid.round),
        member_scores(bid),
        margin=bid.round.disagreement_margin,
        moderated=bid.moderated_score,
    )


@dataclass(frozen=True)
class ScoresShown:
    """The scoring of a bid as one user may see it: everyone's, or (``sealed``) their own only,
    with how many of the members who may score it have done so."""

    scoring: BidScoring
    sealed: bool
    scored: int
    scorers: int


def scores_for(bid: Bid, user: User) -> ScoresShown:
    conflicted = {d.user_id for d in bid.declarations if d.conflicted}
    scorers = [m.user_id for m in bid.round.panel if m.user_id not in conflicted]
    scored = sum(1 for user_id in scorers if has_scored(bid, user_id))
    if can_see_all_scores(user, bid):
        return ScoresShown(scoring_of(bid), False, scored, len(scorers))
    own = {k: v for k, v in member_scores(bid).items() if k == user.name}
    scoring = score_bid(criteria_of(bid.round), own, margin=bid.round.disagreement_margin)
    return ScoresShown(scoring, True, scored, len(scorers))


@dataclass(frozen=True)
class RankedRow:
    bid: Bid
    ranked: RankedBid
    scoring: BidScoring | None  # None: the user may not see this bid's scores
    access: BidAccess


def ranking(round_: CommissioningRound, user: User) -> list[RankedRow]:
    """The round's bids ranked on their agreed scores against the budget. The ranking itself
    uses every bid's score (it is the panel's); the scores shown are only those the user may see."""
    scorings = {bid.id: scoring_of(bid) for bid in round_.bids}
    by_reference = {bid.reference: bid for bid in round_.bids}
    ranked = rank_bids(
        [
            RankInput(
                b.reference,
                scorings[b.id].agreed,
                b.cost,
                approved=b.decision is not None and b.decision.is_approval,
                rejected=b.decision is Decision.REJECT,
            )
            for b in round_.bids
        ],
        round_.budget,
    )
    rows = []
    for item in ranked:
        bid = by_reference[item.reference]
        access = bid_access(user, bid)
        rows.append(
            RankedRow(
                bid, item, scorings[bid.id] if can_see_all_scores(user, bid) else None, access
            )
        )
    return rows


def approved_total(round_: CommissioningRound, *, excluding: Bid | None = None) -> Decimal:
    return sum(
        (
            b.cost
            for b in round_.bids
            if b.decision is not None and b.decision.is_approval and b is not excluding
        ),
        Decimal("0.00"),
    )


def conflicted_members(bid: Bid) -> list[User]:
    return [d.user for d in bid.declarations if d.conflicted]


def contract_for(bid: Bid) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.bid_id == bid.id))


def round_by_name(name_or_id: str) -> CommissioningRound | None:
    if (round_id := whole_number(name_or_id)) is not None:
        return db.session.get(CommissioningRound, round_id)
    return db.session.scalar(
        select(CommissioningRound).where(CommissioningRound.name == name_or_id)
    )


# --- choices for the forms ------------------------------------------------------------------------


def panel_candidates() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_((Role.PANEL, Role.HUB)), User.active.is_(True))
            .order_by(User.name)
        )
    )


def recipient_choices() -> list[tuple[str, str]]:
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_((OrganisationKind.HUB, OrganisationKind.SPOKE)))
        .order_by(Organisation.kind, Organisation.name)
    )
    return [(str(o.id), o.name) for o in organisations]


def spoke_choices(round_: CommissioningRound) -> list[tuple[str, str]]:
    if any(o.kind is OrganisationKind.HUB for o in round_.recipients):
        spokes = db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SPOKE)
            .order_by(Organisation.name)
        )
        return [(str(o.id), o.name) for o in spokes]
    return [(str(o.id), o.name) for o in round_.recipients if o.kind is OrganisationKind.SPOKE]


def grant_stream_choices() -> list[tuple[str, str]]:
    return [
        (str(s.id), s.name)
        for s in db.session.scalars(select(GrantStream).order_by(GrantStream.code))
    ]


def provider_choices() -> list[tuple[str, str]]:
    return [("", "")] + [(str(p.id), p.name) for p in providers()]


def strand_choices() -> list[tuple[str, str]]:
    strands = db.session.scalars(select(YefStrand).order_by(YefStrand.name))
    return [("", "None or not yet known")] + [(str(s.id), s.name) for s in strands]


def plan_line_choices(bid: Bid) -> list[tuple[str, str]]:
    """Lines of the latest plans of the bid's spokes (and the round's recipients) for the
    round's year."""
    recipients = {o.id: o for o in [*bid.spokes, *bid.round.recipients]}
    choices = [("", "")]
    for recipient in sorted(recipients.values(), key=lambda o: o.name):
        plan = latest_plan_for(recipient.id, bid.round.financial_year)
        if plan is None:
            continue
        choices.extend(
            (
                str(line.id),
                f"{recipient.name} v{plan.version}, {line.line_ref} {line.title} "
                f"(£{line.annual_budget:,})",
            )
            for line in plan.lines
        )
    return choices


def provider_blockers(bid: Bid, on: date) -> list[Blocker]:
    return blockers_for(bid.provider, on)


@dataclass(frozen=True)
class PanelWork:
    """What a panel member has to do on one round (for the landing page)."""

    round: CommissioningRound
    to_declare: list[Bid]
    to_score: list[Bid]
    to_decide: list[Bid]  # the chair: undecided bids the member may open


def panel_work(user: User) -> list[PanelWork]:
    rounds = db.session.scalars(
        select(CommissioningRound)
        .join(PanelMember)
        .where(PanelMember.user_id == user.id)
        .order_by(CommissioningRound.closes_on.desc())
    ).all()
    work = []
    for round_ in rounds:
        undecided = [b for b in round_.bids if b.decision is None]
        open_ = [b for b in undecided if bid_access(user, b) is BidAccess.FULL]
        scored = {s.bid_id for b in open_ for s in b.scores if s.user_id == user.id}
        work.append(
            PanelWork(
                round_,
                [b for b in undecided if bid_access(user, b) is BidAccess.MUST_DECLARE],
                [b for b in open_ if b.id not in scored],
                [b for b in open_ if is_acting_chair(b, user)],
            )
        )
    return work
