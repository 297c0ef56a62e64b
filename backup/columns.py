"""How each column is read from the database as the value it stores, and written back unchanged.

Every column has a portable kind (see ``archive``). Money is read as its stored integer pence and
exact decimals as their stored text (``type_coerce`` to the storage type, so ``Money`` never
turns pence into pounds and back), enums as their stored strings, JSON as its stored text
(verbatim, spacing and all), timestamps through ``UTCDateTime`` so SQLite's zoneless text and
PostgreSQL's ``timestamptz`` both come out as UTC. A column type with no exact portable form is
refused here, by name, rather than copied approximately; a float is never made or accepted.

>>> to_portable("datetime", datetime(2024, 3, 31, 9, 15, tzinfo=UTC))
'2024-03-31T09:15:00+00:00'
>>> from_portable("pence", 152866700, "grant_awards.confirmed_amount")
152866700
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Date,
    Enum,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    type_coerce,
)
from sqlalchemy.types import TypeEngine

from backup.archive import DamagedBackup
from database import ExactDecimal, Money, UTCDateTime


class UnsupportedColumn(TypeError):
    """A column type this module cannot copy exactly: teach ``kind_of`` about it."""


def kind_of(column: Column[Any]) -> str:
    column_type = column.type
    # Decorated and specialised types first: Enum is a String, Money an Integer underneath.
    for python_type, kind in (
        (Money, "pence"),
        (ExactDecimal, "decimal"),
        (UTCDateTime, "datetime"),
        (Enum, "enum"),
        (JSON, "json"),
        (Boolean, "boolean"),
        (Date, "date"),
        (Integer, "integer"),
        (String, "text"),
    ):
        if isinstance(column_type, python_type):
            return kind
    raise UnsupportedColumn(
        f"{column.table.name}.{column.name}: {column_type!r} has no exact portable form"
    )


def read_expression(column: Column[Any]) -> ColumnElement[Any]:
    """The column as stored: money in pence, decimals and enums as text, JSON as its text."""
    kind = kind_of(column)
    if kind == "pence":
        expression: ColumnElement[Any] = type_coerce(column, BigInteger())
    elif kind in ("decimal", "enum"):
        expression = type_coerce(column, String())
    elif kind == "json":
        expression = cast(column, Text())
    else:
        expression = column
    return expression.label(column.name)


def write_expression(column: Column[Any], name: str, dialect: str) -> ColumnElement[Any]:
    """A bound parameter that writes a ``from_portable`` value into ``column`` unchanged."""
    kind = kind_of(column)
    if kind == "json":
        text = bindparam(name, type_=Text())
        # PostgreSQL's json keeps the text it is given; SQLite stores JSON as plain text.
        return cast(text, JSON()) if dialect == "postgresql" else text
    storage_types: dict[str, TypeEngine[Any]] = {
        "pence": BigInteger(),
        "decimal": String(),
        "enum": String(),
        "text": String(),
        "datetime": UTCDateTime(),
        "date": Date(),
        "boolean": Boolean(),
    }
    return bindparam(name, type_=storage_types.get(kind, column.type))


def to_portable(kind: str, value: Any) -> Any:
    """A stored value as it goes into the file: None, bool, int or str."""
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind in ("integer", "pence") and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind in ("text", "decimal", "enum", "json") and isinstance(value, str):
        return value
    raise UnsupportedColumn(f"a {kind} column returned {value!r}, which it cannot hold")


def from_portable(kind: str, value: Any, where: str) -> Any:
    """A value from the file, checked against its column's kind, ready for ``write_expression``."""
    if value is None:
        return None
    try:
        return _from_portable(kind, value)
    except (TypeError, ValueError, InvalidOperation):
        raise DamagedBackup(
            f"the backup is damaged: {where} holds {value!r}, which is not a {kind} value"
        ) from None


def _from_portable(kind: str, value: Any) -> Any:
    if kind in ("integer", "pence"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(value)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise TypeError(value)
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    if kind == "decimal" and not Decimal(value).is_finite():
        raise ValueError(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        return moment.astimezone(UTC)
    return value
