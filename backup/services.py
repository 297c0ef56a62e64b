"""Back up the whole database; restore a backup into an empty database, SQLite or PostgreSQL.

The rules, decided here:

- A backup is every table of the models (``db.metadata.sorted_tables``, foreign-key order) plus
  ``alembic_version``, read in one snapshot (a read transaction on SQLite, ``REPEATABLE READ`` on
  PostgreSQL), each in primary-key order, as stored (``columns``). It is written to a temporary
  file beside FILE (readable by its owner only: it holds password hashes) and renamed into
  place, so a failed backup leaves no half file; an existing FILE is replaced only when asked.
- The database must be at this app's latest schema revision for either; a backup restores only
  into a database at the same revision it was taken at. A file from a newer or unknown revision
  is refused, and so is an older one (restore it with the app that made it, then migrate).
- Restore checks the whole file (gzip, checksum, shape) before it opens the database, then in ONE
  transaction: refuses unless every table but ``alembic_version`` is empty, inserts every table
  with its original ids, fills in foreign keys that point forward (``formula_runs.superseded_by``)
  once their rows exist, restarts PostgreSQL's id sequences after the largest id (``ALTER
  SEQUENCE ... RESTART``, which unlike ``setval`` rolls back with the transaction), reads the
  checksum again, and commits. Any failure rolls everything back: nothing is written.
- Rows go in through SQLAlchemy Core, not the ORM, so restoring writes no audit events: the audit
  log comes back exactly as it was (its triggers refuse only UPDATE and DELETE).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from backup import archive
from backup.archive import BackupError, Chunk
from backup.columns import from_portable, kind_of, read_expression, to_portable, write_expression
from extensions import db

VERSION_TABLE = "alembic_version"
UPGRADE_FIRST = "run `vrp db upgrade` first"

ProgressReport = Callable[[str, int], None]


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    schema_revision: str
    tables: int
    rows: int
    checksum: str


@dataclass(frozen=True)
class RestoreSummary:
    schema_revision: str
    created_at: str
    app_version: str
    database: str
    tables: int
    rows: int


# --- the schema -----------------------------------------------------------------------------------


def _version_table() -> Table:
    # Alembic's own table: not in the models' metadata, described here to read it the same way.
    return Table(VERSION_TABLE, MetaData(), Column("version_num", String(32), primary_key=True))


def backed_up_tables() -> list[Table]:
    """``alembic_version`` and then every model table in foreign-key order."""
    return [_version_table(), *db.metadata.sorted_tables]


def _columns(table: Table) -> tuple[archive.Column, ...]:
    return tuple(archive.Column(c.name, kind_of(c)) for c in table.columns)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def _known_revisions(scripts: ScriptDirectory) -> set[str]:
    return {script.revision for script in scripts.walk_revisions()}


def _database_revision(connection: Connection) -> str:
    """The database's revision, refusing unless it is this app's latest."""
    scripts = _scripts()
    head = scripts.get_current_head()
    if not inspect(connection).has_table(VERSION_TABLE):
        raise BackupError(f"the database is not migrated: {UPGRADE_FIRST}")
    revisions = [str(r) for r in connection.scalars(select(_version_table().c.version_num))]
    if not revisions:
        raise BackupError(f"the database is not migrated: {UPGRADE_FIRST}")
    revision = revisions[0]
    if len(revisions) > 1 or revision not in _known_revisions(scripts):
        raise BackupError(
            f"the database is at schema revision {', '.join(revisions)}, which this version of "
            "the app does not know: use the version of the app that migrated it"
        )
    if revision != head:
        raise BackupError(
            f"the database is at schema revision {revision}, not the latest ({head}): "
            f"{UPGRADE_FIRST}"
        )
    return revision


def _app_version() -> str:
    try:
        return package_metadata.version("vrp-grants")
    except package_metadata.PackageNotFoundError:
        return "unknown"


# --- backup ---------------------------------------------------------------------------------------


def create_backup(path: Path, *, overwrite: bool = False) -> BackupSummary:
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists: choose another name, or --force to replace it")
    if not path.parent.is_dir():
        raise BackupError(f"there is no folder {path.parent} to write the backup into")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with db.engine.connect() as connection:
            _begin_snapshot(connection)
            revision = _database_revision(connection)
            tables = backed_up_tables()
            counts = [
                archive.TableCount(
                    t.name, connection.scalar(select(func.count()).select_from(t)) or 0
                )
                for t in tables
            ]
            header = archive.Header(
                archive.FORMAT_VERSION,
                revision,
                _app_version(),
                datetime.now(UTC).isoformat(),
                connection.dialect.name,
                tuple(counts),
            )
            # Password hashes and everything else: readable by the owner only, like a database.
            with open(partial, "xb", opener=_owner_only) as stream:
                writer = archive.BackupWriter(stream, header)
                for table, count in zip(tables, counts, strict=True):
                    described = archive.Table(table.name, _columns(table), count.row_count)
                    writer.write_table(described, _stored_rows(connection, table))
                checksum = writer.finish()
                stream.flush()
                os.fsync(stream.fileno())
            connection.rollback()
        os.replace(partial, path)
    except SQLAlchemyError as error:
        raise BackupError(f"the backup failed: {_first_line(error)}") from None
    except OSError as error:
        raise BackupError(f"could not write {path}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path, revision, len(tables), header.total_rows, checksum)


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _begin_snapshot(connection: Connection) -> None:
    """Every table read as of one moment, while the app may go on writing."""
    if connection.dialect.name == "sqlite":
        # pysqlite starts no transaction for reads; without one, each SELECT is its own moment.
        connection.exec_driver_sql("BEGIN")
    else:
        connection.execution_options(isolation_level="REPEATABLE READ")
        connection.execute(text("SET TRANSACTION READ ONLY"))


def _stored_rows(connection: Connection, table: Table) -> Iterator[list[Any]]:
    kinds = [kind_of(c) for c in table.columns]
    statement = (
        select(*(read_expression(c) for c in table.columns))
        .order_by(*table.primary_key.columns)
        .execution_options(yield_per=archive.CHUNK_ROWS)
    )
    for row in connection.execute(statement):
        yield [to_portable(kind, value) for kind, value in zip(kinds, row, strict=True)]


# --- restore --------------------------------------------------------------------------------------


def restore_backup(path: Path, on_table: ProgressReport | None = None) -> RestoreSummary:
    """Load a backup into this empty, migrated database in one transaction (see the rules)."""
    header = _checked_header(path)
    try:
        with db.engine.connect() as connection:
            _begin_restore(connection)
            revision = _database_revision(connection)
            _refuse_other_revision(header, revision)
            tables = {t.name: t for t in backed_up_tables()}
            _refuse_other_tables(header, tables)
            _refuse_unless_empty(connection, list(tables.values())[1:])
            with path.open("rb") as stream:  # every value checked before the first is written
                for _ in _decoded(archive.read_chunks(stream), tables):
                    pass
            with path.open("rb") as stream:
                decoded = _decoded(archive.read_chunks(stream), tables)
                rows = _insert_all(connection, decoded, on_table)
            if connection.dialect.name == "postgresql":
                _restart_sequences(connection, list(tables.values())[1:])
            connection.commit()
    except SQLAlchemyError as error:
        raise BackupError(
            f"the restore failed and nothing was written: {_first_line(error)}"
        ) from None
    except OSError as error:
        raise BackupError(f"could not read {path}: {error.strerror or error}") from None
    return RestoreSummary(
        header.schema_revision,
        header.created_at,
        header.app_version,
        header.database,
        len(header.tables),
        rows,
    )


def _checked_header(path: Path) -> archive.Header:
    if not path.is_file():
        raise BackupError(f"there is no backup file {path}")
    try:
        with path.open("rb") as stream:
            return archive.read_header(stream)
    except OSError as error:
        raise BackupError(f"could not read {path}: {error.strerror or error}") from None


def _begin_restore(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Take the write lock now: the emptiness check and the inserts are one moment.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _refuse_other_revision(header: archive.Header, revision: str) -> None:
    if header.schema_revision == revision:
        return
    made_by = f"app version {header.app_version}"
    if header.schema_revision not in _known_revisions(_scripts()):
        raise BackupError(
            f"the backup is from schema revision {header.schema_revision}, newer than this "
            f"database's {revision} or unknown to this version of the app: restore it with the "
            f"version of the app that made it ({made_by})"
        )
    raise BackupError(
        f"the backup is from an older schema revision ({header.schema_revision}) than this "
        f"database's {revision}: restore it with the version of the app that made it "
        f"({made_by}), then upgrade the app and run `vrp db upgrade`"
    )


def _refuse_other_tables(header: archive.Header, tables: dict[str, Table]) -> None:
    in_file = [t.name for t in header.tables]
    missing = [name for name in tables if name not in in_file]
    if missing:
        raise archive.DamagedBackup(
            f"the backup is damaged or incomplete: it has no table {', '.join(missing)}"
        )
    extra = [name for name in in_file if name not in tables]
    if extra:
        raise archive.DamagedBackup(
            f"the backup does not match this schema: unexpected table {', '.join(extra)}"
        )
    repeated = sorted({name for name in in_file if in_file.count(name) > 1})
    if repeated:
        raise archive.DamagedBackup(
            f"the backup is damaged: table {', '.join(repeated)} appears more than once"
        )
    before: set[str] = set()
    for name in in_file:
        _forward_keys(tables[name], before)  # refuses a required key to a table still to come
        before.add(name)


def _refuse_unless_empty(connection: Connection, tables: list[Table]) -> None:
    if connection.dialect.name == "postgresql":
        # No one else writes while we check and fill: the check stays true until we commit.
        names = ", ".join(connection.dialect.identifier_preparer.quote(t.name) for t in tables)
        connection.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    holding = []
    for table in tables:
        count = connection.scalar(select(func.count()).select_from(table)) or 0
        if count:
            holding.append(f"{table.name}: {count} row{'' if count == 1 else 's'}")
    if holding:
        more = f" and {len(holding) - 3} more tables" if len(holding) > 3 else ""
        shown = ", ".join(holding[:3]) + more
        raise BackupError(
            f"the database is not empty ({shown}): restore only into a new database after "
            "`vrp db upgrade`"
        )


def _decoded(
    chunks: Iterator[Chunk], tables: dict[str, Table]
) -> Iterator[tuple[Table, Chunk, list[dict[str, Any]]]]:
    """Each chunk with its rows checked against the columns and turned into values to write."""
    for chunk in chunks:
        table = tables[chunk.table.name]
        _refuse_other_columns(chunk.table, table)
        names = [c.name for c in table.columns]
        yield table, chunk, [_values(chunk, table, row, names) for row in chunk.rows]


def _insert_all(
    connection: Connection,
    decoded: Iterator[tuple[Table, Chunk, list[dict[str, Any]]]],
    on_table: ProgressReport | None,
) -> int:
    dialect = connection.dialect.name
    inserted: set[str] = set()
    later: list[tuple[Table, str, list[dict[str, Any]]]] = []
    total = 0
    for table, chunk, values in decoded:
        if table.name == VERSION_TABLE:
            _check_version_rows(connection, table, chunk)
        elif values:
            for column in _forward_keys(table, inserted):
                later.append((table, column, _deferred_values(table, column, values)))
                for value in values:
                    value[column] = None
            statement = insert(table).values(
                {c.name: write_expression(c, c.name, dialect) for c in table.columns}
            )
            connection.execute(statement, values)
            total += len(values)
        if chunk.is_last:
            inserted.add(table.name)
            if on_table is not None:
                on_table(table.name, chunk.table.row_count)
    for table, column, values in later:
        _fill_in(connection, table, column, values, dialect)
    return total


def _refuse_other_columns(described: archive.Table, table: Table) -> None:
    if described.columns != _columns(table):
        raise archive.DamagedBackup(
            f"the backup does not match this schema: the columns of {table.name} differ"
        )


def _check_version_rows(connection: Connection, table: Table, chunk: Chunk) -> None:
    stored = [[row[0]] for row in connection.execute(select(table.c.version_num))]
    if chunk.rows != stored:
        raise archive.DamagedBackup(
            "the backup is damaged: its alembic_version does not match its schema revision"
        )


def _values(chunk: Chunk, table: Table, row: list[Any], names: list[str]) -> dict[str, Any]:
    where = f"{table.name} row {row[0]!r}"
    return {
        name: from_portable(column.kind, value, f"{where}, column {name}")
        for name, column, value in zip(names, chunk.table.columns, row, strict=True)
    }


def _forward_keys(table: Table, inserted: set[str]) -> list[str]:
    """Foreign keys to rows not in yet (this table's own, or a later table's): filled in later."""
    forward = []
    for key in table.foreign_keys:
        target = key.column.table.name
        if target == table.name or target not in inserted:
            if not key.parent.nullable:
                raise archive.DamagedBackup(
                    f"the backup's tables are out of order: {table.name} before {target}"
                )
            forward.append(key.parent.name)
    return forward


def _deferred_values(
    table: Table, column: str, values: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    keys = [c.name for c in table.primary_key.columns]
    return [
        {**{f"key_{k}": v[k] for k in keys}, "value": v[column]}
        for v in values
        if v[column] is not None
    ]


def _fill_in(
    connection: Connection, table: Table, column: str, values: list[dict[str, Any]], dialect: str
) -> None:
    if not values:
        return
    statement = (
        update(table)
        .where(*(c == bindparam(f"key_{c.name}") for c in table.primary_key.columns))
        .values({column: write_expression(table.c[column], "value", dialect)})
    )
    connection.execute(statement, values)


def _restart_sequences(connection: Connection, tables: list[Table]) -> None:
    """New rows get ids after the restored ones. ``ALTER SEQUENCE ... RESTART`` rolls back with
    the transaction (``setval`` would not), so a failed restore leaves the sequences alone too."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or kind_of(keys[0]) != "integer":
            continue
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": keys[0].name},
        )
        largest = connection.scalar(select(func.max(keys[0])))
        if sequence and largest is not None:
            # Both come from the catalogue and the table, never from the file: safe to inline.
            connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART WITH {int(largest) + 1}"))


def _first_line(error: BaseException) -> str:
    detail = getattr(error, "orig", None) or error
    return (str(detail).strip().splitlines() or [type(detail).__name__])[0]
