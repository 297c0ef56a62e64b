"""Fixtures for the allocation pages: a signed-in finance officer, and the demo loaded quickly."""

from __future__ import annotations

import pytest

from auth.roles import Role
from tests.builders import make_user


@pytest.fixture
def finance(sign_in):
    """A finance officer, signed in on ``client``."""
    user = make_user(role=Role.FINANCE, name="Fran Finance")
    sign_in(user)
    return user
