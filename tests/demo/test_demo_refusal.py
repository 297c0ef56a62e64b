"""The demo cannot land on real data: ``vrp demo`` refuses outside development and beside
anything that is not the demo, unless told ``--force``, and says why."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

import cli
from auth.roles import Role
from extensions import db
from reference.models import Organisation
from tests.builders import cheap_password_hash, make_app, make_user

THREE = str(Path(__file__).resolve().parents[2] / "examples" / "partnerships" / "three-spokes.toml")


def demo(app, *args):
    return CliRunner().invoke(cli.main, ["demo", *args], obj=ScriptInfo(create_app=lambda: app))


def organisations() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def test_outside_development_the_demo_is_refused_and_says_why(app, database_url):
    with make_app(database_url, APP_ENV="production", SECRET_KEY="a-production-key") as production:
        result = demo(production)

    assert result.exit_code == 1
    assert "runs only with VRP_ENV=development (this is 'production')" in result.output
    assert "--force" in result.output
    assert organisations() == 0


def test_beside_a_real_partnership_the_demo_is_refused_naming_what_it_found(app, runner):
    runner.invoke(args=["setup", THREE])
    make_user(role=Role.ADMIN, email="chief@threerivers.example")
    before = organisations()

    result = demo(app)

    assert result.exit_code == 1
    assert "the partnership Three Rivers Violence Reduction Unit" in result.output
    assert "the account chief@threerivers.example" in result.output
    assert organisations() == before


def test_force_loads_it_all_the_same(app, database_url, monkeypatch):
    monkeypatch.setattr("auth.models.generate_password_hash", cheap_password_hash)
    with make_app(database_url, APP_ENV="production", SECRET_KEY="a-production-key") as production:
        result = demo(production, "--force")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loaded ")
