"""The round's ranking page: the running total counts only bids approved or in contention, the
approved total is shown apart, and "Over budget" marks only a bid in contention that would pass
the budget."""

from __future__ import annotations

from decimal import Decimal

from auth.roles import Role
from commissioning.rounds.models import Bid
from commissioning.vocabulary import Decision
from extensions import db
from tests.builders import make_user
from tests.commissioning.builders import make_bid, make_round


def _row(html: str, reference: str) -> str:
    return html[html.index(f'data-bid="{reference}"') :].split("</tr>")[0]


def test_rejected_bids_above_do_not_make_the_rows_below_over_budget(client, sign_in):
    round_ = make_round(budget="250000.00")
    for reference, cost, decision, agreed in (
        ("B001", "120000.00", Decision.REJECT, "90"),
        ("B002", "60000.00", Decision.APPROVE, "85"),
        ("B003", "70000.00", Decision.REJECT, "80"),
        ("B004", "45000.00", Decision.DEFER, "75"),
        ("B005", "80000.00", Decision.APPROVE, "70"),
        ("B006", "70000.00", None, "60"),
    ):
        bid: Bid = make_bid(round_, reference=reference, cost=cost, decision=decision)
        bid.moderated_score = Decimal(agreed)
    db.session.commit()
    sign_in(make_user(role=Role.HUB))

    html = client.get(f"/commissioning/rounds/{round_.id}").get_data(as_text=True)

    assert "Approved so far: <strong>£140,000.00</strong> of the £250,000.00 budget" in html
    assert "Not counted" in _row(html, "B001")
    for reference in ("B001", "B002", "B003", "B004", "B005"):
        assert "Over budget" not in _row(html, reference), reference
    assert "£185,000.00" in _row(html, "B005")
    assert "£255,000.00" in _row(html, "B006") and "Over budget" in _row(html, "B006")
