"""Fixtures for the concurrency tests: a ``race`` on the test's PostgreSQL database."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.concurrency.race import Race


@pytest.fixture
def race(app: Flask, database_url: str) -> Race:
    """Two attempts at once, each with its own app and connection to ``app``'s database."""
    return Race(database_url)
