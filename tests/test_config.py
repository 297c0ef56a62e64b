"""Configuration: the only place that reads the environment, and it refuses unsafe settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from config import (
    DEV_SECRET_KEY,
    PARTNERSHIP_NAME,
    ConfigError,
    load_config,
    normalise_database_url,
)


@pytest.mark.parametrize(
    "environ",
    [
        {"VRP_ENV": "production"},
        {},  # production is the default: forgetting VRP_ENV must not give a guessable key
        {"VRP_ENV": "staging"},
        {"VRP_ENV": "production", "SECRET_KEY": ""},
    ],
)
def test_outside_development_a_secret_key_is_required(tmp_path, environ):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set") as caught:
        load_config(str(tmp_path), environ=environ)

    assert "VRP_ENV=development" in str(caught.value)  # says how to run locally


@pytest.mark.parametrize("app_env", ["development", "testing"])
def test_development_and_testing_get_a_development_key(tmp_path, app_env):
    config = load_config(str(tmp_path), environ={"VRP_ENV": app_env})

    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    assert config["APP_ENV"] == app_env
    assert config["TESTING"] is (app_env == "testing")


def test_the_secret_key_comes_from_the_environment(tmp_path):
    config = load_config(str(tmp_path), environ={"VRP_ENV": "production", "SECRET_KEY": "s3cret"})

    assert config["SECRET_KEY"] == "s3cret"
    assert config["TESTING"] is False


def test_overrides_win_over_the_environment(tmp_path):
    config = load_config(
        str(tmp_path),
        {"APP_ENV": "production", "SECRET_KEY": "override"},
        environ={"VRP_ENV": "development", "SECRET_KEY": "from-env"},
    )

    assert (config["APP_ENV"], config["SECRET_KEY"]) == ("production", "override")
    assert config["SESSION_COOKIE_SECURE"] is True


def test_an_app_env_override_without_a_key_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"APP_ENV": "production"}, environ={"VRP_ENV": "development"})


def test_default_database_is_sqlite_under_the_instance_folder(tmp_path):
    config = load_config(str(tmp_path), environ={"VRP_ENV": "development"})

    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'vrp.sqlite3'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/vrp", "postgresql+psycopg://u:p@db.example:5432/vrp"),
        ("postgresql://u:p@db.example/vrp", "postgresql+psycopg://u:p@db.example/vrp"),
        ("postgresql+psycopg://u@db.example/vrp", "postgresql+psycopg://u@db.example/vrp"),
        ("sqlite:////var/lib/vrp.sqlite3", "sqlite:////var/lib/vrp.sqlite3"),
    ],
)
def test_database_url_uses_psycopg_3_for_postgresql(tmp_path, given, expected):
    assert normalise_database_url(given) == expected
    config = load_config(str(tmp_path), environ={"VRP_ENV": "development", "DATABASE_URL": given})
    assert config["SQLALCHEMY_DATABASE_URI"] == expected


def test_a_database_override_is_normalised_too(tmp_path):
    config = load_config(
        str(tmp_path),
        {"SQLALCHEMY_DATABASE_URI": "postgres://u@h/db"},
        environ={"VRP_ENV": "development"},
    )

    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_partnership_name_and_sign_in_limits_come_from_the_environment(tmp_path):
    default = load_config(str(tmp_path), environ={"VRP_ENV": "development"})
    custom = load_config(
        str(tmp_path),
        environ={
            "VRP_ENV": "development",
            "VRP_PARTNERSHIP_NAME": "Somewhere VRP",
            "VRP_SIGN_IN_MAX_FAILURES": "3",
            "VRP_SIGN_IN_LOCKOUT_MINUTES": "30",
        },
    )

    assert (
        default["PARTNERSHIP_NAME"],
        default["SIGN_IN_MAX_FAILURES"],
        default["SIGN_IN_LOCKOUT_MINUTES"],
    ) == (PARTNERSHIP_NAME, 5, 15)
    assert (
        custom["PARTNERSHIP_NAME"],
        custom["SIGN_IN_MAX_FAILURES"],
        custom["SIGN_IN_LOCKOUT_MINUTES"],
    ) == ("Somewhere VRP", 3, 30)


def test_load_config_reads_os_environ_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("VRP_ENV", "development")
    monkeypatch.setenv("VRP_PARTNERSHIP_NAME", "From the environment")

    assert load_config(str(tmp_path))["PARTNERSHIP_NAME"] == "From the environment"


def test_create_app_refuses_to_start_in_production_without_a_key(monkeypatch, tmp_path):
    monkeypatch.setenv("VRP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()

    assert not Path(tmp_path / "unused.sqlite3").exists()


def test_create_app_starts_in_production_with_a_key(monkeypatch, tmp_path):
    monkeypatch.setenv("VRP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")

    app = create_app()

    assert app.config["SECRET_KEY"] == "a-long-random-production-key"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["TESTING"] is False
