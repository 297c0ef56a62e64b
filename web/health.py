"""``/healthz``: for a load balancer or monitor. Answers 200 when the app can reach its database
and the schema is migrated to the revision this code expects, 503 otherwise. Public, and says
nothing more than that."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from auth.permissions import public
from extensions import db, migrate

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():  # type: ignore[no-untyped-def]
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", problem="database unreachable or not migrated"), 503
    expected = _head_revision()
    if revision != expected:
        problem = f"database schema {revision}, expected {expected}: run vrp db upgrade"
        return jsonify(status="unavailable", problem=problem), 503
    return jsonify(status="ok")


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    config = migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()
