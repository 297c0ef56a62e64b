"""Write audit events as part of the same flush as the change they describe."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, event, inspect, select
from sqlalchemy.orm import Session

from audit.describe import record_type
from audit.labels import record_label
from audit.models import AuditAction, AuditEvent
from core.money import format_plain

# Returns (user id or None, label) for whoever is making the change: the signed-in user on the
# web, "cli" from a command. Set by ``create_app``; kept as a hook so this module needs no Flask.
ActorProvider = Callable[[], tuple[int | None, str]]
_actor_provider: ActorProvider = lambda: (None, "system")  # noqa: E731

# A reason for the changes in the current unit of work (a variation, a reopened return...).
REASON_KEY = "audit_reason"


class AuditLogIsAppendOnly(RuntimeError):
    pass


def set_actor_provider(provider: ActorProvider) -> None:
    global _actor_provider
    _actor_provider = provider


def set_reason(session: Session, reason: str | None) -> None:
    """Attach a reason to the audit events of the next flush of ``session``."""
    session.info[REASON_KEY] = reason


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_plain(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _snapshot(obj: Any, *, committed: bool) -> dict[str, Any]:
    state = inspect(obj)
    exclude = getattr(obj, "__audit_exclude__", frozenset())
    values: dict[str, Any] = {}
    stored: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in exclude:
            continue
        if committed:
            history = state.attrs[attr.key].history
            if history.deleted:
                value = history.deleted[0]
            elif history.added:
                # Changed from a value never loaded (expired by a commit): the session does not
                # know the committed value, so read it from the row as the database holds it.
                stored = stored or _stored_values(state)
                value = stored[attr.key]
            else:
                value = getattr(obj, attr.key)
        else:
            value = getattr(obj, attr.key)
        values[attr.key] = _plain(value)
    return values


def _stored_values(state: Any) -> dict[str, Any]:
    """The row of a persistent object as the database holds it before this flush."""
    mapper = state.mapper
    condition = and_(
        *(column == value for column, value in zip(mapper.primary_key, state.identity, strict=True))
    )
    row = (
        state.session.connection()
        .execute(select(mapper.local_table).where(condition))
        .mappings()
        .one()
    )
    return {attr.key: row[attr.columns[0]] for attr in mapper.column_attrs}


def _record_label(obj: Any) -> str:
    """The record's name for the log (``audit.labels``); never the class's repr."""
    with inspect(obj).session.no_autoflush:
        label = record_label(obj)
    return label or f"{record_type(obj.__tablename__)} {inspect(obj).identity[0]}"


def _is_audited(obj: Any) -> bool:
    return getattr(type(obj), "__audited__", False) is True


def record_changes(session: Session, flush_context: Any, instances: Any) -> None:
    actor_id, actor_label = _actor_provider()
    reason = session.info.get(REASON_KEY)
    pending: list[tuple[AuditAction, Any, dict[str, Any] | None, dict[str, Any] | None]] = []
    for obj in session.dirty:
        if not _is_audited(obj) or not session.is_modified(obj, include_collections=False):
            continue
        before = _snapshot(obj, committed=True)
        after = _snapshot(obj, committed=False)
        if before != after:
            pending.append((AuditAction.UPDATE, obj, before, after))
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append((AuditAction.DELETE, obj, _snapshot(obj, committed=True), None))
    for action, obj, before, after in pending:
        session.add(
            AuditEvent(
                actor_id=actor_id,
                actor_label=actor_label,
                action=action,
                table_name=obj.__tablename__,
                record_id=str(inspect(obj).identity[0]),
                record_label=_record_label(obj),
                before=before,
                after=after,
                reason=reason,
            )
        )
    # New rows have no id until they are flushed; record them after the flush.
    session.info.setdefault("audit_new", []).extend(o for o in session.new if _is_audited(o))


def record_creations(session: Session, flush_context: Any) -> None:
    new = session.info.pop("audit_new", [])
    if not new:
        return
    actor_id, actor_label = _actor_provider()
    reason = session.info.get(REASON_KEY)
    for obj in new:
        session.add(
            AuditEvent(
                actor_id=actor_id,
                actor_label=actor_label,
                action=AuditAction.CREATE,
                table_name=obj.__tablename__,
                record_id=str(inspect(obj).identity[0]),
                record_label=_record_label(obj),
                before=None,
                after=_snapshot(obj, committed=False),
                reason=reason,
            )
        )


def clear_reason(session: Session) -> None:
    session.info.pop(REASON_KEY, None)
    session.info.pop("audit_new", None)


def refuse_change(mapper: Any, connection: Any, target: Any) -> None:
    raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")


def install(session_class: type[Session] | Session) -> None:
    """Hook auditing into every session of ``session_class`` (idempotent)."""
    if not event.contains(session_class, "before_flush", record_changes):
        event.listen(session_class, "before_flush", record_changes)
        event.listen(session_class, "after_flush_postexec", record_creations)
        event.listen(session_class, "after_commit", clear_reason)
        event.listen(session_class, "after_rollback", clear_reason)
    if not event.contains(AuditEvent, "before_update", refuse_change):
        event.listen(AuditEvent, "before_update", refuse_change)
        event.listen(AuditEvent, "before_delete", refuse_change)
