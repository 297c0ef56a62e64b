"""The set-up file, read and checked without a database: every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.problems import DomainError
from partnership.setup_file import parse_setup_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "partnerships"

MINIMAL = """\
[partnership]
name = "Three Rivers VRU"

[opcc]
name = "Three Rivers OPCC"

[hub]
name = "Three Rivers Hub"

[[spokes]]
code = "east"
name = "East Borough"

[[grant_streams]]
code = "VRU"
name = "Violence Reduction Unit grant"

[financial_years]
years = ["2025-26"]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(DomainError) as caught:
        parse_setup_file(text, "p.toml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", ["avon-and-somerset.toml", "three-spokes.toml"])
def test_the_example_files_are_sound(name):
    spec = parse_setup_file((EXAMPLES / name).read_text(encoding="utf-8"), name)

    assert spec.spokes and spec.grant_streams and spec.years


def test_the_avon_and_somerset_file_has_the_five_spokes_and_two_grants():
    text = (EXAMPLES / "avon-and-somerset.toml").read_text(encoding="utf-8")

    spec = parse_setup_file(text, "avon-and-somerset.toml")

    assert [s.name for s in spec.spokes] == [
        "Bath & North East Somerset",
        "Bristol",
        "North Somerset",
        "Somerset",
        "South Gloucestershire",
    ]
    assert [g.code for g in spec.grant_streams] == ["VRU", "SVD"]
    assert spec.spokes[1].org_id == "GB-LAE-BST"
    assert spec.current_year == "2024-25"


def test_a_minimal_file_takes_defaults_for_the_opcc_and_hub_codes():
    spec = parse_setup_file(MINIMAL, "p.toml")

    assert (spec.opcc.code, spec.hub.code) == ("opcc", "hub")
    assert spec.current_year is None


def test_every_problem_is_listed_with_its_line():
    text = (
        MINIMAL
        + """
[[spokes]]
code = "East"
name = "Badly coded"

[[spokes]]
code = "east"
name = "Twice"
colur = "#ffffff"

[[spokes]]
code = "west"
"""
    )

    assert problems_of(text) == [
        "p.toml, line 22: the code of spoke 2 is 'East'; a code is lowercase letters, digits "
        "and hyphens, like south-glos",
        "p.toml, line 28: unknown key 'colur' in a spoke; expected one of: code, name, org_id, "
        "gss_code, colour, active_from, closed_from",
        "p.toml, line 30: spoke 4 has no name",
        "p.toml, line 26: the code 'east' is used twice; codes are unique",
    ]


def test_bad_years_colours_and_identifiers_are_named():
    text = MINIMAL.replace(
        'name = "East Borough"',
        'name = "East Borough"\norg_id = "LAE-1"\ncolour = "red"\nactive_from = "2025"',
    ).replace('years = ["2025-26"]', 'years = ["2025-26", "2026-28"]\ncurrent = "2024-25"')

    found = problems_of(text)

    assert len(found) == 5, found
    assert "p.toml, line 13: the org_id of spoke 1 is 'LAE-1'" in found[0]
    assert "line 14: the colour of spoke 1 is 'red'" in found[1]
    assert "line 15: the active_from of spoke 1" in found[2]
    assert "line 22" in found[3] and "2026-28" in found[3]
    assert found[4] == "p.toml, line 23: the current year 2024-25 is not one of the years listed"


def test_a_file_that_is_not_toml_says_where():
    (found,) = problems_of('[partnership]\nname = "unterminated\n')

    assert found.startswith("p.toml: this is not valid TOML:")
    assert "line 2" in found


def test_an_unknown_table_is_named():
    assert problems_of(MINIMAL + "\n[budget]\ntotal = 1\n") == [
        "p.toml, line 21: unknown table [budget]; expected: partnership, opcc, hub, spokes, "
        "grant_streams, financial_years"
    ]
