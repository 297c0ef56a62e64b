"""Moving forecast underspend (pure): which recipient's spare grant could cover another's
forecast overspend, in time to record it as an allocation variation (grant cannot be carried
into the next year).

What lives here: ``suggest_moves``, a suggestion for the forecast underspend page; finance
decides and records the variation. What must not: anything that changes an allocation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from grants.figures import RecipientFigures


@dataclass(frozen=True)
class Move:
    """A suggested reallocation: forecast underspend of one recipient to cover another's
    forecast overspend, in one grant."""

    stream: str
    from_recipient: str
    to_recipient: str
    amount: Decimal


def suggest_moves(figures: Sequence[RecipientFigures]) -> tuple[Move, ...]:
    """Pair forecast underspends with forecast overspends, grant by grant, largest first, each
    move as much as both sides allow. Closed years suggest nothing (the underspend is final).

    >>> def f(code, underspend):
    ...     nothing = Decimal("0.00")
    ...     return RecipientFigures(allocation=Decimal("1000.00"), spent_to_date=nothing,
    ...         forecast_outturn=Decimal("1000.00") - Decimal(underspend), match_cash=nothing,
    ...         match_in_kind=nothing, interventions_spend=nothing, labour_spend=nothing,
    ...         non_labour_spend=nothing, min_match_percent=None, min_interventions_percent=None,
    ...         recipient=code, stream="VRU")
    >>> for move in suggest_moves([f("hub", "300.00"), f("bristol", "-250.00"),
    ...                            f("banes", "-100.00"), f("somerset", "40.00")]):
    ...     print(move.from_recipient, move.to_recipient, move.amount)
    hub bristol 250.00
    hub banes 50.00
    somerset banes 40.00
    """
    moves = []
    for stream in sorted({f.stream for f in figures}):
        open_figures = [f for f in figures if f.stream == stream and not f.is_closed]
        givers = sorted(
            (
                (f.forecast_underspend, f.recipient)
                for f in open_figures
                if f.forecast_underspend > 0
            ),
            key=lambda g: (-g[0], g[1]),
        )
        takers = sorted(
            (
                (-f.forecast_underspend, f.recipient)
                for f in open_figures
                if f.forecast_underspend < 0
            ),
            key=lambda t: (-t[0], t[1]),
        )
        spare = {code: amount for amount, code in givers}
        for needed, taker in takers:
            for _, giver in givers:
                amount = min(needed, spare[giver])
                if amount <= 0:
                    continue
                moves.append(Move(stream, giver, taker, amount))
                spare[giver] -= amount
                needed -= amount
                if needed == 0:
                    break
    return tuple(moves)
