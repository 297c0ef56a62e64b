"""The backup file format: gzip-compressed JSON lines with a SHA-256 checksum. Pure: stdlib only.

Nothing here knows SQLAlchemy or a database; values arrive already made portable (``columns``)
as ``None``, ``bool``, ``int`` or ``str``, and a float is refused on the way in and out.

The uncompressed content, one JSON document per line (UTF-8, ``\\n`` line ends)::

    {"format": "vrp-backup", "format_version": 1, "schema_revision": "0003",
     "app_version": "0.1.0", "created_at": "2026-12-02T10:30:00.123456+00:00",
     "database": "sqlite", "tables": [{"name": "alembic_version", "row_count": 1}, ...]}
    {"table": "alembic_version", "columns": [{"name": "version_num", "type": "text"}],
     "row_count": 1}
    ["0003"]
    {"table": "financial_years", "columns": [...], "row_count": 2}
    [1, "2023-24", "2023-04-01", "2024-03-31", false]
    ...
    {"sha256": "<64 hex digits>"}

The header comes first; then each table in the header's order (foreign-key order), a line that
names its columns and their types, then one JSON array per row in primary-key order. The last
line holds the SHA-256 of every byte before it. Column types: ``integer``, ``pence`` (money as
the stored integer pence), ``decimal`` (exact decimal text), ``text``, ``enum`` (the stored
string), ``json`` (the stored JSON text, verbatim), ``boolean``, ``date`` (``2024-03-31``) and
``datetime`` (ISO 8601 with its UTC offset, ``2024-03-31T09:15:00.250000+00:00``).

>>> import io
>>> buffer = io.BytesIO()
>>> header = Header(1, "0003", "0.1.0", "2026-12-02T10:30:00+00:00", "sqlite",
...                 (TableCount("things", 1),))
>>> writer = BackupWriter(buffer, header)
>>> writer.write_table(Table("things", (Column("id", "integer"),), 1), [[7]])
>>> len(writer.finish())
64
>>> [chunk.rows for chunk in read_chunks(io.BytesIO(buffer.getvalue()))]
[[[7]]]
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from core.problems import DomainError

FORMAT = "vrp-backup"
FORMAT_VERSION = 1
KINDS = ("integer", "pence", "decimal", "text", "enum", "json", "boolean", "date", "datetime")
CHUNK_ROWS = 1000


class BackupError(DomainError):
    """A backup cannot be written or restored; the message says why, in one line."""


class DamagedBackup(BackupError):
    """The file is not a complete, unaltered backup."""


class NotABackup(DamagedBackup):
    """The file does not even start like a backup (a different file chosen by mistake)."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    row_count: int


@dataclass(frozen=True)
class TableCount:
    name: str
    row_count: int


@dataclass(frozen=True)
class Header:
    format_version: int
    schema_revision: str
    app_version: str
    created_at: str
    database: str
    tables: tuple[TableCount, ...]

    @property
    def total_rows(self) -> int:
        return sum(t.row_count for t in self.tables)


@dataclass(frozen=True)
class Chunk:
    """Up to ``CHUNK_ROWS`` rows of one table; ``is_last`` on the table's final chunk."""

    table: Table
    rows: list[list[Any]]
    is_last: bool


def _encode(document: Any) -> bytes:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


class BackupWriter:
    """Writes one backup to a binary stream (compressed here): header, tables, checksum."""

    def __init__(self, stream: IO[bytes], header: Header) -> None:
        self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=stream, mtime=0)
        self._hash = hashlib.sha256()
        self._pending = list(header.tables)
        self._write(
            {
                "format": FORMAT,
                "format_version": header.format_version,
                "schema_revision": header.schema_revision,
                "app_version": header.app_version,
                "created_at": header.created_at,
                "database": header.database,
                "tables": [{"name": t.name, "row_count": t.row_count} for t in header.tables],
            }
        )

    def _write(self, document: Any) -> None:
        line = _encode(document)
        self._hash.update(line)
        self._gzip.write(line)

    def write_table(self, table: Table, rows: Iterable[Sequence[Any]]) -> None:
        expected = self._pending.pop(0) if self._pending else None
        if expected != TableCount(table.name, table.row_count):
            raise ValueError(f"table {table.name} is not the next one the header promised")
        self._write(
            {
                "table": table.name,
                "columns": [{"name": c.name, "type": c.kind} for c in table.columns],
                "row_count": table.row_count,
            }
        )
        written = 0
        for row in rows:
            for value in row:
                if value is not None and not isinstance(value, bool | int | str):
                    raise TypeError(f"{table.name}: {value!r} is not a portable value")
            self._write(list(row))
            written += 1
        if written != table.row_count:
            raise ValueError(f"table {table.name}: {written} rows, not {table.row_count}")

    def finish(self) -> str:
        """Write the checksum line and close the compressed stream; returns the checksum."""
        if self._pending:
            raise ValueError(f"table {self._pending[0].name} was never written")
        checksum = self._hash.hexdigest()
        self._gzip.write(_encode({"sha256": checksum}))
        self._gzip.close()
        return checksum


# --- reading ------------------------------------------------------------------------------------


def _refuse_float(text: str) -> Any:
    raise ValueError(f"{text} is a number with a fraction; a backup holds none")


def _parse(line: bytes, number: int) -> Any:
    try:
        return json.loads(line, parse_float=_refuse_float, parse_constant=_refuse_float)
    except (UnicodeDecodeError, ValueError) as error:
        raise DamagedBackup(f"the backup is damaged: line {number} is not valid: {error}") from None


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """The uncompressed lines, checksum line included; gzip problems become ``DamagedBackup``."""
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            yield from unzipped
    except (OSError, EOFError, zlib.error) as error:
        raise DamagedBackup(
            f"the backup is damaged: it is not a complete gzip file ({error})"
        ) from None


class _Content:
    """The lines before the checksum line, hashed as they go; ``verify`` checks the checksum."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines = _lines(stream)
        self._hash = hashlib.sha256()
        self._failure: DamagedBackup | None = None
        self._next = self._pull()
        self.number = 0
        if self._next is None:
            raise DamagedBackup("the backup is damaged: the file is empty")

    def _pull(self) -> bytes | None:
        if self._failure is not None:
            raise self._failure
        try:
            return next(self._lines, None)
        except DamagedBackup as failure:
            self._failure = failure  # a broken gzip stream is the whole story: keep saying so
            raise

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self._next
        following = self._pull() if line is not None else None
        if line is None or following is None:
            raise StopIteration
        self._next = following
        self._hash.update(line)
        self.number += 1
        return line

    def drain(self) -> None:
        for _ in self:
            pass

    def verify(self) -> None:
        self.drain()
        last = self._next or b""
        try:
            trailer = json.loads(last)
            stated = trailer["sha256"] if isinstance(trailer, dict) else None
        except (UnicodeDecodeError, ValueError, KeyError):
            stated = None
        if not last.endswith(b"\n") or not isinstance(stated, str):
            raise DamagedBackup("the backup is damaged: its last line is not the checksum")
        if stated != self._hash.hexdigest():
            raise DamagedBackup("the backup is damaged: its checksum does not match its content")


def _header(document: Any) -> Header:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise NotABackup("this is not a vrp backup: its first line is not a backup header")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DamagedBackup("the backup is damaged: its header has no format version")
    if version > FORMAT_VERSION:
        raise BackupError(
            f"the backup is in format version {version}, newer than this app reads "
            f"({FORMAT_VERSION}): restore it with the version of the app that made it"
        )
    try:
        tables = tuple(TableCount(str(t["name"]), int(t["row_count"])) for t in document["tables"])
        fields = [document[k] for k in ("schema_revision", "app_version", "created_at")]
        database = str(document["database"])
    except (KeyError, TypeError, ValueError):
        raise DamagedBackup("the backup is damaged: its header is incomplete") from None
    if not all(isinstance(f, str) for f in fields):
        raise DamagedBackup("the backup is damaged: its header is incomplete")
    return Header(version, fields[0], fields[1], fields[2], database, tables)


def _table(document: Any, expected: TableCount, number: int) -> Table:
    where = f"the backup is damaged: line {number}"
    if not isinstance(document, dict) or document.get("table") != expected.name:
        raise DamagedBackup(f"{where} should start table {expected.name}")
    try:
        columns = tuple(Column(str(c["name"]), str(c["type"])) for c in document["columns"])
    except (KeyError, TypeError):
        raise DamagedBackup(f"{where} does not list the columns of {expected.name}") from None
    if document.get("row_count") != expected.row_count:
        raise DamagedBackup(f"{where}: {expected.name} does not have the rows the header says")
    unknown = [c.kind for c in columns if c.kind not in KINDS]
    if unknown:
        raise DamagedBackup(f"{where}: unknown column type {unknown[0]}")
    return Table(expected.name, columns, expected.row_count)


def _row(document: Any, table: Table, number: int) -> list[Any]:
    if not isinstance(document, list) or len(document) != len(table.columns):
        raise DamagedBackup(
            f"the backup is damaged: line {number} is not a row of {len(table.columns)} "
            f"values of {table.name}"
        )
    return document


def _chunks(content: _Content) -> Iterator[Chunk | Header]:
    first = next(content, None)
    if first is None:
        raise DamagedBackup("the backup is damaged: it has no header")
    header = _header(_parse(first, 1))
    yield header
    for expected in header.tables:
        line = next(content, None)
        if line is None:
            raise DamagedBackup(f"the backup is damaged: table {expected.name} is missing")
        table = _table(_parse(line, content.number), expected, content.number)
        rows: list[list[Any]] = []
        for index in range(table.row_count):
            line = next(content, None)
            if line is None:
                raise DamagedBackup(f"the backup is damaged: table {table.name} is cut short")
            rows.append(_row(_parse(line, content.number), table, content.number))
            if len(rows) == CHUNK_ROWS and index + 1 < table.row_count:
                yield Chunk(table, rows, is_last=False)
                rows = []
        yield Chunk(table, rows, is_last=True)
    if next(content, None) is not None:
        raise DamagedBackup(f"the backup is damaged: line {content.number} follows the last table")


def read_header(stream: IO[bytes]) -> Header:
    """Check the whole file (gzip, checksum, every line's shape) and return its header."""
    content = _Content(stream)
    header: Header | None = None
    try:
        for item in _chunks(content):
            if isinstance(item, Header):
                header = item
    except NotABackup:
        raise
    except DamagedBackup:
        # A damaged line inside an intact file is rare: the checksum is the clearer message.
        content.verify()
        raise
    content.verify()
    if header is None:
        raise DamagedBackup("the backup is damaged: it has no header")
    return header


def read_chunks(stream: IO[bytes]) -> Iterator[Chunk]:
    """Every table's rows in chunks, in file order; the checksum is checked again at the end,
    so a file changed since ``read_header`` still fails before anything is committed."""
    content = _Content(stream)
    for item in _chunks(content):
        if isinstance(item, Chunk):
            yield item
    content.verify()
