"""The rounds blueprint and the object checks every one of its routes makes after its
``Permission``: a round or bid the user may not know about is 404; a bid they declared a
conflict on is 403 on every route and download, saying why; moderating and deciding are for the
member chairing the bid. The routes are in ``views`` (rounds, bids, attachments, contracts,
imports) and ``panel_views`` (declaring, scoring, moderating, deciding, the letter)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort
from flask_login import current_user

from commissioning.rounds import queries
from commissioning.rounds.models import Bid, CommissioningRound
from commissioning.rounds.queries import BidAccess
from core.cells import whole_number
from extensions import db

bp = Blueprint("rounds", __name__, url_prefix="/commissioning")

CONFLICTED = "You declared a conflict of interest on this bid, so you cannot open it"
NOT_CHAIRING = "Only the member chairing this bid can moderate or decide it"
DECLARE_FIRST = "Declare whether you have a conflict of interest before opening this bid"


def today() -> date:
    return date.today()


def to_int(value: str | None) -> int | None:
    return whole_number(value)


def visible_round(round_id: int) -> CommissioningRound:
    round_: CommissioningRound = db.get_or_404(CommissioningRound, round_id)
    if not queries.can_see_round(current_user, round_):
        abort(404)
    return round_


def open_bid(bid_id: int, *, allow_undeclared: bool = False) -> Bid:
    bid: Bid = db.get_or_404(Bid, bid_id)
    access = queries.bid_access(current_user, bid)
    if access is BidAccess.NONE:
        abort(404)
    if access is BidAccess.CONFLICTED:
        abort(403, description=CONFLICTED)
    if access is BidAccess.MUST_DECLARE and not allow_undeclared:
        abort(403, description=DECLARE_FIRST)
    return bid


def chaired_bid(bid_id: int) -> Bid:
    bid = open_bid(bid_id)
    if not queries.is_acting_chair(bid, current_user):
        abort(403, description=NOT_CHAIRING)
    return bid
