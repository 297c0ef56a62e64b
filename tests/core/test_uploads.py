"""The guarded reader on its own: sizes before reading, archives checked from their directory
before anything is inflated, row and column limits, and problem lists cut at 100 with a count."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.problems import DomainError, Problem
from core.uploads import (
    MIB,
    UploadLimits,
    check_archive,
    read_csv,
    read_file,
    read_xlsx,
)
from exports.spreadsheets import write_xlsx


def zip_bomb(member: str = "xl/worksheets/sheet1.xml", inflated: int = 64 * MIB) -> bytes:
    """A small XLSX-shaped archive whose one member inflates to ``inflated`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b"0" * MIB
            for _ in range(inflated // MIB):
                handle.write(chunk)
    return buffer.getvalue()


def refusal(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as error:
        call()
    return "\n".join(str(p) for p in error.value.problems)


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_inflated():
    bomb = zip_bomb()
    assert len(bomb) < 1 * MIB  # small on the wire

    message = refusal(lambda: read_xlsx(bomb, "bomb.xlsx"))

    assert message == (
        "bomb.xlsx: xl/worksheets/sheet1.xml inflates to 64.0 MiB; the largest accepted is 25.0 MiB"
    )


def test_a_member_that_inflates_too_many_times_is_refused_even_under_the_size_limits():
    bomb = zip_bomb(inflated=8 * MIB)
    message = refusal(lambda: check_archive(bomb, "bomb.xlsx"))
    assert "inflates" in message and "at most 100 times" in message


def test_the_members_together_may_not_inflate_beyond_the_total():
    limits = UploadLimits(max_uncompressed_bytes=2 * MIB, max_ratio=10_000)
    message = refusal(lambda: check_archive(zip_bomb(inflated=3 * MIB), "big.xlsx", limits))
    assert message == "big.xlsx: the workbook inflates to 3.0 MiB; the largest accepted is 2.0 MiB"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(11 * MIB)  # sparse: nothing to read, and nothing is

    message = refusal(lambda: read_file(path))

    assert message == f"{path}: the file is 11.0 MiB; the largest accepted is 10.0 MiB"


def test_not_a_zip_is_a_clear_problem():
    assert refusal(lambda: read_xlsx(b"hello", "x.xlsx")) == (
        "x.xlsx: not a readable XLSX workbook (it is not a ZIP archive)"
    )


def test_rows_and_columns_beyond_the_limits_are_refused():
    workbook = write_xlsx({"Data": [["a"] * 5 for _ in range(30)]})
    limits = UploadLimits(max_rows=20, max_columns=4)
    assert refusal(lambda: read_xlsx(workbook, "w.xlsx", limits=limits)) == (
        "w.xlsx, Data sheet: it has 30 rows; at most 20"
    )
    assert refusal(lambda: read_csv(b"a,b\n" * 30, "w.csv", UploadLimits(max_rows=20))) == (
        "w.csv: it has 21 rows; at most 20"
    )
    assert refusal(lambda: read_csv(b",".join([b"x"] * 101), "wide.csv")) == (
        "wide.csv: it has 101 columns; at most 100"
    )


def test_a_problem_list_shows_the_first_100_and_counts_the_rest():
    error = DomainError("no", [Problem(f"bad {n}", row=n) for n in range(1, 5001)])

    assert error.problem_count == 5000
    assert len(error.problems) == 101
    assert str(error.problems[99]) == "row 100: bad 100"
    assert str(error.problems[100]) == "and 4,900 more problems not shown: fix these and try again"
