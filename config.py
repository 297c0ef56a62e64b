"""Configuration: the only module that reads ``os.environ``.

``load_config`` returns a plain dict for ``app.config``. SQLite under ``instance/`` is the default
database; ``DATABASE_URL`` selects another (PostgreSQL in production). Outside development and
testing the app refuses to start without a ``SECRET_KEY``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from core.cells import whole_number

DEV_SECRET_KEY = "development-only-secret-key-not-for-production"
PARTNERSHIP_NAME = "Avon and Somerset Violence Reduction Partnership"


class ConfigError(RuntimeError):
    """The environment does not describe a safe, runnable app."""


def load_config(
    instance_path: str,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    app_env = overrides.get("APP_ENV") or env.get("VRP_ENV", "production")
    is_dev = app_env in ("development", "testing")

    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if not is_dev:
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "value (for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set VRP_ENV=development to run locally with a development key."
            )
        secret_key = DEV_SECRET_KEY

    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or env.get("DATABASE_URL")
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "vrp.sqlite3")
    database_url = normalise_database_url(database_url)
    if not database_url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host/database) "
            f"or a SQLite one (sqlite:///path/to/file.sqlite3), not {database_url.split(':')[0]!r}."
        )

    config: dict[str, Any] = {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PARTNERSHIP_NAME": env.get("VRP_PARTNERSHIP_NAME", PARTNERSHIP_NAME),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Over plain http on 127.0.0.1 in development a Secure cookie would never come back.
        "SESSION_COOKIE_SECURE": not is_dev,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": not is_dev,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "SIGN_IN_MAX_FAILURES": _whole_number(env, "VRP_SIGN_IN_MAX_FAILURES", 5),
        "SIGN_IN_LOCKOUT_MINUTES": _whole_number(env, "VRP_SIGN_IN_LOCKOUT_MINUTES", 15),
        # A session unused this long is signed out at its next request.
        "IDLE_MINUTES": _whole_number(env, "VRP_IDLE_MINUTES", 30),
        # Email reminders: without SMTP_HOST (development) they are printed, not sent.
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": _whole_number(env, "SMTP_PORT", 587),
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "1") not in ("0", "false", "no"),
        "MAIL_FROM": env.get("VRP_MAIL_FROM", "vrp-grants@localhost"),
        # Behind a reverse proxy that sets X-Forwarded-For and X-Forwarded-Proto (see README).
        "BEHIND_PROXY": env.get("VRP_BEHIND_PROXY", "") in ("1", "true", "yes"),
        "TESTING": app_env == "testing",
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = database_url  # the normalised form, overridden or not
    return config


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if text is None or text.strip() == "":
        return default
    number = whole_number(text)
    if number is None or number < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}.")
    return number


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling of the URL we were given."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
