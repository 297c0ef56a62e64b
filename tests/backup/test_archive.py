"""The backup file format on its own, no database: what goes in comes out, and damage is named."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from backup.archive import (
    BackupError,
    BackupWriter,
    Column,
    DamagedBackup,
    Header,
    Table,
    TableCount,
    read_chunks,
    read_header,
)
from backup.columns import from_portable, to_portable

THINGS = Table("things", (Column("id", "integer"), Column("note", "text")), 3)
LONG_TEXT = 'line one\nline two\r\n\ttabbed "quoted" \\ \u2028 £ ünïcode 🙂 ' + "x" * 100_000


def header(*tables: Table, version: int = 1) -> Header:
    counts = tuple(TableCount(t.name, t.row_count) for t in tables)
    return Header(version, "0003", "0.1.0", "2026-12-02T10:30:00+00:00", "sqlite", counts)


def backup_bytes(rows=((1, "a"), (2, LONG_TEXT), (3, None)), table: Table = THINGS) -> bytes:
    buffer = io.BytesIO()
    writer = BackupWriter(buffer, header(table))
    writer.write_table(table, rows)
    writer.finish()
    return buffer.getvalue()


def test_rows_come_back_exactly_with_the_header():
    data = backup_bytes()

    assert read_header(io.BytesIO(data)) == header(THINGS)
    chunks = list(read_chunks(io.BytesIO(data)))
    assert [(c.table, c.rows, c.is_last) for c in chunks] == [
        (THINGS, [[1, "a"], [2, LONG_TEXT], [3, None]], True)
    ]


def test_a_large_table_comes_in_chunks_of_a_thousand_rows():
    table = Table("things", (Column("id", "integer"),), 2500)
    data = backup_bytes([(n,) for n in range(2500)], table)

    chunks = list(read_chunks(io.BytesIO(data)))

    assert [(len(c.rows), c.is_last) for c in chunks] == [(1000, False), (1000, False), (500, True)]


def test_the_checksum_covers_every_line_before_it():
    lines = gzip.decompress(backup_bytes()).splitlines(keepends=True)

    assert json.loads(lines[-1]) == {"sha256": hashlib.sha256(b"".join(lines[:-1])).hexdigest()}


def test_a_float_is_refused_on_the_way_in():
    with pytest.raises(TypeError, match="not a portable value"):
        backup_bytes([(1, 0.1), (2, "b"), (3, "c")])


def test_a_float_in_a_file_is_damage():
    lines = gzip.decompress(backup_bytes()).splitlines(keepends=True)
    lines[2] = b"[1,0.1]\n"
    body = b"".join(lines[:-1])
    trailer = json.dumps({"sha256": hashlib.sha256(body).hexdigest()}).encode() + b"\n"

    with pytest.raises(
        DamagedBackup, match=r"line 3 is not valid: 0\.1 is a number with a fraction"
    ):
        read_header(io.BytesIO(gzip.compress(body + trailer)))


def test_a_newer_format_is_refused_as_such():
    buffer = io.BytesIO()
    BackupWriter(buffer, header(version=2)).finish()

    with pytest.raises(BackupError, match="format version 2, newer than this app reads"):
        read_header(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a complete gzip file|the file is empty"),
        (gzip.compress(b""), "the file is empty"),
        (gzip.compress(b'{"hello": 1}\n{"sha256": "00"}\n'), "not a vrp backup"),
        (gzip.compress(b'{"format": "vrp-backup"}\n'), "last line is not the checksum"),
    ],
    ids=["empty file", "empty gzip", "other JSON", "no checksum"],
)
def test_what_is_not_a_backup_is_named(data, message):
    with pytest.raises(DamagedBackup, match=message):
        read_header(io.BytesIO(data))


# --- values: each kind, out and back --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "stored", "portable"),
    [
        ("pence", 152866700, 152866700),
        ("pence", -1, -1),
        ("pence", 2**63 - 1, 2**63 - 1),
        ("decimal", "0.123456789012345678901234567890", "0.123456789012345678901234567890"),
        ("boolean", False, False),
        ("date", date(2024, 3, 31), "2024-03-31"),
        (
            "datetime",
            datetime(2024, 3, 31, 9, 15, 0, 250000, UTC),
            "2024-03-31T09:15:00.250000+00:00",
        ),
        ("enum", "approved", "approved"),
        ("json", '{"a": 1}', '{"a": 1}'),
        ("text", LONG_TEXT, LONG_TEXT),
        ("integer", None, None),
    ],
)
def test_each_kind_of_value_goes_out_and_back_unchanged(kind, stored, portable):
    assert to_portable(kind, stored) == portable
    assert from_portable(kind, portable, "t.c") == stored


def test_a_datetime_in_another_zone_is_written_in_utc():
    bst = datetime(2024, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))

    assert to_portable("datetime", bst) == "2024-06-01T09:00:00+00:00"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("pence", "1.00"),
        ("pence", True),
        ("integer", 1.5),
        ("boolean", 1),
        ("decimal", "NaN"),
        ("decimal", "one"),
        ("date", "31/03/2024"),
        ("datetime", "2024-03-31T09:15:00"),  # no offset: which moment is it?
        ("text", 7),
    ],
)
def test_a_value_of_the_wrong_kind_is_damage(kind, value):
    with pytest.raises(DamagedBackup, match=f"t.c holds .*, which is not a {kind} value"):
        from_portable(kind, value, "t.c")
