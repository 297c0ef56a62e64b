"""The panel's use cases: declare a conflict of interest (or none) on a bid, score it, and, for
the chair, moderate and decide.

The rules, decided here once:

- only the round's panel members declare and score; a declaration is made once, before the
  member may open the bid, and cannot be changed afterwards (the record must show who was
  conflicted when the bid was scored);
- a member who declared a conflict cannot score, moderate or decide that bid;
- a score is a whole number from 0 to the criterion's maximum, every criterion is scored at once,
  with an optional comment; scores can be changed until the bid is decided;
- the chair moderates with an agreed score out of 100 (up to two decimals) and a reason
  (members' scores are kept); where the round's chair declared a conflict on a bid, the member
  chairing it (``queries.acting_chair``) moderates and decides it instead;
- the chair decides: approve, approve with conditions (the conditions are then required),
  reject or defer, always with a decision reference and the minutes (the reasons); approvals
  may not take the round's approved total over its budget; a decision is final except a
  deferral, which is decided again later (the audit log keeps the earlier one). The page shows
  what will be recorded (``review_decision``) and records it only when confirmed;
- changes made at the same moment are made one after the other (``_bid`` locks the round), each
  checked against the one before: a second decision on a bid, a second declaration, or an
  approval that the other would take over the budget is refused, never stored alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from auth.models import User
from commissioning.rounds.models import Bid, BidScore, CommissioningRound, ConflictDeclaration
from commissioning.rounds.queries import (
    BidAccess,
    approved_total,
    bid_access,
    criteria_of,
    declaration_of,
    is_acting_chair,
    membership,
)
from commissioning.rounds.scoring import score_problem
from commissioning.vocabulary import Decision
from core.money import format_gbp
from core.problems import DomainError, Problem, Problems
from database import utcnow
from extensions import db
from grants.editing import clean_text

HUNDRED = Decimal("100")


class NotAllowed(DomainError):
    """The user may not do this to this bid (not on its panel, conflicted, not the chair)."""


@dataclass(frozen=True)
class ScoreInput:
    criterion_id: int
    score: str | None
    comment: str | None = None


def _bid(bid_id: int) -> Bid:
    """The bid as it is now, its round's row locked until the commit: the panel's changes to a
    round are made one at a time, each checked against the last, so two decisions on one bid (or
    two approvals that together pass the budget) made at the same moment cannot both get through.
    PostgreSQL holds the lock; SQLite writes one transaction at a time anyway."""
    round_id = db.session.scalar(select(Bid.round_id).where(Bid.id == bid_id))
    if round_id is None:
        raise NotAllowed("No such bid")
    db.session.execute(
        select(CommissioningRound.id).where(CommissioningRound.id == round_id).with_for_update()
    )
    db.session.expire_all()  # what this session read before the lock may have changed since
    bid = db.session.get(Bid, bid_id)
    if bid is None:
        raise NotAllowed("No such bid")
    return bid


def _refuse(message: str) -> NotAllowed:
    return NotAllowed(message, [Problem(message)])


def declare(bid_id: int, *, user: User, conflicted: bool | None, detail: str | None) -> Bid:
    bid = _bid(bid_id)
    if membership(bid.round, user) is None:
        raise _refuse("Only the round's panel members declare on its bids")
    if declaration_of(bid, user) is not None:
        raise _refuse("You have already declared on this bid; a declaration cannot be changed")
    problems = Problems()
    text = clean_text(detail)
    if conflicted is None:
        problems.add("say whether you have a conflict of interest", column="conflicted")
    elif conflicted and text is None:
        problems.add("describe the conflict of interest", column="detail")
    if problems:
        raise DomainError("Your declaration was not saved", problems)
    bid.declarations.append(
        ConflictDeclaration(user=user, conflicted=bool(conflicted), detail=text)
    )
    db.session.commit()
    return bid


def _ensure_open_to(bid: Bid, user: User) -> None:
    access = bid_access(user, bid)
    if access is BidAccess.CONFLICTED:
        raise _refuse("You declared a conflict of interest on this bid")
    if access is not BidAccess.FULL:
        raise _refuse("Declare your interest before opening this bid")


def save_scores(bid_id: int, scores: list[ScoreInput], *, user: User) -> Bid:
    bid = _bid(bid_id)
    if membership(bid.round, user) is None:
        raise _refuse("Only the round's panel members score its bids")
    _ensure_open_to(bid, user)
    if bid.decision is not None and bid.decision is not Decision.DEFER:
        raise _refuse("The bid has been decided; its scores can no longer change")
    problems = Problems()
    given = {s.criterion_id: s for s in scores}
    values: dict[int, tuple[int, str | None]] = {}
    for criterion in bid.round.criteria:
        column = f"score-{criterion.id}"
        entry = given.get(criterion.id)
        text = (entry.score if entry else None) or ""
        if not text.strip():
            problems.add(f"{criterion.name}: enter a score", column=column)
            continue
        try:
            value = int(text.strip())
        except ValueError:
            problems.add(f"{criterion.name}: the score must be a whole number", column=column)
            continue
        plain = next(c for c in criteria_of(bid.round) if c.key == str(criterion.id))
        message = score_problem(plain, value)
        if message:
            problems.add(message, column=column)
            continue
        values[criterion.id] = (value, clean_text(entry.comment if entry else None))
    if problems:
        raise DomainError("Your scores were not saved", problems)
    existing = {s.criterion_id: s for s in bid.scores if s.user_id == user.id}
    for criterion_id, (value, comment) in values.items():
        row = existing.get(criterion_id)
        if row is None:
            bid.scores.append(
                BidScore(user=user, criterion_id=criterion_id, score=value, comment=comment)
            )
        else:
            row.score, row.comment = value, comment
    db.session.commit()
    return bid


def _ensure_chair(bid: Bid, user: User, action: str) -> None:
    _ensure_open_to(bid, user)
    if not is_acting_chair(bid, user):
        raise _refuse(f"Only the member chairing this bid can {action} it")


def _agreed_score(text: str | None, problems: Problems) -> Decimal | None:
    typed = (text or "").strip()
    if not typed:
        problems.add("enter the agreed score out of 100, for example 72.5", column="score")
        return None
    try:
        value = Decimal(typed)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.add(
            f"the agreed score must be a number from 0 to 100, for example 72.5, not {typed!r}",
            column="score",
        )
        return None
    if not Decimal("0") <= value <= HUNDRED:
        problems.add(f"the agreed score must be from 0 to 100, not {typed}", column="score")
        return None
    if value != value.quantize(Decimal("0.01")):
        problems.add(
            f"the agreed score has at most two decimal places, for example 72.55, not {typed}",
            column="score",
        )
        return None
    return value


def moderate(bid_id: int, *, user: User, score: str | None, reason: str | None) -> Bid:
    bid = _bid(bid_id)
    _ensure_chair(bid, user, "moderate")
    problems = Problems()
    value = _agreed_score(score, problems)
    text = clean_text(reason)
    if text is None:
        problems.add("give the reason for the agreed score", column="reason")
    if bid.decision is not None and bid.decision is not Decision.DEFER:
        problems.add("the bid has been decided", column="score")
    if problems or value is None:
        raise DomainError("The agreed score was not saved", problems)
    bid.moderated_score = value
    bid.moderation_reason = text
    bid.moderated_by = user
    bid.moderated_at = utcnow()
    db.session.commit()
    return bid


VERBS = {
    Decision.APPROVE: "approve",
    Decision.APPROVE_WITH_CONDITIONS: "approve with conditions",
    Decision.REJECT: "reject",
    Decision.DEFER: "defer",
}


@dataclass(frozen=True)
class DecisionReview:
    """A decision checked and ready to record, as the confirmation page states it."""

    bid: Bid
    decision: Decision
    reference: str

    @property
    def summary(self) -> str:
        """``approve B007: Youth mentoring for £45,000.00``"""
        amount = f" for {format_gbp(self.bid.cost)}" if self.decision.is_approval else ""
        return f"{VERBS[self.decision]} {self.bid.reference}: {self.bid.title}{amount}"

    @property
    def outcome(self) -> str:
        """``Approved B007: Youth mentoring for £45,000.00``"""
        amount = f" for {format_gbp(self.bid.cost)}" if self.decision.is_approval else ""
        return f"{self.decision.label} {self.bid.reference}: {self.bid.title}{amount}"


def _checked_decision(
    bid: Bid,
    *,
    user: User,
    decision: str | None,
    reference: str | None,
    minutes: str | None,
    conditions: str | None,
) -> DecisionReview:
    _ensure_chair(bid, user, "decide")
    problems = Problems()
    if bid.decision is not None and bid.decision is not Decision.DEFER:
        problems.add(
            f"the bid was {bid.decision.label.lower()} under {bid.decision_reference}; only a "
            "deferred bid is decided again",
            column="decision",
        )
    try:
        chosen = Decision(decision or "")
    except ValueError:
        problems.add("choose approve, approve with conditions, reject or defer", column="decision")
        chosen = None
    ref = clean_text(reference)
    if ref is None:
        problems.add("enter the decision reference", column="reference")
    if chosen is Decision.APPROVE_WITH_CONDITIONS and clean_text(conditions) is None:
        problems.add("set out the conditions", column="conditions")
    if clean_text(minutes) is None:
        problems.add("record the minutes: the panel's reasons for the decision", column="minutes")
    if chosen is not None and chosen.is_approval:
        total = approved_total(bid.round, excluding=bid) + bid.cost
        if total > bid.round.budget:
            problems.add(
                f"approving it would commit £{total:,} of the round's £{bid.round.budget:,}",
                column="decision",
            )
    if problems or chosen is None or ref is None:
        raise DomainError("The decision was not saved", problems)
    return DecisionReview(bid, chosen, ref)


def review_decision(
    bid_id: int,
    *,
    user: User,
    decision: str | None,
    reference: str | None,
    minutes: str | None,
    conditions: str | None = None,
) -> DecisionReview:
    """Check a decision without recording it, for the page that asks to confirm it."""
    bid = db.session.get(Bid, bid_id)
    if bid is None:
        raise NotAllowed("No such bid")
    return _checked_decision(
        bid,
        user=user,
        decision=decision,
        reference=reference,
        minutes=minutes,
        conditions=conditions,
    )


def decide(
    bid_id: int,
    *,
    user: User,
    decision: str | None,
    reference: str | None,
    minutes: str | None,
    conditions: str | None = None,
) -> DecisionReview:
    bid = _bid(bid_id)
    review = _checked_decision(
        bid,
        user=user,
        decision=decision,
        reference=reference,
        minutes=minutes,
        conditions=conditions,
    )
    bid.decision = review.decision
    bid.decision_reference = review.reference
    bid.minutes = clean_text(minutes)
    bid.conditions = (
        clean_text(conditions) if review.decision is Decision.APPROVE_WITH_CONDITIONS else None
    )
    bid.decided_by = user
    bid.decided_at = utcnow()
    db.session.commit()
    return review
