"""Damping: hold each spoke between a floor and a ceiling set from its previous allocation.

What lives here: ``fit_to_bounds``, exact Decimal arithmetic on unrounded amounts. What must not:
rounding to the unit (``calculate`` does that, after damping) or knowing about files.

The rule, as the formula states it, works in rounds. Each round applies the floors, then the
ceilings, and rounds repeat until no bound is broken:

- floors: a spoke below its floor is raised to it; the cost is recovered from the spokes above
  their own floor in proportion to how far each is above it (a spoke with no floor counts from
  zero), so none is pushed below;
- ceilings: a spoke above its ceiling is cut to it; the surplus is shared among the spokes below
  their ceilings in proportion to their amounts.

Done literally with proportional shares, that is a loop whose exit depends on exact equality.
This module computes the same end point directly, so it terminates exactly:

1. One floor step is enough. Raising the spokes below their floors and scaling every donor's
   excess over its floor by one factor ``t = 1 - cost / spare`` (0 <= t <= 1) leaves every spoke
   at or above its floor, and the ceiling steps after it never break a floor again (they only cut
   spokes down to a ceiling, which is never below the floor, and raise the others).
2. The ceiling steps scale every spoke still below its ceiling by a common factor each round, and
   a spoke cut to its ceiling stays pinned there. So the end point is ``min(ceiling_i, s * b_i)``
   (``b`` the amounts after the floor step) for the one factor ``s >= 1`` that makes the total
   right: water-filling. Sorting the spokes by ``ceiling_i / b_i`` finds the pinned set in one
   pass: O(n log n), with no tolerance and no iteration count.

Worked example, 1000 to share, floors from previous amounts::

    before damping  A 500  B 300  C 200     floors  A 450  B 250  C 250   (C is 50 short)
    donors' excess over floor: A 50, B 50; the 50 is taken half from each
    after damping   A 475  B 275  C 250

With a ceiling of 260 on B instead of floors, B's 40 surplus goes to A and C by amount
(500:200), giving A 528.57..., B 260, C 211.43...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from formulas.spec import PRECISION

FLOOR = "floor"
CEILING = "ceiling"


class BoundsError(Exception):
    """The bounds cannot all be met: ``kind`` says which, ``gap`` by how much; ``limits`` is
    what the floors (or ceilings) add up to, when that is the reason, and ``total`` what there
    is to share."""

    def __init__(
        self,
        kind: str,
        gap: Decimal,
        message: str,
        *,
        limits: Decimal | None = None,
        total: Decimal | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.gap = gap
        self.message = message
        self.limits = limits
        self.total = total


@dataclass(frozen=True)
class Bounds:
    """One spoke's limits in pounds; ``None`` means no limit on that side."""

    floor: Decimal | None = None
    ceiling: Decimal | None = None


@dataclass(frozen=True)
class DampedAmounts:
    """The amounts after damping and, for each spoke, the bound it is held at (or None)."""

    amounts: tuple[Decimal, ...]
    held_at: tuple[str | None, ...]


def fit_to_bounds(
    amounts: Sequence[Decimal], bounds: Sequence[Bounds], total: Decimal
) -> DampedAmounts:
    """Move ``amounts`` (which add up to ``total``) inside their ``bounds``, keeping the total.

    Raises ``BoundsError`` when the floors add up to more than ``total``, when every spoke has a
    ceiling and the ceilings add up to less, or when a surplus above the ceilings has no spoke
    with an amount to share it in proportion to.

    >>> result = fit_to_bounds(
    ...     [Decimal(500), Decimal(300), Decimal(200)],
    ...     [Bounds(Decimal(450)), Bounds(Decimal(250)), Bounds(Decimal(250))],
    ...     Decimal(1000),
    ... )
    >>> result.amounts == (Decimal(475), Decimal(275), Decimal(250)), result.held_at
    (True, (None, None, 'floor'))
    """
    if len(amounts) != len(bounds):
        raise ValueError("one bounds entry is needed for each amount")
    with localcontext() as context:
        context.prec = max(context.prec, PRECISION)
        _check_feasible(bounds, total)
        after_floors, raised = _apply_floors(amounts, bounds)
        after_ceilings, pinned = _apply_ceilings(after_floors, bounds, total)
    held_at: list[str | None] = []
    for index, amount in enumerate(after_ceilings):
        if index in pinned:
            held_at.append(CEILING)
        elif index in raised and amount == bounds[index].floor:
            held_at.append(FLOOR)
        else:
            held_at.append(None)
    return DampedAmounts(tuple(after_ceilings), tuple(held_at))


def _check_feasible(bounds: Sequence[Bounds], total: Decimal) -> None:
    floors = sum((b.floor for b in bounds if b.floor is not None), Decimal(0))
    if floors > total:
        raise BoundsError(
            FLOOR,
            floors - total,
            f"the floors add up to {floors}, which is {floors - total} more than the {total} "
            "there is to share",
            limits=floors,
            total=total,
        )
    if bounds and all(b.ceiling is not None for b in bounds):
        ceilings = sum((b.ceiling for b in bounds if b.ceiling is not None), Decimal(0))
        if ceilings < total:
            raise BoundsError(
                CEILING,
                total - ceilings,
                f"the ceilings add up to {ceilings}, which is {total - ceilings} less than the "
                f"{total} that must be shared",
                limits=ceilings,
                total=total,
            )


def _apply_floors(
    amounts: Sequence[Decimal], bounds: Sequence[Bounds]
) -> tuple[list[Decimal], set[int]]:
    """Raise spokes to their floors; take the cost from the others' excess over their floors."""
    lows = [b.floor if b.floor is not None else Decimal(0) for b in bounds]
    cost = sum((low - a for a, low in zip(amounts, lows, strict=True) if a < low), Decimal(0))
    if cost == 0:
        return list(amounts), set()
    spare = sum((a - low for a, low in zip(amounts, lows, strict=True) if a > low), Decimal(0))
    # cost <= spare because the floors fit in the total; max() keeps a last-digit rounding of
    # cost / spare from making t a hair below zero.
    keep = max(Decimal(1) - cost / spare, Decimal(0))
    result: list[Decimal] = []
    raised: set[int] = set()
    for index, (amount, low) in enumerate(zip(amounts, lows, strict=True)):
        if amount < low:
            result.append(low)
            raised.add(index)
        elif amount > low:
            result.append(low + (amount - low) * keep)
        else:
            result.append(amount)
    return result, raised


def _apply_ceilings(
    amounts: Sequence[Decimal], bounds: Sequence[Bounds], total: Decimal
) -> tuple[list[Decimal], set[int]]:
    """Pin spokes at their ceilings and scale the rest by one factor (water-filling)."""
    # A spoke reaches its ceiling when the common factor s reaches ceiling / amount; those with
    # the smallest ratio are pinned first. Spokes with nothing yet can never reach a ceiling.
    candidates = sorted(
        (i for i, b in enumerate(bounds) if b.ceiling is not None and amounts[i] > 0),
        key=lambda i: _ceiling_of(bounds[i]) / amounts[i],
    )
    free_total = sum(amounts, Decimal(0))
    pinned_total = Decimal(0)
    pinned: set[int] = set()
    for index in candidates:
        ceiling = _ceiling_of(bounds[index])
        # Pinned when s * amount >= ceiling, s = (total - pinned_total) / free_total; multiplied
        # out so no division is needed to compare.
        if (total - pinned_total) * amounts[index] < ceiling * free_total:
            break
        pinned.add(index)
        pinned_total += ceiling
        free_total -= amounts[index]
    if not pinned:
        return list(amounts), pinned
    left = total - pinned_total
    if free_total <= 0:
        if left > 0:
            raise BoundsError(
                CEILING,
                left,
                f"{left} is left above the ceilings and the spokes below their ceilings have "
                "no amount to share it in proportion to",
            )
        scale = Decimal(0)
    else:
        # Pinning only ever cuts spokes down to their ceilings, so the others are scaled up:
        # s >= 1 exactly. The division's last digit may land a hair below 1, which would put a
        # spoke held at its floor a hair under it (found by the property test), so hold s at 1.
        scale = max(left / free_total, Decimal(1))
    return [
        _ceiling_of(bounds[i]) if i in pinned else amount * scale
        for i, amount in enumerate(amounts)
    ], pinned


def _ceiling_of(bounds: Bounds) -> Decimal:
    if bounds.ceiling is None:
        raise ValueError("this spoke has no ceiling")
    return bounds.ceiling
