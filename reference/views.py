"""Spoke pages: the list (scoped) and one spoke."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from auth.models import User
from auth.permissions import permission_required
from auth.roles import Permission, Role
from auth.scoping import ensure_spoke_visible
from extensions import db
from reference.models import OrganisationKind
from reference.queries import current_financial_year, get_organisation_by_code, visible_spokes

bp = Blueprint("reference", __name__)


@bp.route("/spokes")
@permission_required(Permission.VIEW_SPOKES)
def spoke_list():
    spokes = visible_spokes(current_user)
    return render_template("reference/spoke_list.html", spokes=spokes)


@bp.route("/spokes/<code>")
@permission_required(Permission.VIEW_SPOKES)
def spoke_detail(code: str):
    spoke = get_organisation_by_code(code)
    if spoke is None or spoke.kind is not OrganisationKind.SPOKE:
        abort(404)
    ensure_spoke_visible(current_user, spoke)
    leads = db.session.scalars(
        select(User).where(User.spoke_id == spoke.id, User.role == Role.SPOKE).order_by(User.name)
    ).all()
    return render_template(
        "reference/spoke_detail.html", spoke=spoke, leads=leads, year=current_financial_year()
    )
