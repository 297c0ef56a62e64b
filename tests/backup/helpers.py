"""Helpers for the backup tests: run ``vrp`` on a database, read every stored value, edit files."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from flask_migrate import upgrade
from sqlalchemy import JSON, BigInteger, Text, cast, create_engine, func, select, type_coerce

from database import Money
from extensions import db
from tests.builders import make_app

Lines = list[Any]


def vrp(url: str, *args: str) -> Result:
    """Run ``vrp ARGS`` against the database at ``url``, as the command line would.

    The app context is pushed here: Flask's commands use whatever app is current, and a test's
    ``app`` fixture (on another database) may be."""
    with make_app(url) as app, app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def migrate(url: str, revision: str = "head") -> None:
    """Build a database with the migrations, like every test database."""
    with make_app(url) as app, app.app_context():
        upgrade(revision=revision)


def stored_values(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: through the models' own types (money as
    Decimal pounds, enums, aware datetimes), plus money as its stored pence and JSON as its
    stored text, read independently of the backup code."""
    engine = create_engine(url)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    try:
        with engine.connect() as connection:
            tables["alembic_version"] = [
                tuple(row) for row in connection.exec_driver_sql("SELECT * FROM alembic_version")
            ]
            for table in db.metadata.sorted_tables:
                raw = [
                    type_coerce(c, BigInteger()) if isinstance(c.type, Money) else cast(c, Text())
                    for c in table.columns
                    if isinstance(c.type, Money | JSON)
                ]
                statement = select(table, *raw).order_by(*table.primary_key.columns)
                tables[table.name] = [tuple(row) for row in connection.execute(statement)]
    finally:
        engine.dispose()
    return tables


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.scalar(select(func.count()).select_from(table)) or 0
                for table in db.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def read_lines(path: Path) -> Lines:
    """The documents of a backup file, checksum line left off."""
    lines = gzip.decompress(path.read_bytes()).splitlines()
    return [json.loads(line) for line in lines[:-1]]


def write_lines(path: Path, documents: Lines, *, checksum: str | None = None) -> None:
    """Write documents as a backup file, with a fresh checksum unless one is given."""
    content = b"".join(
        json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for d in documents
    )
    digest = checksum or hashlib.sha256(content).hexdigest()
    path.write_bytes(gzip.compress(content + json.dumps({"sha256": digest}).encode() + b"\n"))


def rewrite(source: Path, target: Path, edit: Callable[[Lines], Lines], **options: Any) -> Path:
    write_lines(target, edit(read_lines(source)), **options)
    return target


def checksum_of(path: Path) -> str:
    last = gzip.decompress(path.read_bytes()).splitlines()[-1]
    return str(json.loads(last)["sha256"])


def section(documents: Lines, table: str) -> int:
    """The index of the line that starts ``table``."""
    return next(
        i for i, d in enumerate(documents) if isinstance(d, dict) and d.get("table") == table
    )


def latest_revision() -> str:
    """The newest migration's revision: the schema every backup here is taken at."""
    from alembic.script import ScriptDirectory

    migrations = Path(__file__).resolve().parents[2] / "migrations"
    return str(ScriptDirectory(str(migrations)).get_current_head())
