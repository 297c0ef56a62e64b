"""The Home Office outputs page and its downloads. Every download goes through the one
permission check; a spoke lead gets only their own spoke's delivery plan (the consolidated
outputs cover every recipient, so they are refused them). A download is always produced: when
returns or plans are still in draft it is marked DRAFT on every page and sheet."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from reference.queries import current_financial_year, list_grant_streams
from reports import annual, delivery, giving, queries
from reports.document import Report
from reports.pages import build_pdf
from reports.workbook import build_workbook

bp = Blueprint("reports", __name__, url_prefix="/reports")

MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "csv": "text/csv",
}


@bp.route("/")
@permission_required(Permission.VIEW_PLANS)
def index():
    year = request.args.get("year") or current_financial_year().label
    return render_template(
        "reports/index.html",
        year=year,
        years=queries.report_years(),
        streams=list_grant_streams(),
        spoke=current_user.spoke if current_user.is_spoke_scoped else None,
    )


def _send(report: Report | None, body: bytes, fmt: str, stem: str) -> Response:
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


def _render(gather, fmt: str, stem: str) -> Response:  # type: ignore[no-untyped-def]
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    try:
        report = gather()
    except queries.ReportError as error:
        abort(404, description=str(error))
    body = build_pdf(report) if fmt == "pdf" else build_workbook(report)
    return _send(report, body, fmt, stem + ("-draft" if report.is_draft else ""))


def _refuse_spoke_leads() -> None:
    if current_user.is_spoke_scoped:
        abort(403)


@bp.route("/<year>/delivery-plan.<fmt>")
@permission_required(Permission.VIEW_PLANS)
def delivery_plan_download(year: str, fmt: str):
    spoke = request.args.get("spoke") or None
    if current_user.is_spoke_scoped:
        own = current_user.spoke.code if current_user.spoke else None
        if spoke is None or spoke != own:
            abort(403)
    stem = f"delivery-plan-{year}" + (f"-{spoke}" if spoke else "")
    return _render(lambda: delivery.delivery_plan(year, spoke, allow_draft=True), fmt, stem)


@bp.route("/<year>/quarterly-return-<grant>-q<int:quarter>.<fmt>")
@permission_required(Permission.VIEW_RETURNS)
def quarterly_return_download(year: str, grant: str, quarter: int, fmt: str):
    _refuse_spoke_leads()
    return _render(
        lambda: queries.quarterly_return(grant, year, quarter, allow_draft=True),
        fmt,
        f"quarterly-return-{grant}-{year}-q{quarter}",
    )


@bp.route("/<year>/annual-summary.<fmt>")
@permission_required(Permission.VIEW_GRANTS)
def annual_summary_download(year: str, fmt: str):
    _refuse_spoke_leads()
    return _render(
        lambda: annual.annual_summary(year, allow_draft=True), fmt, f"annual-summary-{year}"
    )


@bp.route("/<year>/360giving.<fmt>")
@permission_required(Permission.VIEW_GRANTS)
def giving_download(year: str, fmt: str):
    _refuse_spoke_leads()
    if fmt not in ("json", "csv"):
        abort(404)
    try:
        grants = giving.year_grants(year)
    except queries.ReportError as error:
        abort(404, description=str(error))
    problems = giving.validate(grants)
    if problems:
        abort(500, description="The 360Giving data does not meet the schema.")
    body = giving.as_json(grants) if fmt == "json" else giving.as_csv(grants)
    return _send(None, body, fmt, f"360giving-{year}")
