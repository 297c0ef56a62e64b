"""The gap map on the web: the heat map (SVG, readable without colour) with each cell's count,
spend and reach, the findings (gaps, duplication, unequal access, evidence strength), exports,
and editing a spoke's needs. Spoke leads see their own row and edit their own needs."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from auth.permissions import permission_required
from auth.roles import Permission
from commissioning.gaps import queries, services
from commissioning.gaps.heatmap import render_heatmap
from commissioning.interventions import queries as intervention_queries
from commissioning.vocabulary import INTERVENTION_TYPES
from core.financial_year import FinancialYear, FinancialYearError
from core.problems import DomainError
from exports.csvs import write_csv
from exports.spreadsheets import write_xlsx
from extensions import db
from reference.queries import current_financial_year

bp = Blueprint("gaps", __name__, url_prefix="/commissioning/gaps")


def _year() -> str:
    known = intervention_queries.years()
    year = request.args.get("year") or (known[0] if known else current_financial_year().label)
    try:
        FinancialYear.parse(year)
    except FinancialYearError:
        abort(404)
    return year


@bp.route("")
@permission_required(Permission.VIEW_INTERVENTIONS)
def gap_map():
    year = _year()
    report = queries.gap_report(current_user, year)
    svg = render_heatmap(report.gap_map, report.spoke_names, report.type_names)
    return render_template(
        "commissioning/gaps/gap_map.html",
        report=report,
        m=report.gap_map,
        svg=Markup(svg),
        years=sorted(set(intervention_queries.years()) | {year}, reverse=True),
        evidence_order=queries.EVIDENCE_ORDER,
        spokes=intervention_queries.visible_spokes(current_user),
    )


@bp.route("/heatmap.svg")
@permission_required(Permission.VIEW_INTERVENTIONS)
def heatmap_svg():
    report = queries.gap_report(current_user, _year())
    return Response(
        render_heatmap(report.gap_map, report.spoke_names, report.type_names),
        mimetype="image/svg+xml",
    )


@bp.route("/export.<fmt>")
@permission_required(Permission.VIEW_INTERVENTIONS)
def gap_export(fmt: str):
    year = _year()
    report = queries.gap_report(current_user, year)
    if fmt == "xlsx":
        body: bytes | str = write_xlsx(queries.export_rows(report))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body, mimetype = write_csv(queries.export_rows(report)["Coverage"]), "text/csv"
    elif fmt == "json":
        body, mimetype = json.dumps(queries.report_json(report), indent=2), "application/json"
    else:
        abort(404)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="gap-map-{year}.{fmt}"'},
    )


@bp.route("/needs/<spoke_code>", methods=["GET", "POST"])
@permission_required(Permission.EDIT_INTERVENTIONS)
def needs_edit(spoke_code: str):
    spoke = next(
        (s for s in intervention_queries.visible_spokes(current_user) if s.code == spoke_code),
        None,
    )
    if spoke is None:
        abort(404)
    problems: list[str] = []
    chosen = queries.spoke_needs(spoke)
    if request.method == "POST":
        chosen = set(request.form.getlist("needs"))
        try:
            services.set_needs(spoke.id, sorted(chosen), user=current_user)
        except services.NotYourSpoke:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            problems = [p.message for p in error.problems]
        else:
            flash(f"Saved {spoke.name}'s needs")
            return redirect(url_for("gaps.gap_map"))
    return render_template(
        "commissioning/gaps/needs_edit.html",
        spoke=spoke,
        chosen=chosen,
        types=INTERVENTION_TYPES,
        summary_problems=problems,
    ), (400 if problems else 200)
