"""Money: the one entry point for amounts, the one rounding rule, and an exact split.

Never use floating point for money. ``to_money`` refuses floats outright rather than converting
them, because a float has already lost the penny before we see it.

The rounding rule of the whole system lives in ``round_to_unit``: amounts are rounded to a unit
(a penny by default) with an explicit mode. Shares of a whole are never rounded one by one; they
go through ``split_largest_remainder`` so the parts add up to the whole exactly.

Worked example::

    >>> split_largest_remainder(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
POUND = Decimal("1")
ZERO = Decimal("0.00")
# Money is stored as integer pence in a BIGINT: no amount may be larger than it holds (about
# £92 thousand million million). ``to_money`` refuses more, so a dry run refuses what a real
# import could not store.
MAX_PENCE = 2**63 - 1
MAX_AMOUNT = Decimal(MAX_PENCE) * PENNY


class MoneyError(ValueError):
    """An amount that cannot be money: a float, text that is not a number, too many decimals."""


def to_money(value: object, *, field: str = "amount") -> Decimal:
    """Return ``value`` as an exact Decimal amount of pounds, or raise ``MoneyError``.

    Accepts Decimal, int and text such as ``"1,234.56"`` or ``"£1,234.56"``. Refuses floats and
    amounts with more than two decimal places: a finance officer who typed ``10.005`` meant
    something, and we will not guess what.

    >>> to_money("£1,234.50")
    Decimal('1234.50')
    """
    if isinstance(value, bool | float):
        raise MoneyError(f"{field}: {value!r} is a float; money must be given as text or Decimal")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("£", "")
        if not text:
            raise MoneyError(f"{field}: an amount is required")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{field}: {value!r} is not a number") from None
    else:
        raise MoneyError(f"{field}: {value!r} is not an amount of money")
    if not amount.is_finite():
        raise MoneyError(f"{field}: {value!r} is not a finite amount")
    try:
        whole_pennies = amount.quantize(PENNY, rounding=ROUND_DOWN)
    except InvalidOperation:  # more digits than the context holds
        raise MoneyError(f"{field}: {value!r} is too large to be an amount of money") from None
    if amount != whole_pennies:
        raise MoneyError(f"{field}: {value!r} has more than two decimal places")
    if abs(whole_pennies) > MAX_AMOUNT:
        raise MoneyError(f"{field}: {value!r} is too large to be an amount of money")
    # "-0" is zero: no amount of money is negative zero.
    return whole_pennies.copy_abs() if whole_pennies.is_zero() else whole_pennies


def round_to_unit(
    amount: Decimal, unit: Decimal = PENNY, *, rounding: str = ROUND_HALF_UP
) -> Decimal:
    """Round ``amount`` to a multiple of ``unit`` (0.01 or 1) with an explicit mode.

    Half-up is the default because that is what finance staff do by hand; pass ``ROUND_DOWN``
    where the money must not exceed what is there (top slices, largest-remainder floors).

    >>> round_to_unit(Decimal("2.345"))
    Decimal('2.35')
    >>> round_to_unit(Decimal("2.349"), POUND, rounding=ROUND_DOWN)
    Decimal('2')
    """
    _require_decimal(amount)
    quotient = (amount / unit).quantize(POUND, rounding=rounding)
    return (quotient * unit).quantize(unit)


def split_largest_remainder(
    total: Decimal,
    weights: Sequence[Decimal],
    unit: Decimal = PENNY,
    *,
    tie_keys: Sequence[str] | None = None,
) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so that the parts add up to ``total`` exactly.

    Each exact share is rounded down to ``unit``; the units left over go one each to the largest
    remainders. Ties go to the earlier ``tie_keys`` in alphabetical order (or to the earlier
    position when no keys are given), so the result never depends on the order of the input.

    >>> split_largest_remainder(Decimal("10.00"), [Decimal(2), Decimal(1)])
    [Decimal('6.67'), Decimal('3.33')]
    """
    _require_decimal(total)
    if total < 0:
        raise MoneyError("the total to split must not be negative")
    if total != total.quantize(unit, rounding=ROUND_DOWN):
        raise MoneyError(f"the total {total} is not a whole number of {unit}")
    for weight in weights:
        _require_decimal(weight)
        if weight < 0:
            raise MoneyError("weights must not be negative")
    weight_sum = sum(weights, Decimal(0))
    if not weights or weight_sum == 0:
        raise MoneyError("there must be at least one positive weight to split by")
    exact = [total * weight / weight_sum for weight in weights]
    return allocate_remainders(exact, total, unit, tie_keys=tie_keys)


def allocate_remainders(
    exact: Sequence[Decimal],
    total: Decimal,
    unit: Decimal = PENNY,
    *,
    tie_keys: Sequence[str] | None = None,
) -> list[Decimal]:
    """Round exact shares of ``total`` down to ``unit`` and hand the leftover units out one each
    to the largest remainders, so that the result adds up to ``total``.

    ``exact`` must add up to ``total`` (to within the precision of Decimal arithmetic).
    """
    floors = [round_to_unit(share, unit, rounding=ROUND_DOWN) for share in exact]
    leftover_units = int(((total - sum(floors, Decimal(0))) / unit).to_integral_value())
    if leftover_units < 0 or leftover_units > len(exact):
        raise MoneyError("the shares do not add up to the total")
    keys = list(tie_keys) if tie_keys is not None else [f"{i:09d}" for i in range(len(exact))]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), keys[i]))
    for i in order[:leftover_units]:
        floors[i] += unit
    return floors


def format_gbp(amount: Decimal, *, pence: bool = True) -> str:
    """Format an amount the way a finance officer writes it.

    >>> format_gbp(Decimal("1234.5"))
    '£1,234.50'
    >>> format_gbp(Decimal("-5702.48"))
    '-£5,702.48'
    """
    _require_decimal(amount)
    sign = "-" if amount < 0 else ""
    places = PENNY if pence else POUND
    return f"{sign}£{abs(amount).quantize(places, rounding=ROUND_HALF_UP):,}"


def format_plain(amount: Decimal) -> str:
    """Two decimals, no symbol or separators: the form money takes in JSON and CSV."""
    _require_decimal(amount)
    return str(amount.quantize(PENNY, rounding=ROUND_HALF_UP))


def _require_decimal(value: object) -> None:
    if not isinstance(value, Decimal):
        raise MoneyError(f"{value!r} is not a Decimal; convert it with to_money first")
