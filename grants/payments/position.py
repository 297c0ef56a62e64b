"""Where every pound stands, and what may be paid (pure arithmetic on plain values).

For one recipient and grant: **allocated** (after variations), **claimed** (the claims of its
approved returns, each capped by what is left of the allocation), **paid**, **spent** (its
submitted and approved returns), and **remaining** (allocated less paid). Totals add the rows,
so they reconcile to the penny by construction; ``check_totals`` proves it in the tests.

The payment rules:
- payments never take the total paid above the allocation;
- paid in arrears, the total paid to the end of a quarter never exceeds the approved claims up
  to and including that quarter (money follows approved spend);
- one payment per quarter, and it must be more than nothing.

>>> row = Position("bristol", "VRU", allocated=D("1000.00"), claimed=D("400.00"),
...                paid=D("300.00"), spent=D("450.00"))
>>> row.remaining, row.claimed_unpaid
(Decimal('700.00'), Decimal('100.00'))
>>> payment_problems(D("150.00"), quarter=2, allocated=D("1000.00"), paid_before=D("300.00"),
...                  approved_claims_to_quarter=D("400.00"), in_arrears=True)
['it would take payments to £450.00, more than the approved claims to the end of Q2 (£400.00)']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.money import ZERO, format_gbp

D = Decimal


@dataclass(frozen=True)
class Position:
    recipient: str
    stream: str
    allocated: Decimal
    claimed: Decimal
    paid: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        """What is left to pay of the allocation."""
        return self.allocated - self.paid

    @property
    def claimed_unpaid(self) -> Decimal:
        """Approved claims not yet paid: finance's "claims to pay"."""
        return max(self.claimed - self.paid, ZERO)


def total(rows: Iterable[Position], recipient: str = "Total", stream: str = "") -> Position:
    rows = list(rows)
    return Position(
        recipient=recipient,
        stream=stream,
        allocated=sum((r.allocated for r in rows), ZERO),
        claimed=sum((r.claimed for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        spent=sum((r.spent for r in rows), ZERO),
    )


def payment_problems(
    amount: Decimal,
    *,
    quarter: int,
    allocated: Decimal,
    paid_before: Decimal,
    approved_claims_to_quarter: Decimal,
    in_arrears: bool,
) -> list[str]:
    """Why a payment may not be made; empty when it may. ``paid_before`` is everything paid of
    this grant to this recipient this year so far."""
    if amount <= ZERO:
        return ["the amount must be more than £0.00"]
    after = paid_before + amount
    problems = []
    if after > allocated:
        problems.append(
            f"it would take payments to {format_gbp(after)}, more than the allocation "
            f"({format_gbp(allocated)}); at most {format_gbp(max(allocated - paid_before, ZERO))} "
            "is left to pay"
        )
    if in_arrears and after > approved_claims_to_quarter:
        problems.append(
            f"it would take payments to {format_gbp(after)}, more than the approved claims to "
            f"the end of Q{quarter} ({format_gbp(approved_claims_to_quarter)})"
        )
    return problems
