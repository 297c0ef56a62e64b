"""Fixtures for the backup tests: new databases of either kind, and a backup of the demo.

The round trip needs SQLite and PostgreSQL in one test, so ``new_database`` makes a fresh
database of the kind asked for, PostgreSQL ones on the session's server, built by the migrations
like every other test database.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.backup.helpers import migrate, vrp

NewDatabase = Callable[..., str]
_numbers = itertools.count(1)


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabase]:
    """``new_database("sqlite" | "postgresql", migrated=True)``: the URL of a new database."""
    created: list[str] = []

    def make(kind: str, *, migrated: bool = True) -> str:
        number = next(_numbers)
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'new-{number}.sqlite3'}"
        else:
            server = request.getfixturevalue("postgres_server")
            name = f"vrp_backup_{number}"
            admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                connection.execute(text(f"CREATE DATABASE {name}"))
            admin.dispose()
            created.append(name)
            url = server.url(name)
        if migrated:
            migrate(url)
        return url

    yield make
    if created:
        server = request.getfixturevalue("postgres_server")
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in created:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(scope="session")
def demo_backup(demo_database: str, backend: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of the session's demo database (of this test's kind), taken once."""
    url = f"sqlite:///{demo_database}" if backend == "sqlite" else demo_database
    path = tmp_path_factory.mktemp("backup") / "demo.vrpbak"
    result = vrp(url, "backup", str(path))
    assert result.exit_code == 0, result.output
    return path
