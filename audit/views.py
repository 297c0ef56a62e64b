"""Browse and filter the audit log (administrators and auditors; read only)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from audit.models import AuditAction, AuditEvent
from auth.permissions import permission_required
from auth.roles import Permission
from extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


@bp.route("/")
@permission_required(Permission.VIEW_AUDIT)
def event_list():
    filters = {
        k: (request.args.get(k) or "").strip()
        for k in ("table", "action", "actor", "record", "from", "to")
    }
    statement = select(AuditEvent)
    if filters["table"]:
        statement = statement.where(AuditEvent.table_name == filters["table"])
    if filters["action"] in {a.value for a in AuditAction}:
        statement = statement.where(AuditEvent.action == AuditAction(filters["action"]))
    if filters["actor"]:
        statement = statement.where(AuditEvent.actor_label.contains(filters["actor"]))
    if filters["record"]:
        statement = statement.where(
            (AuditEvent.record_id == filters["record"])
            | AuditEvent.record_label.contains(filters["record"])
        )
    if (start := _parse_date(filters["from"])) is not None:
        statement = statement.where(AuditEvent.at >= start)
    if (end := _parse_date(filters["to"])) is not None:
        statement = statement.where(
            AuditEvent.at < datetime.combine(end.date(), time.max, tzinfo=UTC)
        )
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    events = db.session.scalars(
        statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    tables = db.session.scalars(
        select(AuditEvent.table_name).distinct().order_by(AuditEvent.table_name)
    ).all()
    return render_template(
        "audit/event_list.html",
        events=events,
        filters=filters,
        tables=tables,
        actions=list(AuditAction),
        page=page,
        total=total,
        page_size=PAGE_SIZE,
    )
