"""The partnership's set-up pages (administrators): the partnership at a glance; add, rename and
close spokes and grant streams; add financial years. ``vrp setup`` does the same from a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from auth.permissions import permission_required
from auth.roles import Permission
from core.problems import DomainError
from extensions import db
from partnership import queries, services
from partnership.forms import CloseForm, ReopenForm, SpokeForm, StreamForm, YearForm
from web.forms import show_problems

bp = Blueprint("partnership", __name__, url_prefix="/admin/partnership")


@bp.route("/")
@permission_required(Permission.MANAGE_REFERENCE)
def overview():
    return render_template(
        "partnership/overview.html",
        overview=queries.partnership_overview(),
        year_form=YearForm(),
        reopen_form=ReopenForm(),
    )


@bp.route("/spokes/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def spoke_new():
    form = SpokeForm()
    return _form_page(
        form,
        "Add a spoke",
        lambda: services.add_spoke(_spoke_fields(form)),
        lambda spoke: f"Added {spoke.name}",
    )


@bp.route("/spokes/<code>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def spoke_edit(code: str):
    spoke = queries.spoke_or_none(code) or abort(404)
    form = SpokeForm(obj=spoke)
    del form.code
    return _form_page(
        form,
        f"Change {spoke.name}",
        lambda: services.update_spoke(code, _spoke_fields(form)),
        lambda spoke: f"Saved {spoke.name}",
    )


@bp.route("/spokes/<code>/close", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def spoke_close(code: str):
    spoke = queries.spoke_or_none(code) or abort(404)
    form = CloseForm()
    return _form_page(
        form,
        f"Close {spoke.name}",
        lambda: services.close_spoke(code, form.closed_from.data, form.reason.data),
        lambda spoke: f"Closed {spoke.name} from {spoke.closed_from}",
    )


@bp.route("/spokes/<code>/reopen", methods=["POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def spoke_reopen(code: str):
    queries.spoke_or_none(code) or abort(404)
    return _post(
        ReopenForm(), lambda: services.reopen_spoke(code), lambda spoke: f"Reopened {spoke.name}"
    )


@bp.route("/streams/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def stream_new():
    form = StreamForm()
    return _form_page(
        form,
        "Add a grant stream",
        lambda: services.add_stream(_stream_fields(form)),
        lambda stream: f"Added the {stream.name}",
    )


@bp.route("/streams/<code>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def stream_edit(code: str):
    stream = queries.stream_or_none(code) or abort(404)
    form = StreamForm(obj=stream)
    del form.code
    return _form_page(
        form,
        f"Change the {stream.name}",
        lambda: services.update_stream(code, _stream_fields(form)),
        lambda stream: f"Saved the {stream.name}",
    )


@bp.route("/streams/<code>/close", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def stream_close(code: str):
    stream = queries.stream_or_none(code) or abort(404)
    form = CloseForm()
    return _form_page(
        form,
        f"Close the {stream.name}",
        lambda: services.close_stream(code, form.closed_from.data, form.reason.data),
        lambda stream: f"Closed the {stream.name} from {stream.closed_from}",
    )


@bp.route("/streams/<code>/reopen", methods=["POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def stream_reopen(code: str):
    queries.stream_or_none(code) or abort(404)
    return _post(
        ReopenForm(),
        lambda: services.reopen_stream(code),
        lambda stream: f"Reopened the {stream.name}",
    )


@bp.route("/years", methods=["POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def year_new():
    form = YearForm()
    if not form.validate_on_submit():
        return render_template(
            "partnership/overview.html",
            overview=queries.partnership_overview(),
            year_form=form,
            form=form,
            reopen_form=ReopenForm(),
        ), 400
    return _post(
        form,
        lambda: services.add_financial_year(
            form.financial_year.data, make_current=form.make_current.data
        ),
        lambda year: f"Added {year.label}",
    )


def _form_page(
    form: FlaskForm, title: str, action: Callable[[], Any], done: Callable[[Any], str]
) -> Any:
    summary_problems: list[str] = []
    if form.validate_on_submit():
        try:
            record = action()
        except DomainError as error:
            db.session.rollback()
            summary_problems = show_problems(form, error.problems)
        else:
            flash(done(record))
            return redirect(url_for("partnership.overview"))
    status = 400 if form.errors or summary_problems else 200
    return render_template(
        "partnership/form.html", form=form, title=title, summary_problems=summary_problems
    ), status


def _post(form: FlaskForm, action: Callable[[], Any], done: Callable[[Any], str]) -> Any:
    if not form.validate_on_submit():
        abort(400)
    try:
        record = action()
    except DomainError as error:
        db.session.rollback()
        for problem in error.problems:
            flash(problem.message[:1].upper() + problem.message[1:])
    else:
        flash(done(record))
    return redirect(url_for("partnership.overview"))


def _spoke_fields(form: SpokeForm) -> services.SpokeFields:
    return services.SpokeFields(
        code=form.code.data if "code" in form else None,
        name=form.name.data,
        org_id=form.org_id.data,
        gss_code=form.gss_code.data,
        colour=form.colour.data,
        active_from=form.active_from.data,
    )


def _stream_fields(form: StreamForm) -> services.StreamFields:
    return services.StreamFields(
        code=form.code.data if "code" in form else None,
        name=form.name.data,
        description=form.description.data,
        active_from=form.active_from.data,
    )
