"""The landing page, one per role."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template
from flask_login import current_user

from allocations.queries import allocations_for
from auth.permissions import permission_required
from auth.roles import Permission
from commissioning.rounds.queries import panel_work
from home.actions import actions_for
from reference.queries import current_financial_year, list_grant_streams, visible_spokes
from reports.dashboard import dashboard_for

bp = Blueprint("home", __name__)


@bp.route("/")
@permission_required(Permission.VIEW_HOME)
def index():
    spokes = visible_spokes(current_user)
    year = current_financial_year()
    allocated: dict[str, Decimal] = {}
    if current_user.can(Permission.VIEW_ALLOCATIONS):
        for allocation in allocations_for(current_user, financial_year=year.label):
            code = allocation.grant_stream.code
            allocated[code] = allocated.get(code, Decimal("0.00")) + allocation.amount
    return render_template(
        "home/index.html",
        year=year,
        streams=list_grant_streams(),
        spokes=spokes,
        allocated=allocated,
        panel_work=panel_work(current_user) if current_user.can(Permission.SCORE_BIDS) else [],
        actions=actions_for(current_user),
        dashboard=dashboard_for(current_user, year.label)
        if current_user.can(Permission.VIEW_RETURNS)
        else None,
    )
