"""Delivery plans: spokes and the Hub fill them in, finance reviews.

Each route parses, checks permission (the route's ``Permission`` and, for one plan, the spoke
scoping: a spoke lead reaching another spoke's plan by URL gets 403), calls one service from
``plan_services`` and renders. A save made from an out-of-date page (``StalePlan``) answers 409
and shows the form again with what the user typed, so nothing of theirs is lost either.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from auth.permissions import permission_required
from auth.roles import Permission
from auth.scoping import can_edit_for, ensure_can_edit_for, ensure_spoke_visible
from core.problems import DomainError, Problem
from extensions import db
from grants.plans import queries as plan_queries
from grants.plans import services as plan_services
from grants.plans.checks import PlanProblem, format_share
from grants.plans.forms import (
    ApprovePlanForm,
    DeleteLineForm,
    NewPlanForm,
    NewVersionForm,
    PlanHeaderForm,
    PlanLineForm,
    ReturnPlanForm,
    SubmitPlanForm,
)
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import ReviewStatus
from reference.queries import current_financial_year, list_grant_streams
from web.forms import attach_problems
from web.params import year_or_404

bp = Blueprint("plans", __name__)

HEADER_FIELDS = ("lead_name", "s151_contact", "priorities")
LINE_FIELDS = (
    "line_ref",
    "title",
    "category",
    "grant_stream",
    "cost_type",
    "spend_type",
    "yef_strand",
    "provider",
    "annual_budget",
    "q1",
    "q2",
    "q3",
    "q4",
    "output_targets",
)


# --- the list and starting a plan ----------------------------------------------------------


@bp.route("/plans")
@permission_required(Permission.VIEW_PLANS)
def plan_list():
    known = plan_queries.plan_years(current_user)
    current = current_financial_year().label
    # Without a chosen year: the current one, unless it has nothing yet and an earlier one has.
    year = year_or_404(
        request.args.get("year") or (current if current in known or not known else known[0])
    )
    years = sorted(set(known) | {year, current}, reverse=True)
    rows = plan_queries.plan_list_rows(current_user, year)
    streams = sorted(
        {code for row in rows for code in row.allocations}
        | {code for row in rows if row.summary for code in row.summary.totals}
    )
    return render_template(
        "grants/plans/plan_list.html",
        year=year,
        years=years,
        rows=rows,
        streams=streams,
        totals=plan_queries.plan_list_totals(rows),
        stream_names={s.code: s.name for s in plan_queries.list_grant_streams()},
        can_edit_for=_can_edit_for,
    )


@bp.route("/plans/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLANS)
def plan_new():
    recipients = [
        r for r in plan_queries.plan_recipients(current_user) if can_edit_for(current_user, r)
    ]
    if not recipients:
        abort(403)
    form = NewPlanForm()
    form.recipient.choices = [(str(r.id), r.name) for r in recipients]
    wanted = (
        request.form.get("recipient") if request.method == "POST" else request.args.get("recipient")
    )
    if wanted and wanted not in {str(r.id) for r in recipients} | {r.code for r in recipients}:
        abort(403)  # another spoke's plan, asked for by URL or a crafted form
    if request.method == "GET":
        form.financial_year.data = request.args.get("year") or current_financial_year().label
        chosen = next((r for r in recipients if wanted in (str(r.id), r.code)), recipients[0])
        form.recipient.data = str(chosen.id)
    summary_problems: list[str] = []
    if form.validate_on_submit():
        try:
            plan = plan_services.create_plan(
                recipient_id=int(form.recipient.data),
                financial_year=form.financial_year.data,
                user=current_user,
                header=_header_input(form),
            )
        except DomainError as error:
            db.session.rollback()
            summary_problems = attach_problems(form, error.problems, show_location=False)
        else:
            flash(
                f"Started version {plan.version} of the {plan.financial_year} plan for "
                f"{plan.recipient.name}"
            )
            return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    status = 400 if form.errors or summary_problems else 200
    return render_template(
        "grants/plans/plan_new.html", form=form, summary_problems=summary_problems
    ), status


# --- one plan ---------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>")
@permission_required(Permission.VIEW_PLANS)
def plan_detail(plan_id: int):
    plan = _visible_plan(plan_id)
    return _render_detail(plan)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLANS)
def plan_edit(plan_id: int):
    plan = _editable_plan(plan_id)
    form = PlanHeaderForm()
    if request.method == "GET":
        form.process(
            data={name: getattr(plan, name) for name in HEADER_FIELDS}
            | {"lock_version": plan.lock_version}
        )
    summary_problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            plan_services.update_header(
                plan.id, _header_input(form), lock_version=form.loaded_version, user=current_user
            )
        except DomainError as error:
            summary_problems, status = _refused(form, error)
        else:
            flash("Saved the plan's details")
            return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    if form.errors and status == 200:
        status = 400
    return render_template(
        "grants/plans/plan_edit.html", plan=plan, form=form, summary_problems=summary_problems
    ), status


@bp.route("/plans/<int:plan_id>/lines/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLANS)
def line_new(plan_id: int):
    plan = _editable_plan(plan_id)
    form = _line_form()
    if request.method == "GET":
        form.lock_version.data = str(plan.lock_version)
        form.grant_stream.data = request.args.get("grant") or None
    summary_problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            line = plan_services.add_line(
                plan.id, _line_input(form), lock_version=form.loaded_version, user=current_user
            )
        except DomainError as error:
            summary_problems, status = _refused(form, error)
        else:
            flash(f"Added line {line.line_ref}")
            return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    if form.errors and status == 200:
        status = 400
    return render_template(
        "grants/plans/line_new.html", plan=plan, form=form, summary_problems=summary_problems
    ), status


@bp.route("/plans/<int:plan_id>/lines/<int:line_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLANS)
def line_edit(plan_id: int, line_id: int):
    plan = _editable_plan(plan_id)
    line = _line_or_404(plan, line_id)
    form = _line_form()
    if request.method == "GET":
        form.process(data=_line_data(line) | {"lock_version": plan.lock_version})
    summary_problems: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            plan_services.update_line(
                plan.id,
                line.id,
                _line_input(form),
                lock_version=form.loaded_version,
                user=current_user,
            )
        except DomainError as error:
            summary_problems, status = _refused(form, error)
        else:
            flash(f"Saved line {form.line_ref.data or line.line_ref}")
            return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    if form.errors and status == 200:
        status = 400
    return render_template(
        "grants/plans/line_edit.html",
        plan=plan,
        line=line,
        form=form,
        summary_problems=summary_problems,
    ), status


@bp.route("/plans/<int:plan_id>/lines/<int:line_id>/delete", methods=["POST"])
@permission_required(Permission.EDIT_PLANS)
def line_delete(plan_id: int, line_id: int):
    plan = _editable_plan(plan_id)
    line = _line_or_404(plan, line_id)
    form = DeleteLineForm()
    ref = line.line_ref
    return _act(
        plan,
        form,
        "Deleted line " + ref,
        lambda: plan_services.delete_line(
            plan.id, line.id, lock_version=form.loaded_version, user=current_user
        ),
    )


@bp.route("/plans/<int:plan_id>/submit", methods=["POST"])
@permission_required(Permission.EDIT_PLANS)
def plan_submit(plan_id: int):
    plan = _editable_plan(plan_id)
    form = SubmitPlanForm(prefix="submit")
    return _act(
        plan,
        form,
        "Submitted the plan to finance",
        lambda: plan_services.submit_plan(
            plan.id, lock_version=form.loaded_version, user=current_user
        ),
    )


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
@permission_required(Permission.REVIEW_PLANS)
def plan_approve(plan_id: int):
    plan = _visible_plan(plan_id)
    form = ApprovePlanForm(prefix="approve")
    return _act(
        plan,
        form,
        "Approved the plan: it is locked",
        lambda: plan_services.approve_plan(
            plan.id, lock_version=form.loaded_version, user=current_user, comment=form.comment.data
        ),
    )


@bp.route("/plans/<int:plan_id>/return", methods=["POST"])
@permission_required(Permission.REVIEW_PLANS)
def plan_return(plan_id: int):
    plan = _visible_plan(plan_id)
    form = ReturnPlanForm(prefix="return")
    return _act(
        plan,
        form,
        "Returned the plan with comments",
        lambda: plan_services.return_plan(
            plan.id, comment=form.comment.data, lock_version=form.loaded_version, user=current_user
        ),
    )


@bp.route("/plans/<int:plan_id>/new-version", methods=["POST"])
@permission_required(Permission.EDIT_PLANS)
def plan_new_version(plan_id: int):
    plan = _visible_plan(plan_id)
    ensure_can_edit_for(current_user, plan.recipient)
    form = NewVersionForm(prefix="version")
    if form.validate_on_submit():
        try:
            new = plan_services.start_new_version(
                plan.id,
                reason=form.change_reason.data,
                lock_version=form.loaded_version,
                user=current_user,
            )
        except DomainError as error:
            summary_problems, status = _refused(form, error, field_for=_version_field)
            return _render_detail(
                plan, status=status, form=form, summary_problems=summary_problems, version_form=form
            )
        flash(f"Started version {new.version}: a draft copy of version {plan.version}")
        return redirect(url_for("plans.plan_detail", plan_id=new.id))
    return _render_detail(plan, status=400, form=form, version_form=form)


# --- helpers ------------------------------------------------------------------------------------


def _act(plan: DeliveryPlan, form: Any, done: str, action: Any) -> Any:
    """Run a button's service (submit, approve, return, delete) and go back to the plan, or show
    the plan again with what stopped it."""
    if form.validate_on_submit():
        try:
            action()
        except DomainError as error:
            summary_problems, status = _refused(form, error, field_for=lambda column: None)
            return _render_detail(
                plan,
                status=status,
                form=form,
                summary_problems=summary_problems,
                **{_form_slot(form): form},
            )
        flash(done)
        return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    return _render_detail(plan, status=400, form=form, **{_form_slot(form): form})


def _form_slot(form: Any) -> str:
    return {
        SubmitPlanForm: "submit_form",
        ApprovePlanForm: "approve_form",
        ReturnPlanForm: "return_form",
        NewVersionForm: "version_form",
        DeleteLineForm: "delete_form",
    }[type(form)]


def _refused(
    form: FlaskForm, error: DomainError, *, field_for: Any = None
) -> tuple[list[str], int]:
    """Roll back, put each problem against its field where the form has one and the rest in the
    error summary, and say which status to answer with (409 for an out-of-date page)."""
    db.session.rollback()
    field_for = field_for or _field_for
    placed = [p for p in error.problems if field_for(p.column) in form._fields]
    rest = [describe_problem(p) for p in error.problems if p not in placed]
    summary = attach_problems(form, placed, field_for, show_location=False) + rest
    status = 409 if isinstance(error, plan_services.StalePlan) else 400
    return summary, status


def _field_for(column: str | None) -> str | None:
    if column == "profile":
        return "q1"
    if column in ("lock_version", "status", "recipient", "plan", "line"):
        return None
    return column


def _version_field(column: str | None) -> str | None:
    return "change_reason" if column == "change_reason" else None


def describe_problem(problem: Problem) -> str:
    """A problem as one sentence for the plan page: ``Line INT-01: ...`` for a line."""
    text = problem.message[:1].upper() + problem.message[1:]
    if isinstance(problem, PlanProblem) and problem.line_ref:
        return f"Line {problem.line_ref}: {problem.message}"
    return text


def _render_detail(
    plan: DeliveryPlan,
    *,
    status: int = 200,
    form: Any = None,
    summary_problems: list[str] | None = None,
    **forms: Any,
) -> Any:
    summary = plan_queries.summarise_plan(plan)
    lock = {"lock_version": plan.lock_version}
    forms = {
        "submit_form": SubmitPlanForm(prefix="submit", formdata=None, data=lock),
        "approve_form": ApprovePlanForm(prefix="approve", formdata=None, data=lock),
        "return_form": ReturnPlanForm(prefix="return", formdata=None, data=lock),
        "version_form": NewVersionForm(prefix="version", formdata=None, data=lock),
        "delete_form": DeleteLineForm(formdata=None, data=lock),
    } | forms
    editable = plan.status.is_editable and _can_edit_for(plan.recipient)
    versions = plan_queries.plan_versions(plan.recipient_id, plan.financial_year)
    due = plan_queries.plan_due(plan.financial_year)
    previous, changes = plan_queries.changes_from_previous_version(plan)
    return render_template(
        "grants/plans/plan_detail.html",
        plan=plan,
        due=due,
        overdue=plan_queries.is_plan_overdue(plan, due, date.today()),
        summary=summary,
        streams=summary.streams,
        stream_names={stream.code: stream.name for stream in list_grant_streams()},
        checks=_check_items(plan, summary.problems, editable),
        warnings=[describe_problem(p) for p in summary.warnings],
        editable=editable,
        can_edit=_can_edit_for(plan.recipient),
        is_latest=versions[0].id == plan.id,
        versions=versions,
        previous=previous,
        changes=changes,
        share=format_share,
        ReviewStatus=ReviewStatus,
        form=form,
        summary_problems=summary_problems or [],
        **forms,
    ), status


def _check_items(
    plan: DeliveryPlan, problems: list[Problem], editable: bool
) -> list[dict[str, str | None]]:
    """The checks for the page: each problem, linked to its line when the line can be fixed."""
    line_ids = {line.line_ref: line.id for line in plan.lines}
    items = []
    for problem in problems:
        href = None
        if editable and isinstance(problem, PlanProblem) and problem.line_ref in line_ids:
            href = url_for("plans.line_edit", plan_id=plan.id, line_id=line_ids[problem.line_ref])
        elif editable and problem.column in HEADER_FIELDS:
            href = url_for("plans.plan_edit", plan_id=plan.id)
        items.append({"text": describe_problem(problem), "href": href})
    return items


def _can_edit_for(recipient: Any) -> bool:
    return current_user.can(Permission.EDIT_PLANS) and can_edit_for(current_user, recipient)


def _visible_plan(plan_id: int) -> DeliveryPlan:
    plan = db.session.get(DeliveryPlan, plan_id)
    if plan is None:
        abort(404)
    ensure_spoke_visible(current_user, plan.recipient)
    return plan


def _editable_plan(plan_id: int) -> DeliveryPlan:
    plan = _visible_plan(plan_id)
    ensure_can_edit_for(current_user, plan.recipient)
    return plan


def _line_or_404(plan: DeliveryPlan, line_id: int) -> PlanLine:
    line = next((x for x in plan.lines if x.id == line_id), None)
    if line is None:
        abort(404)
    return line


def _line_form() -> PlanLineForm:
    form = PlanLineForm()
    form.grant_stream.choices = [
        (s.code, f"{s.code}: {s.name}") for s in plan_queries.list_grant_streams()
    ]
    return form


def _line_data(line: PlanLine) -> dict[str, Any]:
    data = {name: getattr(line, name) for name in LINE_FIELDS if name != "grant_stream"}
    data["grant_stream"] = line.grant_stream.code
    for name in ("category", "cost_type", "spend_type"):
        data[name] = data[name].value
    for name in ("annual_budget", "q1", "q2", "q3", "q4"):
        data[name] = str(data[name])
    return data


def _line_input(form: PlanLineForm) -> plan_services.LineInput:
    return plan_services.LineInput(**{name: getattr(form, name).data for name in LINE_FIELDS})


def _header_input(form: Any) -> plan_services.HeaderInput:
    return plan_services.HeaderInput(**{name: getattr(form, name).data for name in HEADER_FIELDS})
