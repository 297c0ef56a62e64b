"""Apps configured unlike the ``app`` fixture: CSRF protection on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.builders import make_app


@pytest.fixture
def csrf_app(database_url: str) -> Iterator[Flask]:
    with make_app(database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


@pytest.fixture
def csrf_client(csrf_app: Flask) -> FlaskClient:
    return csrf_app.test_client()
