"""Column types and mixins shared by every model.

``Money`` stores an exact amount of pounds as integer pence (BIGINT) on SQLite and PostgreSQL
alike, and hands back ``Decimal``. It refuses floats and amounts with fractions of a penny
instead of rounding them: rounding happens in ``core.money`` before anything reaches a model.

>>> Money().process_bind_param(Decimal("1234.56"), None)
123456
>>> Money().process_result_value(123456, None)
Decimal('1234.56')
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.types import TypeDecorator

from core.money import MAX_PENCE, PENNY, MoneyError, to_money


def utcnow() -> datetime:
    """Timezone-aware now, for column defaults (never the naive ``datetime.utcnow``)."""
    return datetime.now(UTC)


class Money(TypeDecorator[Decimal]):
    """An amount of pounds stored exactly as integer pence."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise MoneyError(f"{value!r} must be a Decimal (use core.money.to_money) to be stored")
        pence = int(to_money(value) / PENNY)
        if abs(pence) > MAX_PENCE:
            raise MoneyError(f"{value} is too large to store as an amount of money")
        return pence

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) * PENNY).quantize(PENNY)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{value!r} must be a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A non-money Decimal (an indicator value, a share) kept exactly as text on both databases.

    SQLite has no decimal type and would store a NUMERIC as a float; text loses nothing.
    """

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"{value!r} must be a finite Decimal to be stored exactly")
        return str(value)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal
