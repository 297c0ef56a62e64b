"""The application factory. Reads like a table of contents: config, extensions, blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, has_app_context, has_request_context
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy.orm import Session

import config as config_module
from audit import listeners as audit_listeners
from core.cells import whole_number
from extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.load_config(app.instance_path, config))

    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _configure_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from web.templating import register_template_helpers

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    register_template_helpers(app)


def _init_extensions(app: Flask) -> None:
    # Every model module, so the metadata (and Alembic) sees every table.
    import allocations.models  # noqa: F401
    import audit.models  # noqa: F401
    import commissioning.gaps.models
    import commissioning.interventions.models
    import commissioning.providers.models
    import commissioning.rounds.models  # noqa: F401
    import grants.models  # noqa: F401
    import reference.models  # noqa: F401
    import reminders.models  # noqa: F401
    from auth.models import User
    from auth.sessions import register_session_rules

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # "id:version": a session from before the version moved on (sign-out elsewhere, a new
        # password, deactivation) or of a deactivated user is no session at all.
        user_id, _, version = session_id.partition(":")
        user = (
            db.session.get(User, user_number)
            if (user_number := whole_number(user_id)) is not None
            else None
        )
        if user is None or not user.active or str(user.session_version) != version:
            return None
        return user

    register_session_rules(app)
    audit_listeners.install(Session)
    audit_listeners.set_actor_provider(_current_actor)


def _current_actor() -> tuple[int | None, str]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    cli_user = g.get("cli_user") if has_app_context() else None
    if cli_user is not None:  # a command run --as someone (auth/acting.py)
        label = f"cli:{cli_user.email}"
        return cli_user.id, label if len(label) <= 254 else cli_user.email  # the column's width
    cli_actor = g.get("cli_actor") if has_app_context() else None
    return None, cli_actor or "system"


def _register_blueprints(app: Flask) -> None:
    from allocations.views import bp as allocations_bp
    from audit.views import bp as audit_bp
    from auth.permissions import enforce_permissions
    from auth.views import bp as auth_bp
    from commissioning.gaps.views import bp as gaps_bp
    from commissioning.interventions.views import bp as interventions_bp
    from commissioning.providers.views import bp as providers_bp
    from commissioning.rounds.views import bp as rounds_bp
    from grants.agreements.views import bp as agreements_bp
    from grants.awards.views import bp as awards_bp
    from grants.payments.views import bp as payments_bp
    from grants.plans.views import bp as plans_bp
    from grants.returns.views import bp as returns_bp
    from home.views import bp as home_bp
    from partnership.views import bp as partnership_bp
    from reference.views import bp as reference_bp
    from reports.views import bp as reports_bp
    from web.errors import register_error_handlers
    from web.health import bp as health_bp
    from web.security import register_security_headers

    app.before_request(enforce_permissions)
    for blueprint in (
        home_bp,
        auth_bp,
        reference_bp,
        allocations_bp,
        awards_bp,
        agreements_bp,
        payments_bp,
        plans_bp,
        returns_bp,
        partnership_bp,
        providers_bp,
        rounds_bp,
        interventions_bp,
        gaps_bp,
        audit_bp,
        reports_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_security_headers(app)


def _register_commands(app: Flask) -> None:
    from auth.commands import users_cli
    from backup.commands import backup_command, restore_command
    from commissioning.gaps.commands import gaps_command
    from commissioning.interventions.commands import interventions_cli
    from commissioning.providers.commands import providers_cli
    from commissioning.rounds.commands import bids_cli, rounds_cli
    from demo.commands import demo_command
    from grants.payments.commands import payments_cli, position_command
    from grants.returns.commands import grants_cli, returns_cli
    from partnership.commands import setup_command
    from reminders.commands import reminders_cli
    from reports.commands import export_cli, report_cli
    from web.serve import serve_command

    app.cli.add_command(users_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(export_cli)
    grants_cli.add_command(position_command)
    app.cli.add_command(grants_cli)
    app.cli.add_command(returns_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(providers_cli)
    app.cli.add_command(rounds_cli)
    app.cli.add_command(bids_cli)
    app.cli.add_command(interventions_cli)
    app.cli.add_command(gaps_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(serve_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
