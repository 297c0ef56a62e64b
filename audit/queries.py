"""Read-only questions about the audit log: the events matching an auditor's filters, a page at
a time or all of them (for the CSV export), each with the name of the person who made it.

Dates in filters are UK calendar days, as the page shows times in UK time: "to 31 March"
includes a change made at 00:30 on 1 April BST only if that is still 31 March in the UK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select

from audit.models import AuditAction, AuditEvent
from auth.models import User
from extensions import db

UK_TIME = ZoneInfo("Europe/London")
FILTER_NAMES = ("table", "action", "actor", "record", "from", "to")


@dataclass(frozen=True)
class EventFilters:
    table: str = ""
    action: str = ""
    actor: str = ""
    record: str = ""
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> EventFilters:
        """The filters from a query string; an unknown action or a date that is not a real
        YYYY-MM-DD date filters nothing."""
        text = {name: (args.get(name) or "").strip() for name in FILTER_NAMES}
        return cls(
            table=text["table"],
            action=text["action"] if text["action"] in {a.value for a in AuditAction} else "",
            actor=text["actor"],
            record=text["record"],
            start=_day(text["from"]),
            end=_day(text["to"]),
        )

    @property
    def problem(self) -> str | None:
        """Why these filters cannot match anything, said against the "to" date."""
        if self.start is not None and self.end is not None and self.end < self.start:
            return "The 'to' date must be on or after the 'from' date"
        return None


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    user_name: str | None  # the name of the signed-in person who made the change, if any


def count_events(filters: EventFilters) -> int:
    statement = _filtered(filters, select(func.count(AuditEvent.id)))
    return db.session.scalar(statement) or 0


def find_events(
    filters: EventFilters, *, limit: int | None = None, offset: int = 0
) -> list[EventRow]:
    """Matching events, newest first."""
    statement = _filtered(filters, select(AuditEvent, User.name)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    return [EventRow(event, name) for event, name in db.session.execute(statement)]


def record_tables() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.table_name).distinct().order_by(AuditEvent.table_name))
    )


def _filtered(filters: EventFilters, statement: Select) -> Select:  # type: ignore[type-arg]
    statement = statement.select_from(AuditEvent).outerjoin(User, AuditEvent.actor_id == User.id)
    if filters.table:
        statement = statement.where(AuditEvent.table_name == filters.table)
    if filters.action:
        statement = statement.where(AuditEvent.action == AuditAction(filters.action))
    if filters.actor:
        needle = f"%{filters.actor.lower()}%"
        statement = statement.where(
            or_(func.lower(AuditEvent.actor_label).like(needle), func.lower(User.name).like(needle))
        )
    if filters.record:
        statement = statement.where(
            or_(
                AuditEvent.record_id == filters.record,
                func.lower(AuditEvent.record_label).like(f"%{filters.record.lower()}%"),
            )
        )
    if filters.start is not None:
        statement = statement.where(AuditEvent.at >= _uk_midnight(filters.start))
    if filters.end is not None:
        statement = statement.where(AuditEvent.at < _uk_midnight(filters.end + timedelta(days=1)))
    return statement


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK_TIME).astimezone(UTC)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
