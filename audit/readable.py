"""The values of audit events as the pages show them, read from each audited model's columns.

Events store plain values (``"1000.00"``, ``4``, ``"2026-12-02T13:09:48.382834+00:00"``,
``true``, ``"approve"``); the column type says what each one is: ``database.Money`` is pounds
(``£1,000.00``), a foreign key names the linked record (``Bristol``), a timestamp or a date takes
the one house format, a flag is Yes or No, an enum its label. The linked records of a page of
events are read in one query per table.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Column, Date, Enum, select

from audit.describe import describe_value, field_name
from audit.labels import linked_name
from audit.models import AuditEvent
from core.cells import whole_number
from core.money import format_gbp
from database import Money, UTCDateTime
from extensions import db
from web.templating import format_day, format_timestamp


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def audited_models() -> list[type]:
    """Every model that writes audit events."""
    return sorted(
        (
            mapper.class_
            for mapper in db.Model.registry.mappers
            if getattr(mapper.class_, "__audited__", False) is True
        ),
        key=lambda model: model.__name__,
    )


def model_for(table_name: str) -> Any:
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table_name:
            return mapper.class_
    return None


def describe_changes(events: Iterable[AuditEvent]) -> dict[int, list[Change]]:
    """Each event's changed fields in words, by event id."""
    events = list(events)
    names = _linked_names(events)
    described = {}
    for event in events:
        columns = _columns(event.table_name)
        described[event.id] = [
            Change(
                field_name(name),
                _readable(columns.get(name), before, names),
                _readable(columns.get(name), after, names),
            )
            for name, before, after in event.changed_fields()
        ]
    return described


def _columns(table_name: str) -> dict[str, Column[Any]]:
    model = model_for(table_name)
    if model is None:
        return {}
    return {column.key: column for column in model.__table__.columns}


def _target(column: Column[Any] | None) -> str | None:
    """The table a foreign key column points at."""
    if column is None:
        return None
    for key in column.foreign_keys:
        return key.column.table.name
    return None


def _linked_names(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """The names of every record the events link to, by (table, id as text)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        columns = _columns(event.table_name)
        for name, before, after in event.changed_fields():
            target = _target(columns.get(name))
            if target is None:
                continue
            for value in (before, after):
                number = value if isinstance(value, int) else whole_number(value)
                if number is not None:
                    wanted[target].add(number)
    names = {}
    for table, ids in wanted.items():
        model = model_for(table)
        if model is None:
            continue
        for record in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(table, str(record.id))] = linked_name(record) or str(record.id)
    return names


def _readable(column: Column[Any] | None, value: Any, names: dict[tuple[str, str], str]) -> str:
    if value is None or value == "" or column is None:
        return describe_value(value)
    target = _target(column)
    if target is not None:
        return names.get((target, str(value)), f"{describe_value(value)} (no longer there)")
    kind = column.type
    try:
        if isinstance(kind, Money):
            return format_gbp(Decimal(str(value)))
        if isinstance(kind, Boolean):
            return "Yes" if value else "No"
        if isinstance(kind, UTCDateTime):
            return format_timestamp(datetime.fromisoformat(str(value)))
        if isinstance(kind, Date):
            return format_day(date.fromisoformat(str(value)[:10]))
        if isinstance(kind, Enum) and kind.enum_class is not None:
            return enum_label(kind.enum_class(value))
    except (InvalidOperation, ValueError, TypeError):
        pass  # a value stored before its column changed type: show it as it was stored
    return describe_value(value)


def enum_label(member: enum.Enum) -> str:
    """The enum's own label, else its value in words."""
    label = getattr(member, "label", None)
    if isinstance(label, str):
        return label
    return str(member.value).replace("_", " ").capitalize()
