"""The chair's decisions made twice at the same moment (two tabs, a double submit), in two real
PostgreSQL transactions: both have read the bid undecided, then both decide. One decision is
stored, the other refused by the rules as they stand after it; approvals never pass the budget."""

from __future__ import annotations

import pytest

from auth.models import User
from auth.roles import Role
from commissioning.rounds import panel
from commissioning.rounds.models import Bid
from commissioning.vocabulary import Decision
from core.problems import DomainError
from extensions import db
from tests.builders import make_user
from tests.commissioning.builders import declare, make_bid, make_round
from tests.concurrency.race import Race, one_winner

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def chair(app) -> User:
    return make_user(role=Role.PANEL, name="Chris Chair")


def deciding(race: Race, bid_id: int, chair_id: int, decision: str, reference: str):
    """An attempt: open the bid's decision page (the bid undecided), wait for the other tab to
    have opened it too, then record ``decision``."""

    def attempt() -> tuple[Decision, str]:
        bid = db.session.get(Bid, bid_id)
        assert bid.decision is None  # what the page showed
        chair = db.session.get(User, chair_id)
        race.meet()
        panel.decide(bid_id, user=chair, decision=decision, reference=reference, minutes="Minuted.")
        return Decision(decision), reference

    return attempt


def test_two_decisions_on_the_same_bid_at_once(race, chair):
    round_ = make_round(members=[chair])
    bid = make_bid(round_)
    declare(bid, chair)

    winner, loser = one_winner(
        race.run(
            deciding(race, bid.id, chair.id, "approve", "CF-1"),
            deciding(race, bid.id, chair.id, "reject", "CF-2"),
        )
    )

    assert isinstance(loser.error, DomainError), repr(loser.error)
    (problem,) = loser.error.problems
    decided, reference = winner.value
    assert problem.message == (
        f"the bid was {decided.label.lower()} under {reference}; only a deferred bid is "
        "decided again"
    )
    db.session.expire_all()
    stored = db.session.get(Bid, bid.id)
    assert (stored.decision, stored.decision_reference) == winner.value
    (event,) = race.audited_updates("bids", bid.id)
    assert (event.after["decision"], event.after["decision_reference"]) == (
        decided.value,
        reference,
    )


def test_two_approvals_at_once_never_pass_the_rounds_budget(race, chair):
    round_ = make_round(members=[chair], budget="100000.00")
    first, second = make_bid(round_, cost="60000.00"), make_bid(round_, cost="50000.00")
    declare(first, chair)
    declare(second, chair)

    winner, loser = one_winner(
        race.run(
            deciding(race, first.id, chair.id, "approve", "CF-1"),
            deciding(race, second.id, chair.id, "approve", "CF-2"),
        )
    )

    assert isinstance(loser.error, DomainError), repr(loser.error)
    (problem,) = loser.error.problems
    assert problem.message == "approving it would commit £110,000.00 of the round's £100,000.00"
    db.session.expire_all()
    approved = [b for b in (first, second) if db.session.get(Bid, b.id).decision is not None]
    assert len(approved) == 1
    assert approved[0].decision_reference == winner.value[1]
    assert sum(b.cost for b in approved) <= round_.budget


def test_a_declaration_sent_twice_at_once_is_stored_once(race, chair):
    member = make_user(role=Role.PANEL)
    bid = make_bid(make_round(members=[chair, member], chair=chair))
    bid_id, member_id = bid.id, member.id

    def declaring() -> None:
        user = db.session.get(User, member_id)
        db.session.get(Bid, bid_id)  # the declaration page
        race.meet()
        panel.declare(bid_id, user=user, conflicted=False, detail=None)

    _, loser = one_winner(race.run(declaring, declaring))

    assert isinstance(loser.error, panel.NotAllowed), repr(loser.error)
    assert str(loser.error.problems[0]) == (
        "You have already declared on this bid; a declaration cannot be changed"
    )
    db.session.expire_all()
    assert len(db.session.get(Bid, bid_id).declarations) == 1
