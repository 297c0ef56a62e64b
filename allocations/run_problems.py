"""What the run form says when a formula cannot be run on the pot it was given (pure).

The formula's own messages name its settings (``damping.ceiling``) and exact figures; a finance
officer running a scenario reads about the pot (the form's Pot field), in pounds, and what to do.

>>> from formulas.damping import BoundsError
>>> from formulas.spec import Damping
>>> error = BoundsError("ceiling", Decimal("998330416"), "...", limits=Decimal("1519583"),
...                     total=Decimal("999999999850000"))
>>> print(describe_bounds(error, Damping(ceiling=Decimal("0.10"))))
... # doctest: +NORMALIZE_WHITESPACE
The pot is too large for this formula's damping. No spoke may get more than 10% more
than last year, so the spokes can take at most £1,519,583.00 between them, and this pot leaves
£999,999,999,850,000.00 for them to share. Enter a smaller pot, or choose a formula that damps
differently
"""

from __future__ import annotations

from decimal import Decimal

from core.money import format_gbp
from formulas.damping import FLOOR, BoundsError
from formulas.spec import Damping


def describe_bounds(error: BoundsError, damping: Damping | None) -> str | None:
    """The pot problem behind ``error``, or None when it is not the pot's (the message then
    stays the formula's own)."""
    if error.limits is None or error.total is None:
        return None
    limits, total = format_gbp(error.limits), format_gbp(error.total)
    if error.kind == FLOOR:
        rule = _percent(damping.floor if damping else None)
        return (
            f"The pot is too small for this formula's damping. No spoke may get more "
            f"than {rule} less than last year, so the spokes need at least {limits} between "
            f"them, and this pot leaves only {total} for them to share. Enter a larger pot, or "
            "choose other previous year's allocations"
        )
    rule = _percent(damping.ceiling if damping else None)
    return (
        f"The pot is too large for this formula's damping. No spoke may get more than "
        f"{rule} more than last year, so the spokes can take at most {limits} between them, "
        f"and this pot leaves {total} for them to share. Enter a smaller pot, or choose a "
        "formula that damps differently"
    )


def describe_pot(message: str) -> str:
    """A pot that is not an amount, said so that the field is named.

    >>> describe_pot("'abc' is not a number")
    "The pot must be an amount in pounds, like 1528667.00: 'abc' is not a number"
    """
    return f"The pot must be an amount in pounds, like 1528667.00: {message}"


def _percent(fraction: Decimal | None) -> str:
    """``-0.05`` as ``5%``, ``0.10`` as ``10%``."""
    if fraction is None:
        return "the agreed share"
    percent = abs(fraction) * 100
    text = f"{percent.normalize():f}"
    return f"{text}%"
