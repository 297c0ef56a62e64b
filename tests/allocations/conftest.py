"""Fixtures for the allocation pages: a signed-in finance officer, and the demo loaded quickly."""

from __future__ import annotations

import pytest

from auth.roles import Role
from demo.services import DemoReport, load_demo
from tests.builders import cheap_password_hash, make_user


@pytest.fixture
def finance(sign_in):
    """A finance officer, signed in on ``client``."""
    user = make_user(role=Role.FINANCE, name="Fran Finance")
    sign_in(user)
    return user


@pytest.fixture
def demo(app, monkeypatch) -> DemoReport:
    """The demo data, with cheap password hashes for its ten users (scrypt costs ~0.1 s each)."""
    monkeypatch.setattr("auth.models.generate_password_hash", cheap_password_hash)
    return load_demo()
