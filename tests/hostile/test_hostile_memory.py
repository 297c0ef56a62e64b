"""The worst files, through each importer's command in a real process whose own peak memory is
measured: a zip bomb, 200,000 rows of junk, a file over the size limit, and the two workbooks of
a few kilobytes that calamine would have unpacked to gigabytes (a far cell, a long string shown
in thousands of cells). Each is refused in a few lines on standard error, exit status 1, no
traceback, and the process never holds more than 300 MiB.

The peak is the child's VmHWM, read from /proc inside it as it exits (``tests/hostile/child.py
--peak``): ``ru_maxrss`` of a child would carry the forking pytest's own peak across exec.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from auth.roles import Role
from core.uploads import MIB
from extensions import db
from tests.builders import make_spokes, make_user
from tests.core.test_uploads import zip_bomb
from tests.core.test_xlsx_scan import far_cell_xlsx, handmade_xlsx, shared_string_bomb
from tests.hostile.test_crash_safety import ROOT, command, environment

LIMIT_MIB = 300


@dataclass(frozen=True)
class Measured:
    returncode: int
    errors: list[str]  # standard error, the peak left off
    peak_mib: float


def measure(database_url: str | None, *args: str) -> Measured:
    result = subprocess.run(
        command("--peak", *args),
        cwd=ROOT,
        env=environment(database_url) if database_url else {**os.environ, "VRP_ENV": "testing"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = result.stderr.splitlines()
    peaks = [line for line in lines if line.startswith("PEAK_KIB=")]
    assert len(peaks) == 1, result.stderr
    return Measured(
        result.returncode,
        [line for line in lines if not line.startswith("PEAK_KIB=")],
        int(peaks[0].removeprefix("PEAK_KIB=")) / 1024,
    )


# --- the files ------------------------------------------------------------------------------------


def junk_xlsx(rows: int = 200_000) -> bytes:
    """200,000 rows of one number each: 1.5 MB, 10 MB of sheet XML."""
    cells = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    return handmade_xlsx("".join(cells))


def junk_csv(rows: int = 200_000) -> bytes:
    return b"recipient,indicator,value,source,as_of\n" + b"x,y,z,s,d\n" * rows


def oversized(path: Path) -> Path:
    with path.open("wb") as handle:
        handle.truncate(11 * MIB)  # sparse: nothing to read, and nothing is
    return path


# Each importer's command: the name its file is given, and its arguments.
IMPORTERS = {
    "returns": (
        "q1.xlsx",
        ("returns", "import", "{path}", "--spoke", "bristol", "--as", "lead@x.example"),
    ),
    "indicators": (
        "needs.{ext}",
        ("formula", "import-indicators", "{path}", "--name", "Needs", "--as", "fin@x.example"),
    ),
    "bids": ("bids.xlsx", ("bids", "import", "{path}", "--as", "hub@x.example")),
}


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """256 MiB of zeros in 250 KiB, built once."""
    return zip_bomb(inflated=256 * MIB)


@pytest.fixture
def actors(app) -> None:  # type: ignore[no-untyped-def]
    spokes = make_spokes()
    make_user(role=Role.SPOKE, spoke=spokes["bristol"], email="lead@x.example")
    make_user(role=Role.FINANCE, email="fin@x.example")
    make_user(role=Role.HUB, email="hub@x.example")
    db.session.remove()


# Each file: its kind (None: CSV for the indicators, else XLSX) and what its refusal says.
CASES = {
    "zip bomb": ("xlsx", "inflates to 256.0 MiB; the largest accepted is 25.0 MiB"),
    "200,000 rows of junk": (None, "rows; at most 10,000"),
    "a file over the size limit": ("xlsx", "the file is 11.0 MiB; the largest accepted is 10.0"),
    "a far cell": ("xlsx", "it has 1,048,576 rows; at most 10,000"),
    "a long string in 2,000 cells": ("xlsx", "characters of text (text shared between cells"),
}


# Every importer with the bomb, the junk and the oversized file; the two calamine bombs through
# one of them (every workbook is read by the one ``core.uploads.read_xlsx``).
PAIRS = [
    *((importer, case) for importer in IMPORTERS for case in list(CASES)[:3]),
    ("returns", "a far cell"),
    ("returns", "a long string in 2,000 cells"),
]


@pytest.mark.one_database  # the files are refused before the database is asked anything
@pytest.mark.parametrize(("importer", "case"), PAIRS)
def test_the_worst_files_are_refused_in_bounded_memory(
    importer, case, actors, database_url, bomb, tmp_path
):
    ext, expected = CASES[case]
    name, template = IMPORTERS[importer]
    if ext is None:
        ext = "csv" if importer == "indicators" else "xlsx"
    path = tmp_path / name.format(ext=ext)
    if case == "a file over the size limit":
        oversized(path)
    else:
        content = {
            "zip bomb": lambda: bomb,
            "200,000 rows of junk": lambda: junk_csv() if ext == "csv" else junk_xlsx(),
            "a far cell": far_cell_xlsx,
            "a long string in 2,000 cells": shared_string_bomb,
        }[case]()
        path.write_bytes(content)

    measured = measure(database_url, *(part.format(path=path) for part in template))

    assert measured.returncode == 1, measured.errors
    assert not any("Traceback" in line for line in measured.errors), measured.errors
    assert "was not imported" in measured.errors[0] and len(measured.errors) <= 3, measured.errors
    assert expected in "\n".join(measured.errors)
    assert measured.peak_mib < LIMIT_MIB, f"the process peaked at {measured.peak_mib:.0f} MiB"


def test_a_zip_bomb_is_refused_in_bounded_memory_without_a_database(bomb, tmp_path):
    """``vrp formula run`` (no app, no database) on a bomb inflating to 256 MiB."""
    path = tmp_path / "indicators.xlsx"
    path.write_bytes(bomb)
    formula = ROOT / "examples" / "formulas" / "asvrp-2024-25.toml"

    measured = measure(None, "formula", "run", str(formula), "--indicators", str(path))

    assert measured.returncode == 1, measured.errors
    assert not any("Traceback" in line for line in measured.errors), measured.errors
    assert "inflates to 256.0 MiB; the largest accepted is 25.0 MiB" in "\n".join(measured.errors)
    assert measured.peak_mib < LIMIT_MIB, f"the process peaked at {measured.peak_mib:.0f} MiB"
