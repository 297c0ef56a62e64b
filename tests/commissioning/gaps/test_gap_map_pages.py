"""The gap map page, its exports and ``vrp gaps`` on the demo; a spoke lead sees only their own
row and edits only their own needs."""

from __future__ import annotations

import json

from sqlalchemy import select

from commissioning.gaps.models import SpokeNeed
from extensions import db
from reference.models import Organisation


def signed_in(client, email):
    client.post("/sign-in", data={"email": email, "password": "demo-password-2024"})


def test_the_gap_map_shows_coverage_findings_and_an_svg_heat_map(demo, client):
    signed_in(client, "hub@asvrp.example")

    html = client.get("/commissioning/gaps?year=2023-24").get_data(as_text=True)

    assert "<svg" in html and "Bristol, Targeted mentors: 1 interventions; needed</title>" in html
    gaps = html[html.index('data-testid="gaps"') :].split("</ul>")[0]
    # The needs assessment says Somerset needs domestic abuse support; none is listed for it.
    assert "<li>Somerset: Targeted domestic abuse support</li>" in gaps
    duplicates = html[html.index('data-testid="duplicates"') :].split("</ul>")[0]
    assert "North Somerset: 2 × Specific programme in schools for school pupils" in duplicates
    unequal = html[html.index('data-testid="unequal"') :].split("</ul>")[0]
    assert "Early years support" not in unequal  # offered nowhere: not unequal, a gap if needed
    assert "Targeted young people&#39;s mental health support: offered in North Somerset" in unequal
    assert 'data-testid="evidence"' in html


def test_a_spoke_lead_sees_only_their_own_row(demo, client):
    signed_in(client, "bristol@asvrp.example")

    html = client.get("/commissioning/gaps?year=2023-24").get_data(as_text=True)
    svg = client.get("/commissioning/gaps/heatmap.svg?year=2023-24").get_data(as_text=True)
    exported = client.get("/commissioning/gaps/export.json?year=2023-24").get_json()

    assert "Bristol, " in svg and "North Somerset, " not in svg
    assert "North Somerset: 2 ×" not in html
    assert {row["Spoke"] for row in exported["coverage"]} == {"Bristol"}
    assert client.get("/commissioning/gaps/needs/somerset").status_code == 404
    assert client.get("/commissioning/gaps/needs/bristol").status_code == 200


def test_a_spoke_lead_edits_their_own_needs(demo, client):
    signed_in(client, "bristol@asvrp.example")
    bristol = db.session.scalar(select(Organisation).where(Organisation.code == "bristol"))

    response = client.post(
        "/commissioning/gaps/needs/bristol", data={"needs": ["early_years", "siblings"]}
    )
    refused = client.post("/commissioning/gaps/needs/bristol", data={"needs": ["astrology"]})

    assert response.status_code == 302
    assert refused.status_code == 400
    assert set(
        db.session.scalars(
            select(SpokeNeed.intervention_type).where(SpokeNeed.spoke_id == bristol.id)
        )
    ) == {"early_years", "siblings"}


def test_gap_map_exports(demo, client):
    signed_in(client, "auditor@asvrp.example")

    xlsx = client.get("/commissioning/gaps/export.xlsx?year=2023-24")
    csv_text = client.get("/commissioning/gaps/export.csv?year=2023-24").get_data(as_text=True)

    assert xlsx.data[:2] == b"PK"
    assert (
        csv_text.splitlines()[0] == "Spoke,Intervention type,Needed,Interventions,Spend,Reach,Gap"
    )
    assert "\nSomerset,Targeted domestic abuse support,yes,0,0,0,gap\n" in csv_text


def test_vrp_gaps_in_every_format(demo, runner, tmp_path):
    table = runner.invoke(args=["gaps", "--year", "2023-24"])
    as_json = runner.invoke(args=["gaps", "--year", "2023-24", "--format", "json"])
    out = tmp_path / "gaps.xlsx"
    as_xlsx = runner.invoke(
        args=["gaps", "--year", "2023-24", "--format", "xlsx", "--out", str(out)]
    )

    assert table.exit_code == 0, table.output
    assert (
        "Gaps (" in table.output
        and "\n  Somerset: Targeted domestic abuse support\n" in table.output
    )
    found = json.loads(as_json.output)
    assert {"spoke": "somerset", "type": "domestic_abuse"} in found["gaps"]
    assert out.read_bytes()[:2] == b"PK" and as_xlsx.exit_code == 0
