"""The interventions register on the web: the filterable list with the year's reach totals (and
where the annual report disagrees with itself), exports, one intervention with its reach per
quarter, adding one, recording a quarter's reach, and the YEF strands table.

Spoke leads see and edit their own spoke's interventions (another spoke's is 404 to them)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.permissions import permission_required
from auth.roles import Permission
from commissioning.interventions import queries, services
from commissioning.interventions.forms import InterventionForm, ReachForm, StrandForm
from commissioning.interventions.models import REACH_NAMES, Intervention, YefStrand
from commissioning.rounds import queries as round_queries
from commissioning.vocabulary import INTERVENTION_TYPES, STRATEGIC_COMMITMENTS, Level
from core.cells import whole_number, whole_numbers
from core.financial_year import FinancialYear, FinancialYearError
from exports.csvs import write_csv
from exports.spreadsheets import write_xlsx
from extensions import db
from reference.queries import current_financial_year
from web.forms import refusing, render_form, submit

bp = Blueprint("interventions", __name__, url_prefix="/commissioning")


def _filters() -> queries.Filters:
    known = queries.years()
    year = request.args.get("year") or (known[0] if known else current_financial_year().label)
    try:
        FinancialYear.parse(year)
    except FinancialYearError:
        abort(404)
    return queries.Filters(
        year=year,
        spoke=request.args.get("spoke") or None,
        type=request.args.get("type") or None,
        level=request.args.get("level") or None,
        commitment=request.args.get("commitment") or None,
    )


@bp.route("/interventions")
@permission_required(Permission.VIEW_INTERVENTIONS)
def intervention_list():
    filters = _filters()
    rows = queries.interventions(current_user, filters)
    total = queries.reach_totals(rows, filters.year)
    unfiltered = filters == queries.Filters(year=filters.year) and not current_user.is_spoke_scoped
    return render_template(
        "commissioning/interventions/intervention_list.html",
        filters=filters,
        year_options=[(y, y) for y in sorted(set(queries.years()) | {filters.year}, reverse=True)],
        rows=rows,
        reach={i.id: queries.reach_of(i, filters.year) for i in rows},
        total=total,
        differences=queries.differences(filters.year, rows, total) if unfiltered else [],
        spoke_options=[(s.code, s.name) for s in queries.visible_spokes(current_user)],
        types=INTERVENTION_TYPES,
        level_options=[(level.value, level.label) for level in Level],
        commitments=STRATEGIC_COMMITMENTS,
        reach_names=REACH_NAMES,
    )


@bp.route("/interventions/export.<fmt>")
@permission_required(Permission.VIEW_INTERVENTIONS)
def intervention_export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = _filters()
    rows = queries.export_rows(queries.interventions(current_user, filters), filters.year)
    name = f"interventions-{filters.year}.{fmt}"
    if fmt == "xlsx":
        body = write_xlsx({f"Interventions {filters.year}": rows})
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = write_csv(rows).encode("utf-8")
        mimetype = "text/csv"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/interventions/<int:intervention_id>")
@permission_required(Permission.VIEW_INTERVENTIONS)
def intervention_detail(intervention_id: int):
    intervention = _visible(intervention_id)
    return render_template(
        "commissioning/interventions/intervention_detail.html",
        intervention=intervention,
        reach_names=REACH_NAMES,
        can_edit=current_user.can(Permission.EDIT_INTERVENTIONS)
        and queries.can_edit(current_user, intervention),
    )


@bp.route("/interventions/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_INTERVENTIONS)
def intervention_new():
    return _intervention_form(None)


@bp.route("/interventions/<int:intervention_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_INTERVENTIONS)
def intervention_edit(intervention_id: int):
    intervention = _visible(intervention_id)
    if not queries.can_edit(current_user, intervention):
        abort(404)
    return _intervention_form(intervention)


def _intervention_form(intervention: Intervention | None):
    form = InterventionForm()
    form.spokes.choices = [(str(s.id), s.name) for s in queries.visible_spokes(current_user)]
    form.provider.choices = round_queries.provider_choices()
    form.yef_strand.choices = round_queries.strand_choices()
    if request.method == "GET":
        if intervention is None:
            form.financial_year.data = current_financial_year().label
        else:
            form.process(data=_form_data(intervention))

    def save() -> Intervention:
        data = _intervention_input(form)
        if intervention is None:
            return services.create_intervention(data, user=current_user)
        return services.update_intervention(intervention.id, data, user=current_user)

    submitted = submit(form, refusing(save, services.NotYours, say_why=False))
    if submitted.saved:
        saved = submitted.result
        flash(f"Saved {saved.name}")
        return redirect(url_for("interventions.intervention_detail", intervention_id=saved.id))
    return render_form(
        "commissioning/interventions/intervention_new.html",
        form,
        submitted,
        intervention=intervention,
    )


def _form_data(i: Intervention) -> dict[str, object]:
    return {
        "name": i.name,
        "financial_year": i.financial_year,
        "spokes": [str(s.id) for s in i.spokes],
        "intervention_type": i.intervention_type,
        "yef_strand": str(i.yef_strand_id or ""),
        "level": i.level.value,
        "commitments": i.commitment_codes,
        "provider": str(i.provider_id or ""),
        "cohort": i.cohort,
        "age_band": i.age_band or "",
        "setting": i.setting,
        "starts_on": i.starts_on,
        "ends_on": i.ends_on,
        "status": i.status.value,
        "annual_cost": str(i.annual_cost),
        "output_description": i.output_description,
        "output_target": "" if i.output_target is None else str(i.output_target),
    }


def _intervention_input(form: InterventionForm) -> services.InterventionInput:
    return services.InterventionInput(
        name=form.name.data,
        financial_year=form.financial_year.data,
        intervention_type=form.intervention_type.data,
        level=form.level.data,
        spoke_ids=whole_numbers(form.spokes.data or []),
        commitments=list(form.commitments.data or []),
        provider_id=whole_number(form.provider.data),
        yef_strand_id=whole_number(form.yef_strand.data),
        cohort=form.cohort.data,
        age_band=form.age_band.data or None,
        setting=form.setting.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        status=form.status.data,
        annual_cost=form.annual_cost.data,
        output_description=form.output_description.data,
        output_target=form.output_target.data,
    )


@bp.route(
    "/interventions/<int:intervention_id>/reach/<year>/<int:quarter>", methods=["GET", "POST"]
)
@permission_required(Permission.EDIT_INTERVENTIONS)
def reach_edit(intervention_id: int, year: str, quarter: int):
    intervention = _visible(intervention_id)
    if not queries.can_edit(current_user, intervention) or quarter not in (1, 2, 3, 4):
        abort(404)
    form = ReachForm()
    existing = next(
        (r for r in intervention.reach if r.financial_year == year and r.quarter == quarter), None
    )
    if request.method == "GET" and existing is not None:
        for name in (*REACH_NAMES, "outputs"):
            form[name].data = str(getattr(existing, name))

    def record() -> None:
        services.record_reach(
            intervention.id,
            financial_year=year,
            quarter=quarter,
            counts={name: form[name].data for name in (*REACH_NAMES, "outputs")},
            user=current_user,
        )

    submitted = submit(form, refusing(record, services.NotYours, say_why=False))
    if submitted.saved:
        flash(f"Saved the reach for Q{quarter} {year}")
        return redirect(
            url_for("interventions.intervention_detail", intervention_id=intervention.id)
        )
    return render_form(
        "commissioning/interventions/reach_edit.html",
        form,
        submitted,
        intervention=intervention,
        year=year,
        quarter=quarter,
        reach_names=(*REACH_NAMES, "outputs"),
    )


@bp.route("/strands")
@permission_required(Permission.VIEW_STRANDS)
def strand_list():
    return render_template(
        "commissioning/interventions/strand_list.html", strands=queries.strands()
    )


@bp.route("/strands/<int:strand_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_STRANDS)
def strand_edit(strand_id: int):
    strand: YefStrand = db.get_or_404(YefStrand, strand_id)
    form = StrandForm(obj=strand) if request.method == "GET" else StrandForm()
    submitted = submit(
        form, lambda: services.update_strand(strand.id, _strand_input(form), user=current_user)
    )
    if submitted.saved:
        flash(f"Saved {strand.name}")
        return redirect(url_for("interventions.strand_list"))
    return render_form(
        "commissioning/interventions/strand_edit.html", form, submitted, strand=strand
    )


def _strand_input(form: StrandForm) -> services.StrandInput:
    return services.StrandInput(
        form.name.data,
        form.impact.data,
        form.evidence.data,
        form.cost.data,
        form.as_of.data,
        form.notes.data,
    )


def _visible(intervention_id: int) -> Intervention:
    intervention: Intervention = db.get_or_404(Intervention, intervention_id)
    if not queries.can_see(current_user, intervention):
        abort(404)
    return intervention
