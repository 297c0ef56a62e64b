"""Quarterly returns: spend, match funding and reach; spokes submit, finance reviews.

Each route parses, checks permission (the route's ``Permission``, then the spoke scoping for one
return: a spoke lead reaching another spoke's return by URL gets 403; only the recipient's own
lead, or the Hub for the Hub, fills one in), calls one service and renders. A change made from
an out-of-date page answers 409 and shows the form again with what the user typed, so nothing
of theirs is lost; other refused changes answer 400 with the GOV.UK error summary.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from auth.permissions import can, permission_required
from auth.roles import Permission
from auth.scoping import can_edit_for, ensure_can_edit_for, ensure_spoke_visible
from core.cells import whole_number
from core.financial_year import quarter_label
from core.problems import DomainError
from exports.charts import Series, grouped_bar_chart
from extensions import db
from grants.figures import RecipientFigures
from grants.returns import queries, services
from grants.returns import status as year_status
from grants.returns.forms import (
    ApproveReturnForm,
    EditReturnForm,
    ImportReturnForm,
    NewReturnForm,
    ReopenReturnForm,
    SendBackReturnForm,
    SubmitReturnForm,
    attach_return_problems,
    close_year_form,
)
from grants.returns.models import QuarterlyReturn
from grants.returns.spreadsheet import import_return_file
from grants.returns.template import XLSX_MIMETYPE, build_template_for
from grants.returns.underspend import Move, suggest_moves
from grants.vocabulary import REACH_BANDS
from reference.queries import current_financial_year
from web.params import year_or_404

bp = Blueprint("returns", __name__)


# --- the list and starting a return -------------------------------------------------------------


@bp.route("/returns")
@permission_required(Permission.VIEW_RETURNS)
def return_list():
    year = year_or_404(request.args.get("year") or current_financial_year().label)
    years = sorted(set(queries.return_years(current_user)) | {year}, reverse=True)
    rows = queries.return_grid(current_user, year)
    return render_template(
        "grants/returns/return_list.html",
        year=year,
        years=years,
        rows=rows,
        totals=queries.grid_totals(rows),
        quarter_label=quarter_label,
    )


@bp.route("/returns/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_RETURNS)
def return_new():
    recipients = queries.editable_recipients(current_user)
    if not recipients:
        abort(403)
    form = NewReturnForm()
    form.recipient.choices = [(r.code, r.name) for r in recipients]
    form.grant.choices = [(s.code, f"{s.code}: {s.name}") for s in queries.list_streams()]
    wanted = (
        request.form.get("recipient") if request.method == "POST" else request.args.get("recipient")
    )
    if wanted and wanted not in {r.code for r in recipients}:
        abort(403)  # another spoke's return, asked for by URL or a crafted form
    if request.method == "GET":
        form.recipient.data = wanted or recipients[0].code
        form.grant.data = (request.args.get("grant") or "").upper() or None
        form.financial_year.data = request.args.get("year") or current_financial_year().label
        form.quarter.data = request.args.get("quarter")
    summary_problems: list[str] = []
    existing = None  # the return already started for what was chosen, to link to
    if form.validate_on_submit():
        recipient = next(r for r in recipients if r.code == form.recipient.data)
        try:
            ret = services.open_return(
                recipient_id=recipient.id,
                stream_code=form.grant.data,
                financial_year=form.financial_year.data,
                quarter=int(form.quarter.data),
                user=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            summary_problems = attach_return_problems(form, error.problems)
            existing = queries.existing_return(
                recipient.id, form.grant.data, form.financial_year.data, int(form.quarter.data)
            )
        else:
            flash(f"Started {queries.return_name(ret)}")
            return redirect(url_for("returns.return_edit", return_id=ret.id))
    status = 400 if form.errors or summary_problems else 200
    return render_template(
        "grants/returns/return_new.html",
        form=form,
        summary_problems=summary_problems,
        existing=existing,
        existing_name=queries.return_name(existing) if existing else None,
    ), status


# --- one return -------------------------------------------------------------------------------


@bp.route("/returns/<int:return_id>")
@permission_required(Permission.VIEW_RETURNS)
def return_detail(return_id: int):
    ret = _visible_return(return_id)
    return _render_detail(ret)


def _render_detail(
    ret: QuarterlyReturn,
    *,
    status: int = 200,
    form: FlaskForm | None = None,
    summary_problems: list[str] | None = None,
    **forms: Any,
) -> Any:
    figures = queries.build_return_figures(ret)
    version = str(ret.lock_version)
    action_forms = {
        # Each review form has its own prefix, so their fields' ids never clash on the page.
        "approve_form": ApproveReturnForm(formdata=None, lock_version=version, prefix="approve"),
        "send_back_form": SendBackReturnForm(
            formdata=None, lock_version=version, prefix="send_back"
        ),
        "reopen_form": ReopenReturnForm(formdata=None, lock_version=version, prefix="reopen"),
        **forms,
    }
    due = queries.return_due(ret.grant_stream_id, ret.financial_year, ret.quarter)
    return render_template(
        "grants/returns/return_detail.html",
        ret=ret,
        due=due,
        overdue=queries.is_return_overdue(ret, due, date.today()),
        figures=figures,
        history=queries.return_history(ret),
        chart=_spend_chart(ret, figures),
        can_edit=_can_fill_in(ret),
        can_review=can(Permission.REVIEW_RETURNS),
        year_closed=figures.award is not None and figures.award.is_closed,
        reach_bands=REACH_BANDS,
        quarter_label=quarter_label,
        form=form,
        summary_problems=summary_problems or [],
        **action_forms,
    ), status


@bp.route("/returns/<int:return_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_RETURNS)
def return_edit(return_id: int):
    ret = _editable_return(return_id)
    if not ret.status.is_editable:
        flash(f"The return is {ret.status.value}, so it cannot be changed")
        return redirect(url_for("returns.return_detail", return_id=ret.id))
    form = EditReturnForm()
    if request.method == "GET":
        form.fill_from(ret)
    form.label_fields(ret)
    summary_problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            services.save_return(
                ret.id, form.entries(), lock_version=form.loaded_version, user=current_user
            )
        except DomainError as error:
            db.session.rollback()
            status = _status_for(error)
            summary_problems = attach_return_problems(form, error.problems)
        else:
            if form.add_match.data:
                flash("Saved. Add the match funding line below.")
                return redirect(
                    url_for("returns.return_edit", return_id=ret.id, _anchor="match-funding")
                )
            flash(f"Saved {queries.return_name(ret)}")
            return redirect(url_for("returns.return_detail", return_id=ret.id))
    if form.errors or summary_problems:
        status = max(status, 400)
    ret = queries.get_return(return_id) or ret
    return render_template(
        "grants/returns/return_edit.html",
        ret=ret,
        form=form,
        figures=queries.build_return_figures(ret),
        reach_bands=REACH_BANDS,
        summary_problems=summary_problems,
    ), status


@bp.route("/returns/<int:return_id>/submit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_RETURNS)
def return_submit(return_id: int):
    ret = _editable_return(return_id)
    form = SubmitReturnForm()
    if request.method == "GET":
        form.lock_version.data = str(ret.lock_version)
        form.certified_name.data = current_user.name
    summary_problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_return(
                ret.id,
                certified_name=form.certified_name.data,
                certified_role=form.certified_role.data,
                certify=bool(form.certify.data),
                lock_version=form.loaded_version,
                user=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            status = _status_for(error)
            summary_problems = attach_return_problems(form, error.problems)
        else:
            flash(f"Submitted {queries.return_name(ret)} to finance")
            return redirect(url_for("returns.return_detail", return_id=ret.id))
    if form.errors or summary_problems:
        status = max(status, 400)
    ret = queries.get_return(return_id) or ret
    return render_template(
        "grants/returns/return_submit.html",
        ret=ret,
        form=form,
        figures=queries.build_return_figures(ret),
        summary_problems=summary_problems,
    ), status


@bp.route("/returns/<int:return_id>/approve", methods=["POST"])
@permission_required(Permission.REVIEW_RETURNS)
def return_approve(return_id: int):
    ret = _visible_return(return_id)
    form = ApproveReturnForm(prefix="approve")
    return _review(
        ret,
        form,
        "approve_form",
        lambda: services.approve_return(
            ret.id, lock_version=form.loaded_version, user=current_user, comment=form.comment.data
        ),
        "Approved and locked {title}",
    )


@bp.route("/returns/<int:return_id>/return", methods=["POST"])
@permission_required(Permission.REVIEW_RETURNS)
def return_send_back(return_id: int):
    ret = _visible_return(return_id)
    form = SendBackReturnForm(prefix="send_back")
    return _review(
        ret,
        form,
        "send_back_form",
        lambda: services.send_back_return(
            ret.id, comment=form.comment.data, lock_version=form.loaded_version, user=current_user
        ),
        "Returned {title} to the spoke",
    )


@bp.route("/returns/<int:return_id>/reopen", methods=["POST"])
@permission_required(Permission.REVIEW_RETURNS)
def return_reopen(return_id: int):
    ret = _visible_return(return_id)
    form = ReopenReturnForm(prefix="reopen")
    return _review(
        ret,
        form,
        "reopen_form",
        lambda: services.reopen_return(
            ret.id, reason=form.reason.data, lock_version=form.loaded_version, user=current_user
        ),
        "Reopened {title}: it is back with the spoke",
    )


def _review(ret: QuarterlyReturn, form: FlaskForm, name: str, action: Any, done: str) -> Any:
    summary_problems: list[str] = []
    status = 400
    if form.validate_on_submit():
        title = queries.return_name(ret)
        try:
            action()
        except DomainError as error:
            db.session.rollback()
            status = _status_for(error)
            summary_problems = attach_return_problems(form, error.problems)
        else:
            flash(done.format(title=title))
            return redirect(url_for("returns.return_detail", return_id=ret.id))
    fresh = queries.get_return(ret.id) or ret
    return _render_detail(
        fresh, status=status, form=form, summary_problems=summary_problems, **{name: form}
    )


@bp.route("/returns/<int:return_id>/template.xlsx")
@permission_required(Permission.VIEW_RETURNS)
def return_template(return_id: int):
    ret = _visible_return(return_id)
    name = (
        f"return-{ret.recipient.code}-{ret.grant_stream.code}-{ret.financial_year}"
        f"-Q{ret.quarter}.xlsx"
    )
    return Response(
        build_template_for(ret),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/returns/<int:return_id>/import", methods=["GET", "POST"])
@permission_required(Permission.EDIT_RETURNS)
def return_import(return_id: int):
    ret = _editable_return(return_id)
    form = ImportReturnForm()
    if request.method == "GET":
        form.lock_version.data = str(ret.lock_version)
    summary_problems: list[str] = []
    checked: str | None = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            outcome = import_return_file(
                upload.read(),
                upload.filename or "return.xlsx",
                user=current_user,
                dry_run=bool(form.dry_run.data),
                return_id=ret.id,
                lock_version=form.loaded_version,
            )
        except DomainError as error:
            db.session.rollback()
            status = _status_for(error)
            summary_problems = attach_return_problems(form, error.problems) or [error.message]
        else:
            if outcome.dry_run:
                checked = (
                    f"The file passes every check: it would import {outcome.lines} lines "
                    f"and {outcome.match_lines} match funding lines. Nothing was saved."
                )
            else:
                flash(
                    f"Imported {outcome.lines} lines and {outcome.match_lines} match funding "
                    f"lines from {upload.filename}"
                )
                return redirect(url_for("returns.return_detail", return_id=ret.id))
    if form.errors or summary_problems:
        status = max(status, 400)
    return render_template(
        "grants/returns/return_import.html",
        ret=ret,
        form=form,
        checked=checked,
        summary_problems=summary_problems,
    ), status


# --- forecast underspend and the year-end close ---------------------------------------------------


@bp.route("/returns/underspend")
@permission_required(Permission.VIEW_RETURNS)
def return_underspend():
    year = year_or_404(request.args.get("year") or current_financial_year().label)
    quarter = request.args.get("quarter", type=whole_number)
    if quarter not in (None, 1, 2, 3, 4):
        abort(404)
    report = year_status.status_report(year, as_at_quarter=quarter, user=current_user)
    moves = suggest_moves(report.rows)
    years = sorted(set(queries.return_years(current_user)) | {year}, reverse=True)
    return render_template(
        "grants/returns/return_underspend.html",
        report=report,
        year=year,
        quarter=quarter,
        years=years,
        moves=moves,
        under=[r for r in report.rows if not r.is_closed and r.forecast_underspend > 0],
        over=[r for r in report.rows if not r.is_closed and r.forecast_underspend < 0],
        closed=[r for r in report.rows if r.is_closed],
        variation_link=_variation_link(year, quarter, moves),
        move_link=lambda move: _variation_url(
            year,
            quarter,
            move.stream,
            {"from": move.from_recipient, "to": move.to_recipient, "amount": str(move.amount)},
        ),
        can_move=can(Permission.MANAGE_GRANTS),
    )


def _variation_link(year: str, quarter: int | None, moves: tuple[Move, ...]) -> Any:
    """The variation form, prefilled for a row: with the suggested partner when there is one."""

    def link(row: RecipientFigures) -> str:
        giving = row.forecast_underspend > 0
        move = next(
            (
                m
                for m in moves
                if m.stream == row.stream
                and (m.from_recipient if giving else m.to_recipient) == row.recipient
            ),
            None,
        )
        if move is not None:
            return _variation_url(
                year,
                quarter,
                row.stream,
                {"from": move.from_recipient, "to": move.to_recipient, "amount": str(move.amount)},
            )
        return _variation_url(
            year,
            quarter,
            row.stream,
            {
                "from" if giving else "to": row.recipient,
                "amount": str(abs(row.forecast_underspend)),
            },
        )

    return link


def _variation_url(year: str, quarter: int | None, stream: str, args: dict[str, str]) -> str:
    """The variation form (``awards.variation_new``) prefilled from the query string."""
    return url_for(
        "awards.variation_new",
        kind="reallocation",
        year=year,
        stream=stream,
        quarter=quarter,
        **args,
    )


@bp.route("/returns/close", methods=["GET", "POST"])
@permission_required(Permission.REVIEW_RETURNS)
def return_close():
    source = request.form if request.method == "POST" else request.args
    year = year_or_404(source.get("year") or current_financial_year().label)
    grant = (source.get("grant") or "").upper()
    streams = queries.list_streams()
    preview = year_status.close_preview(grant, year) if grant else None
    form = close_year_form(
        [(row.recipient.code, row.recipient.name) for row in (preview.rows if preview else [])]
    )
    summary_problems: list[str] = []
    status = 200
    if preview is not None and form.validate_on_submit():
        try:
            services.close_year(
                stream_code=grant, financial_year=year, reasons=form.reasons(), user=current_user
            )
        except DomainError as error:
            db.session.rollback()
            status = 400
            summary_problems = attach_return_problems(form, error.problems)
        else:
            flash(
                f"Closed {grant} {year}: the final underspends are recorded and the year's "
                "returns are locked"
            )
            return redirect(url_for("returns.return_underspend", year=year))
    elif request.method == "POST":
        status = 400
        summary_problems = ["Choose the grant to close"]
    return render_template(
        "grants/returns/return_close.html",
        year=year,
        grant=grant,
        streams=streams,
        preview=preview,
        form=form,
        summary_problems=summary_problems,
    ), status


# --- helpers ---------------------------------------------------------------------------------


def _visible_return(return_id: int) -> QuarterlyReturn:
    ret = queries.get_return(return_id)
    if ret is None:
        abort(404)
    ensure_spoke_visible(current_user, ret.recipient)
    return ret


def _editable_return(return_id: int) -> QuarterlyReturn:
    ret = _visible_return(return_id)
    ensure_can_edit_for(current_user, ret.recipient)
    return ret


def _can_fill_in(ret: QuarterlyReturn) -> bool:
    return can(Permission.EDIT_RETURNS) and can_edit_for(current_user, ret.recipient)


def _status_for(error: DomainError) -> int:
    return 409 if error.message == services.STALE_MESSAGE else 400


def _spend_chart(ret: QuarterlyReturn, figures: queries.ReturnFigures) -> Markup:
    categories = [row.plan_line.line_ref for row in figures.rows]
    series = [
        Series(f"Profile Q{ret.quarter}", [row.figures.profile for row in figures.rows]),
        Series(f"Actual Q{ret.quarter}", [row.figures.actual for row in figures.rows]),
        Series("Year to date", [row.figures.year_to_date for row in figures.rows]),
        Series("Annual budget", [row.figures.annual_budget for row in figures.rows]),
    ]
    # The chart escapes every text it draws, so its markup is safe to embed.
    return Markup(
        grouped_bar_chart(
            categories, series, title=f"Spend against profile, {services.title_of(ret)}"
        )
    )
