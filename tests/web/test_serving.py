"""Served for real: ``vrp serve`` (gunicorn, several workers) serving the sign-in page and
``/healthz``; and settings that are missing or wrong answered in one line, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import migrate_database

VRP = [sys.executable, "-c", "import cli; cli.run()"]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(**settings: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VRP_", "DATABASE_URL", "SECRET_KEY", "FLASK_"))
    }
    env.update(settings)
    return env


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def sqlite_copy(tmp_path: Path) -> str:
    """A migrated SQLite database of its own: the server runs in another process."""
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    migrate_database(url)
    return url


def test_vrp_serve_serves_the_sign_in_page_and_healthz_with_workers(sqlite_copy):
    port = free_port()
    server = subprocess.Popen(
        [*VRP, "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=environment(SECRET_KEY="a-real-secret-for-this-test", DATABASE_URL=sqlite_copy),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "vrp serve did not start in 30 seconds"
                time.sleep(0.2)
        sign_in_status, sign_in_page = get(f"http://127.0.0.1:{port}/sign-in")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=5) as response:
            headers = response.headers
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert (status, body.strip()) == (200, '{"status":"ok"}')
    assert sign_in_status == 200 and "Sign in" in sign_in_page
    assert "Booting worker" in output  # gunicorn, not the development server
    assert output.count("Booting worker") == 2
    assert "GET /sign-in" in output  # the access log goes to standard output
    # The production server names no version; the security headers are on.
    assert headers.get_all("Server") == ["gunicorn"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_on_a_database_that_is_not_migrated(tmp_path):
    from app import create_app
    from extensions import db

    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    )

    response = app.test_client().get("/healthz")
    with app.app_context():
        db.engine.dispose()

    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "SECRET_KEY is not set"),
        (
            {"SECRET_KEY": "x" * 40, "DATABASE_URL": "mysql://root@localhost/vrp"},
            "DATABASE_URL must be a PostgreSQL URL",
        ),
        (
            {"SECRET_KEY": "x" * 40, "VRP_SIGN_IN_MAX_FAILURES": "lots"},
            "VRP_SIGN_IN_MAX_FAILURES must be a whole number",
        ),
        (
            {"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/vrp"},
            "the database cannot be used",
        ),
    ],
)
def test_a_missing_or_bad_setting_is_one_line_and_a_non_zero_exit(settings, expected):
    result = subprocess.run(
        [*VRP, "users", "list"],
        cwd=ROOT,
        env=environment(**settings),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_database_that_is_not_migrated_says_to_migrate(tmp_path):
    result = subprocess.run(
        [*VRP, "users", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment(
            VRP_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}"
        ),
    )

    assert result.returncode == 2
    assert (
        result.stderr.strip() == "Error: the database is not set up yet: run `vrp db upgrade` "
        "first."
    )


def test_the_env_file_option_reads_settings_from_a_file(tmp_path, sqlite_copy):
    env_file = tmp_path / "vrp.env"
    env_file.write_text(f"SECRET_KEY=from-the-env-file-0123456789\nDATABASE_URL={sqlite_copy}\n")

    result = subprocess.run(
        [*VRP, "--env-file", str(env_file), "users", "list"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
