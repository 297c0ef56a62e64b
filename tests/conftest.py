"""Test fixtures: the app on a real database (SQLite and PostgreSQL), clients, sign-in.

Every test that asks for ``app`` runs once per database chosen with ``--db`` (default: both).
Each database is built by running the Alembic migrations, never by ``create_all``. Between
tests, SQLite gets a fresh copy of the migrated file and PostgreSQL has its tables truncated.
"""

from __future__ import annotations

import decimal
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Connection, Engine, create_engine, event, text

from app import create_app
from extensions import db
from tests.postgres_server import PostgresServer

BACKENDS = ("sqlite", "postgresql")

# No per-example time limit: tests do not time things, and a loaded CI machine is no failure.
settings.register_profile("vrp", deadline=None, print_blob=True)
settings.load_profile("vrp")


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


@event.listens_for(Engine, "connect")
def _skip_fsync_on_test_sqlite(dbapi_connection: object, _record: object) -> None:
    """Test databases are throwaway copies: waiting for the disk on every commit buys nothing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=(*BACKENDS, "both"),
        default="both",
        help="which database the app tests run against (default: both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db")
        backends = BACKENDS if chosen == "both" else (chosen,)
        params: list[object] = list(backends)
        if metafunc.definition.get_closest_marker("one_database"):
            params = params[:1]  # what it checks does not differ between the databases
        if metafunc.definition.get_closest_marker("postgresql_only"):
            # Real concurrent transactions: SQLite writes one transaction at a time.
            params = [b for b in params if b == "postgresql"] or [
                pytest.param(
                    "postgresql",
                    marks=pytest.mark.skip(reason="runs on PostgreSQL only; --db chose SQLite"),
                )
            ]
        metafunc.parametrize("backend", params, scope="session")


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


def load_demo_into(url: str) -> None:
    from demo.services import load_demo
    from tests.builders import cheap_password_hash

    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        # The demo's ten users at ~0.1 s of scrypt each would dominate; these are test copies.
        patch.setattr("auth.models.generate_password_hash", cheap_password_hash)
        load_demo()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_database(
    backend: str, migrated_database: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The migrated database with the demo loaded, built once per session: loading the demo
    through the services takes seconds, copying it takes milliseconds."""
    if backend == "sqlite":
        template = Path(migrated_database).with_name("demo.sqlite3")
        shutil.copyfile(migrated_database, template)
        load_demo_into(f"sqlite:///{template}")
        yield str(template)
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS vrp_demo"))
            _end_other_connections(connection, "vrp_test")
            connection.execute(text("CREATE DATABASE vrp_demo TEMPLATE vrp_test"))
        admin.dispose()
        load_demo_into(server.url("vrp_demo"))
        yield server.url("vrp_demo")


def _end_other_connections(connection: Connection, database: str) -> None:
    """A database cannot be copied or dropped while anything is connected to it; a connection
    some earlier test forgot to close must not fail a later one."""
    connection.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"
        ),
        {"name": database},
    )


def _recreate_postgres_test_database(server: PostgresServer, template: str) -> None:
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        _end_other_connections(connection, "vrp_test")
        _end_other_connections(connection, template)
        connection.execute(text("DROP DATABASE IF EXISTS vrp_test"))
        connection.execute(text(f"CREATE DATABASE vrp_test TEMPLATE {template}"))
    admin.dispose()


@pytest.fixture
def database_url(
    backend: str, migrated_database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh database for one test; with the demo loaded when the test asks for ``demo``."""
    wants_demo = "demo" in request.fixturenames
    if backend == "sqlite":
        source = request.getfixturevalue("demo_database") if wants_demo else migrated_database
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(source, copy)
        yield f"sqlite:///{copy}"
    else:
        if wants_demo:
            request.getfixturevalue("demo_database")
            _recreate_postgres_test_database(request.getfixturevalue("postgres_server"), "vrp_demo")
        yield migrated_database
        engine = create_engine(migrated_database)
        with engine.begin() as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ]
            if tables:
                connection.execute(
                    text(
                        "TRUNCATE "
                        + ", ".join(f'"{t}"' for t in tables)
                        + " RESTART IDENTITY CASCADE"
                    )
                )
        engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
        }
    )
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
def demo(app: Flask) -> None:
    """The Avon and Somerset demo, loaded (from the session's copy) into this test's database."""


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
