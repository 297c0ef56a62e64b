"""Pages for formulas, indicator datasets, runs, scenario comparison, approval, allocations."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from allocations import queries, services
from allocations.comparison import (
    RunFacts,
    amounts_by_recipient,
    baseline_first,
    column_totals,
    compare_results,
    default_baseline,
    describe_mixed,
)
from allocations.forms import (
    ApproveRunForm,
    CompareForm,
    FormulaForm,
    RunForm,
    UploadFormulaForm,
    UploadIndicatorsForm,
)
from allocations.formula_text import build_formula_toml, field_for_key, fields_from_spec
from allocations.models import FormulaRun, FormulaVersion, IndicatorDataset, RunStatus
from allocations.names import RecipientNames, indicator_label
from auth.permissions import permission_required
from auth.roles import Permission
from core.cells import whole_number, whole_numbers
from core.problems import DomainError, Problem
from exports.charts import Series, grouped_bar_chart
from exports.spreadsheets import write_xlsx
from extensions import db
from formulas.report import build_sheets, format_csv
from reference.queries import list_grant_streams
from web.forms import attach_problems, render_form, submit
from web.params import year_or_404

bp = Blueprint("allocations", __name__)


def _on_fields(form: FlaskForm, problems: Iterable[Problem]) -> list[str]:
    """The service's problems on their fields, as the form's own sentences (no file or row)."""
    return attach_problems(form, problems, show_location=False)


def _in_summary(form: FlaskForm, problems: Iterable[Problem]) -> list[str]:
    """Every problem with an uploaded file in the error summary, with its file and row."""
    return attach_problems(form, problems, lambda column: None)


def _get_or_404(model, id_):  # type: ignore[no-untyped-def]
    found = db.session.get(model, id_)
    if found is None:
        abort(404)
    return found


@bp.route("/formulas")
@permission_required(Permission.VIEW_FORMULAS)
def formula_list():
    return render_template(
        "allocations/formula_list.html",
        versions=queries.list_formula_versions(),
        datasets=queries.list_datasets(),
        runs=queries.list_runs(limit=20),
    )


@bp.route("/formulas/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_FORMULAS)
def formula_new():
    form = FormulaForm()
    form.grant.choices = [("", "No grant (a scenario only)")] + [
        (s.code, f"{s.code}: {s.name}") for s in list_grant_streams()
    ]
    upload = UploadFormulaForm(prefix="upload")
    summary_problems: list[str] = []
    base = request.args.get("from", type=whole_number)
    base_version = None
    if request.method == "GET" and base:
        base_version = _get_or_404(FormulaVersion, base)
        base_spec = services.load_spec(base_version)
        if len(base_spec.top_slices) > 1:
            # The form holds one top slice; prefilling would silently drop the others.
            summary_problems.append(
                f"{base_version.title} has {len(base_spec.top_slices)} top slices, and this "
                "form holds one: download its formula file, change it, and upload it below"
            )
        else:
            form.process(data=fields_from_spec(base_spec))
            form.version.data = ""
    if form.submit.data and form.validate_on_submit():
        try:
            toml_text = build_formula_toml(form.data)
            version = services.create_formula_version(
                toml_text,
                user=current_user,
                filename="formula form",
                change_note=form.change_note.data,
            )
        except DomainError as error:
            db.session.rollback()
            summary_problems = attach_problems(
                form, error.problems, field_for_key, show_location=False
            )
        else:
            flash(f"Saved {version.title}")
            return redirect(url_for("allocations.formula_detail", version_id=version.id))
    elif upload.submit.data and upload.validate_on_submit():
        file = upload.file.data
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            upload.file.errors = [*upload.file.errors, "The file is not UTF-8 text"]
        else:
            try:
                version = services.create_formula_version(
                    text,
                    user=current_user,
                    filename=file.filename or "formula.toml",
                    change_note=upload.change_note.data,
                )
            except DomainError as error:
                db.session.rollback()
                summary_problems = attach_problems(upload, error.problems, lambda c: None)
            else:
                flash(f"Saved {version.title}")
                return redirect(url_for("allocations.formula_detail", version_id=version.id))
    status = 400 if form.errors or upload.errors or summary_problems else 200
    # base.html's error summary reads ``form``: the one that was sent.
    return render_template(
        "allocations/formula_new.html",
        formula_form=form,
        upload=upload,
        summary_problems=summary_problems,
        form=upload if upload.submit.data else form,
    ), status


@bp.route("/formulas/<int:version_id>")
@permission_required(Permission.VIEW_FORMULAS)
def formula_detail(version_id: int):
    version = _get_or_404(FormulaVersion, version_id)
    return render_template(
        "allocations/formula_detail.html", version=version, spec=services.load_spec(version)
    )


@bp.route("/formulas/<int:version_id>/formula.toml")
@permission_required(Permission.VIEW_FORMULAS)
def formula_download(version_id: int):
    version = _get_or_404(FormulaVersion, version_id)
    stem = f"{version.name}-{version.version}".lower().replace(" ", "-")
    return Response(
        version.source_toml,
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{stem}.toml"'},
    )


@bp.route("/indicators/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_FORMULAS)
def dataset_new():
    form = UploadIndicatorsForm()

    def import_dataset() -> IndicatorDataset:
        file = form.file.data
        return services.import_indicator_dataset(
            file.read(),
            filename=file.filename or "indicators.csv",
            name=form.name.data,
            user=current_user,
        )

    submitted = submit(form, import_dataset, show=_in_summary)
    if submitted.saved:
        dataset = submitted.result
        flash(f"Imported {len(dataset.values)} values as {dataset.title}")
        return redirect(url_for("allocations.dataset_detail", dataset_id=dataset.id))
    return render_form("allocations/dataset_new.html", form, submitted)


@bp.route("/indicators/<int:dataset_id>")
@permission_required(Permission.VIEW_FORMULAS)
def dataset_detail(dataset_id: int):
    dataset = _get_or_404(IndicatorDataset, dataset_id)
    return render_template(
        "allocations/dataset_detail.html",
        dataset=dataset,
        names=queries.recipient_names(),
        indicator_label=indicator_label,
    )


@bp.route("/runs/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_FORMULAS)
def run_new():
    form = RunForm()
    form.formula_version.choices = [(v.id, v.title) for v in queries.list_formula_versions()]
    form.dataset.choices = [(d.id, d.title) for d in queries.list_datasets()]
    form.previous.choices = [("", "Last year's approved run, when the formula damps")] + [
        (str(i), text) for i, text in queries.previous_run_choices()
    ]
    if request.method == "GET":
        form.formula_version.data = request.args.get("formula", type=whole_number)

    def run_formula() -> FormulaRun:
        return services.run_formula(
            formula_version_id=form.formula_version.data,
            dataset_id=form.dataset.data,
            pot=form.pot.data or None,
            previous=_previous(form),
            label=form.label.data,
            user=current_user,
        )

    submitted = submit(form, run_formula, show=_on_fields)
    if submitted.saved:
        run = submitted.result
        flash(f"Ran {run.title}")
        return redirect(url_for("allocations.run_detail", run_id=run.id))
    return render_form("allocations/run_new.html", form, submitted)


def _previous(form: RunForm) -> services.PreviousChoice | None:
    """Last year's amounts as the form chose them: an uploaded file, an earlier run, or (None)
    the service's own choice."""
    if form.previous_file.data:
        file = form.previous_file.data
        return services.PreviousChoice(
            file_content=file.read(), file_name=file.filename or "previous.csv"
        )
    if form.previous.data:
        return services.PreviousChoice(run_id=int(form.previous.data))
    return None


def _chart_for(run: FormulaRun, names: RecipientNames) -> Markup:
    allocations = run.result["allocations"]
    categories = [names[a["recipient"]] for a in allocations]
    series = [Series(run.financial_year or "This run", [Decimal(a["amount"]) for a in allocations])]
    if run.previous_amounts is not None:
        series.append(
            Series(
                "Previous year",
                [
                    Decimal(a["previous"]) if a["previous"] is not None else None
                    for a in allocations
                ],
            )
        )
    return Markup(grouped_bar_chart(categories, series, title=f"Allocations by spoke, {run.label}"))


@bp.route("/runs/<int:run_id>")
@permission_required(Permission.VIEW_FORMULAS)
def run_detail(run_id: int):
    run = _get_or_404(FormulaRun, run_id)
    return render_template("allocations/run_detail.html", **_run_page(run, ApproveRunForm()))


def _run_page(run: FormulaRun, approve_form: ApproveRunForm) -> dict[str, object]:
    """What the run page shows: the stored result, with names for its codes and column totals."""
    names = queries.recipient_names()
    return {
        "run": run,
        "result": run.result,
        "names": names,
        "indicator_label": indicator_label,
        "column_totals": column_totals(run.result),
        "chart": _chart_for(run, names),
        "approve_form": approve_form,
        "variations": queries.variations_since_approval(run),
    }


@bp.route("/runs/<int:run_id>/approve", methods=["POST"])
@permission_required(Permission.APPROVE_ALLOCATIONS)
def run_approve(run_id: int):
    run = _get_or_404(FormulaRun, run_id)
    form = ApproveRunForm()
    submitted = submit(
        form,
        lambda: services.approve_run(
            run.id, decision_reference=form.decision_reference.data, user=current_user
        ),
        show=_on_fields,
    )
    if submitted.saved:
        flash(f"Approved {run.title} under decision {run.decision_reference}")
        return redirect(url_for("allocations.allocation_list", year=run.financial_year))
    return render_template(
        "allocations/run_detail.html",
        **_run_page(run, form),
        form=form,
        summary_problems=submitted.summary_problems,
    ), 400


@bp.route("/runs/<int:run_id>/export.<fmt>")
@permission_required(Permission.VIEW_FORMULAS)
def run_export(run_id: int, fmt: str):
    run = _get_or_404(FormulaRun, run_id)
    result = services.recalculate_run(run)
    stem = f"allocation-run-{run.id}"
    if fmt == "csv":
        return Response(
            format_csv(result, queries.recipient_names()),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            write_xlsx(build_sheets(result, queries.recipient_names())),
            headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    abort(404)


def facts_of(run: FormulaRun) -> RunFacts:
    return RunFacts(
        run.id,
        run.title,
        run.grant_stream.code if run.grant_stream else None,
        run.financial_year,
        run.status is RunStatus.APPROVED,
    )


@bp.route("/runs/compare")
@permission_required(Permission.VIEW_FORMULAS)
def run_compare():
    form = CompareForm(request.args)
    runs_available = queries.list_runs()
    form.runs.choices = [(r.id, f"{r.title} ({r.status.value})") for r in runs_available]
    form.baseline.choices = [("", "The approved run (or the first chosen)")] + [
        (str(r.id), r.title) for r in runs_available
    ]
    chosen_ids = whole_numbers(request.args.getlist("runs"))
    baseline_id = request.args.get("baseline", type=whole_number)
    if baseline_id is not None and baseline_id not in chosen_ids:
        chosen_ids.append(baseline_id)  # the baseline is compared even when not ticked
    by_id = {r.id: r for r in queries.runs_by_ids(chosen_ids)}
    facts = [facts_of(run) for run in by_id.values()]
    ordered = baseline_first(facts, baseline_id or default_baseline(facts))
    chosen = [by_id[f.id] for f in ordered]
    comparison = compare_results([r.result for r in chosen]) if len(chosen) >= 2 else None
    names = queries.recipient_names()
    chart = None
    if comparison is not None:
        codes = [row.recipient for row in comparison.rows if not row.is_top_slice]
        series = [
            Series(
                run.label,
                [amounts_by_recipient(run.result).get(c, (None, False))[0] for c in codes],
            )
            for run in chosen
        ]
        chart = Markup(
            grouped_bar_chart(
                [names[c] for c in codes], series, title="Scenarios compared by spoke"
            )
        )
    # Arriving from a run's "compare" link (one run, not yet submitted) is a start, not a mistake.
    asked = "submit" in request.args or _has_unreadable_runs(request.args.getlist("runs"))
    if comparison is None and asked:
        form.runs.errors = [*form.runs.errors, TOO_FEW_RUNS]
    return render_template(
        "allocations/run_compare.html",
        form=form,
        runs=chosen,
        comparison=comparison,
        names=names,
        chart=chart,
        mixed=describe_mixed(ordered) if comparison is not None else None,
        one_chosen=comparison is None and not asked and len(chosen) == 1,
    ), 400 if comparison is None and asked else 200


TOO_FEW_RUNS = "Choose at least two runs to compare"


def _has_unreadable_runs(values: list[str]) -> bool:
    return any(whole_number(value) is None for value in values)


@bp.route("/allocations")
@permission_required(Permission.VIEW_ALLOCATIONS)
def allocation_list():
    years = queries.allocation_years(current_user)
    year = year_or_404(request.args.get("year")) or (years[0] if years else None)
    allocations = queries.allocations_for(current_user, financial_year=year)
    history = queries.allocations_for(current_user, financial_year=year, include_superseded=True)
    superseded = [a for a in history if a.status.value == "superseded"]
    totals: dict[str, Decimal] = {}
    for allocation in allocations:
        code = allocation.grant_stream.code
        totals[code] = totals.get(code, Decimal("0.00")) + allocation.amount
    runs = (
        []
        if current_user.is_spoke_scoped
        else [r for r in queries.approved_runs() if r.financial_year == year]
    )
    return render_template(
        "allocations/allocation_list.html",
        years=years,
        year=year,
        allocations=allocations,
        superseded=superseded,
        totals=totals,
        runs=runs,
        RunStatus=RunStatus,
    )
