"""Browse, filter and download the audit log (administrators and auditors; read only)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from audit import queries
from audit.describe import describe_actor, describe_value, field_name, record_type
from audit.models import AuditAction
from auth.permissions import permission_required
from auth.roles import Permission
from exports.csv_files import write_csv
from web.templating import format_timestamp

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
CSV_HEADER = ["When (UK time)", "Who", "Action", "Record type", "Record", "Reason", "Changes"]


@bp.route("/")
@permission_required(Permission.VIEW_AUDIT)
def event_list():
    filters = queries.EventFilters.from_args(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = queries.count_events(filters)
    return render_template(
        "audit/event_list.html",
        rows=queries.find_events(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE),
        filters=filters,
        tables=queries.record_tables(),
        actions=list(AuditAction),
        page=page,
        pages=max((total - 1) // PAGE_SIZE + 1, 1),
        total=total,
        record_type=record_type,
        describe_actor=describe_actor,
        describe_value=describe_value,
        field_name=field_name,
    )


@bp.route("/events.csv")
@permission_required(Permission.VIEW_AUDIT)
def event_export():
    filters = queries.EventFilters.from_args(request.args)
    rows: list[list[object]] = [CSV_HEADER]
    for row in queries.find_events(filters):
        event = row.event
        rows.append(
            [
                format_timestamp(event.at),
                describe_actor(event.actor_label, row.user_name),
                event.action.value,
                record_type(event.table_name),
                event.record_label or event.record_id,
                event.reason,
                "; ".join(
                    f"{field_name(name)}: {describe_value(before)} to {describe_value(after)}"
                    for name, before, after in event.changed_fields()
                ),
            ]
        )
    return Response(
        write_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
