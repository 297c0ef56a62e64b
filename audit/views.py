"""Browse, filter and download the audit log (administrators and auditors; read only)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from audit import queries
from audit.describe import describe_actor, record_type
from audit.models import AuditAction
from audit.readable import describe_changes
from auth.permissions import permission_required
from auth.roles import Permission
from core.cells import whole_number
from exports.csv_files import write_csv
from web.templating import format_timestamp

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
CSV_HEADER = [
    "When (UK time)",
    "Who",
    "Action",
    "Record type",
    "Record",
    "Record id",
    "Reason",
    "Changes",
]


@bp.route("/")
@permission_required(Permission.VIEW_AUDIT)
def event_list():
    filters = queries.EventFilters.from_args(request.args)
    page = max(request.args.get("page", 1, type=whole_number) or 1, 1)
    total = 0 if filters.problem else queries.count_events(filters)
    rows = (
        []
        if filters.problem
        else queries.find_events(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    )
    return render_template(
        "audit/event_list.html",
        rows=rows,
        changes=describe_changes(row.event for row in rows),
        filters=filters,
        tables=queries.record_tables(),
        actions=list(AuditAction),
        page=page,
        pages=max((total - 1) // PAGE_SIZE + 1, 1),
        total=total,
        record_type=record_type,
        describe_actor=describe_actor,
    ), 400 if filters.problem else 200


@bp.route("/events.csv")
@permission_required(Permission.VIEW_AUDIT)
def event_export():
    filters = queries.EventFilters.from_args(request.args)
    found = [] if filters.problem else queries.find_events(filters)
    changes = describe_changes(row.event for row in found)
    rows: list[list[object]] = [CSV_HEADER]
    for row in found:
        event = row.event
        rows.append(
            [
                format_timestamp(event.at),
                describe_actor(event.actor_label, row.user_name),
                event.action.value.capitalize(),
                record_type(event.table_name),
                event.record_label or event.record_id,
                event.record_id,
                event.reason,
                "; ".join(
                    f"{change.field}: {change.before} to {change.after}"
                    for change in changes[event.id]
                ),
            ]
        )
    return Response(
        write_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
