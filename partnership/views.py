"""The partnership's set-up pages (administrators): the partnership at a glance; add, rename and
close spokes and grant streams; add financial years. ``vrp setup`` does the same from a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from auth.permissions import permission_required
from auth.roles import Permission
from core.problems import DomainError
from extensions import db
from partnership import queries, services
from partnership.forms import CloseForm, ReopenForm, SpokeForm, StreamForm, YearForm
from web.forms import render_form, submit

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


@dataclass(frozen=True)
class _Kind:
    """Spokes and grant streams are set up alike: added, changed, closed and reopened."""

    what: str
    form: type[SpokeForm] | type[StreamForm]
    find: Callable[[str], Any]
    add: Callable[[Any], Any]
    update: Callable[[str, Any], Any]
    close: Callable[[str, str | None, str | None], Any]
    reopen: Callable[[str], Any]
    fields: Callable[[Any], Any]


KINDS = {
    "spokes": _Kind(
        "spoke",
        SpokeForm,
        queries.spoke_or_none,
        services.add_spoke,
        services.update_spoke,
        services.close_spoke,
        services.reopen_spoke,
        lambda form: _fields(services.SpokeFields, form),
    ),
    "streams": _Kind(
        "grant stream",
        StreamForm,
        queries.stream_or_none,
        services.add_stream,
        services.update_stream,
        services.close_stream,
        services.reopen_stream,
        lambda form: _fields(services.StreamFields, form),
    ),
}


@bp.route("/<any(spokes, streams):kind>/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def record_new(kind: str):
    k = KINDS[kind]
    form = k.form()
    return _form_page(
        form,
        f"Add a {k.what}",
        lambda: k.add(k.fields(form)),
        lambda record: f"Added {record.name}",
    )


@bp.route("/<any(spokes, streams):kind>/<code>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def record_edit(kind: str, code: str):
    k = KINDS[kind]
    record = k.find(code) or abort(404)
    form = k.form(obj=record)
    del form.code  # a code stays: files and web addresses use it
    return _form_page(
        form,
        f"Change {record.name}",
        lambda: k.update(code, k.fields(form)),
        lambda record: f"Saved {record.name}",
    )


@bp.route("/<any(spokes, streams):kind>/<code>/close", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def record_close(kind: str, code: str):
    k = KINDS[kind]
    record = k.find(code) or abort(404)
    form = CloseForm()
    return _form_page(
        form,
        f"Close {record.name}",
        lambda: k.close(code, form.closed_from.data, form.reason.data),
        lambda record: f"Closed {record.name} from {record.closed_from}",
    )


@bp.route("/<any(spokes, streams):kind>/<code>/reopen", methods=["POST"])
@permission_required(Permission.MANAGE_REFERENCE)
def record_reopen(kind: str, code: str):
    k = KINDS[kind]
    k.find(code) or abort(404)
    return _post(ReopenForm(), lambda: k.reopen(code), lambda record: f"Reopened {record.name}")


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
        lambda year: (
            f"Added {year.label}"
            if year.is_new
            else f"{year.label} is already set up"
            + (", and is now the current year" if form.make_current.data else "")
        ),
    )


def _form_page(
    form: FlaskForm, title: str, action: Callable[[], Any], done: Callable[[Any], str]
) -> Any:
    submitted = submit(form, action)
    if submitted.saved:
        flash(done(submitted.result))
        return redirect(url_for("partnership.overview"))
    return render_form("partnership/form.html", form, submitted, title=title)


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


def _fields(kind: type[Any], form: FlaskForm) -> Any:
    """The dataclass of what was typed, from the form fields of the same names."""
    names = [f.name for f in dataclass_fields(kind)]
    return kind(**{name: form[name].data for name in names if name in form})
