"""Test fixtures: the app on a real database (SQLite and PostgreSQL), clients, sign-in.

Every test that asks for ``app`` runs once per database chosen with ``--db`` (default: both).
Each database is built by running the Alembic migrations, never by ``create_all``. Between
tests, SQLite gets a fresh copy of the migrated file and PostgreSQL has its tables truncated.
"""

from __future__ import annotations

import decimal
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, text

from app import create_app
from extensions import db
from tests.postgres_server import PostgresServer

BACKENDS = ("sqlite", "postgresql")


class _SharedTemplateCache(BytecodeCache):
    """Compiled templates shared by every test's app: compiling them is most of a web test's
    time, and the templates do not change during a run."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _SharedTemplateCache()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=(*BACKENDS, "both"), default="both",
                     help="which database the app tests run against (default: both)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db")
        backends = BACKENDS if chosen == "both" else (chosen,)
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(autouse=True)
def _trap_float_in_decimal() -> Iterator[None]:
    """A float mixed into Decimal arithmetic anywhere in a test fails the test."""
    context = decimal.getcontext()
    previous = context.traps[decimal.FloatOperation]
    context.traps[decimal.FloatOperation] = True
    yield
    context.traps[decimal.FloatOperation] = previous


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    yield server
    server.stop()


def migrate_database(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database at ``head``: for SQLite a template file, for PostgreSQL the test database."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="vrp-test-sqlite-"))
        template = folder / "template.sqlite3"
        migrate_database(f"sqlite:///{template}")
        yield str(template)
        shutil.rmtree(folder, ignore_errors=True)
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS vrp_test"))
            connection.execute(text("CREATE DATABASE vrp_test"))
        admin.dispose()
        url = server.url("vrp_test")
        migrate_database(url)
        yield url


@pytest.fixture
def database_url(backend: str, migrated_database: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(migrated_database, copy)
        yield f"sqlite:///{copy}"
    else:
        yield migrated_database
        engine = create_engine(migrated_database)
        with engine.begin() as connection:
            tables = [row[0] for row in connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"))]
            if tables:
                connection.execute(text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) +
                    " RESTART IDENTITY CASCADE"))
        engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app({
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
    })
    app.instance_path = str(tmp_path / "instance")
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE

    @app.teardown_request
    def _forget_signed_in_user(exc: BaseException | None) -> None:
        # The test keeps one app context open across requests; without this, flask-login's
        # cached user would leak from one client's request into another's.
        g.pop("_login_user", None)

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class SignIn:
    """Sign a test client in as a user (through the real sign-in form)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def __call__(self, user_or_email: object, password: str = "correct-horse-battery") -> None:
        email = getattr(user_or_email, "email", user_or_email)
        response = self.client.post("/sign-in", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]


@pytest.fixture
def sign_in(client: FlaskClient) -> SignIn:
    return SignIn(client)
