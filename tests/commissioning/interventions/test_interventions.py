"""The interventions register: the demo's 2023-24 from the annual report's spoke sections, the
difference from the report's summary shown on the page, filters, spoke scoping, exports, reach
entry and the YEF strands table."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from auth.models import User
from auth.roles import Role
from commissioning.interventions.models import Intervention, InterventionReach, YefStrand
from extensions import db
from tests.builders import make_user


def signed_in(client, email):
    client.post("/sign-in", data={"email": email, "password": "demo-password-2024"})


def test_the_register_shows_what_the_spoke_sections_list_and_the_difference(demo, client):
    signed_in(client, "hub@asvrp.example")

    html = client.get("/commissioning/interventions?year=2023-24").get_data(as_text=True)

    count = db.session.scalar(
        select(db.func.count(Intervention.id)).where(Intervention.financial_year == "2023-24")
    )
    assert count == 46  # Somerset 4, B&NES 7, South Glos 12, North Somerset 13, Bristol 10
    differences = html[html.index('data-testid="differences"') :].split("</div>")[0]
    assert "Interventions: the report says 56; the interventions listed add up to 46" in differences
    assert "Professionals: the report says 1,578 and 1,689" in differences
    totals = html[html.index('data-testid="totals"') :].split("</tr>")[0]
    professionals = sum(
        r.reach_professionals for r in db.session.scalars(select(InterventionReach))
    )
    assert f"{professionals:,}" in totals
    assert "Sport as a diversion" in html  # names, not codes
    assert "sport_diversion" not in html.split("<table")[1]


def test_filters_narrow_the_list(demo, client):
    signed_in(client, "hub@asvrp.example")

    html = client.get(
        "/commissioning/interventions?year=2023-24&spoke=north-somerset&type=mental_health"
    ).get_data(as_text=True)

    assert "Art therapy" in html and "Play therapy" in html
    assert "Blunt Truth" not in html
    assert 'data-testid="differences"' not in html  # only the whole year is compared


def test_a_spoke_lead_sees_only_their_own_spokes_interventions(demo, client):
    signed_in(client, "bristol@asvrp.example")
    other = db.session.scalar(select(Intervention).where(Intervention.name == "Mini Police"))

    html = client.get("/commissioning/interventions?year=2023-24").get_data(as_text=True)

    assert "Girls and young women targeted work" in html
    assert "Mini Police" not in html
    assert client.get(f"/commissioning/interventions/{other.id}").status_code == 404
    assert client.get(f"/commissioning/interventions/{other.id}/reach/2023-24/1").status_code == 404
    exported = client.get("/commissioning/interventions/export.csv?year=2023-24")
    assert "Mini Police" not in exported.get_data(as_text=True)


def test_export_csv_and_xlsx(demo, client):
    signed_in(client, "auditor@asvrp.example")

    response = client.get("/commissioning/interventions/export.csv?year=2023-24")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    xlsx = client.get("/commissioning/interventions/export.xlsx?year=2023-24")

    assert rows[0][:3] == ["Intervention", "Spokes", "Type"]
    assert len(rows) == 47
    blunt = next(r for r in rows if r[0] == "Blunt Truth" and r[1] == "North Somerset")
    assert blunt[2] == "Specific programme in schools"
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_a_spoke_lead_records_reach_for_their_own_intervention(demo, client):
    signed_in(client, "bristol@asvrp.example")
    mine = db.session.scalar(select(Intervention).where(Intervention.name == "Targeted group"))
    data = {
        "reach_under_10": "0",
        "reach_10_14": "12",
        "reach_15_17": "20",
        "reach_18_24": "3",
        "reach_parents_carers": "4",
        "reach_professionals": "1",
        "outputs": "10",
    }

    bad = client.post(
        f"/commissioning/interventions/{mine.id}/reach/2023-24/1",
        data=data | {"reach_15_17": "-2"},
    )
    good = client.post(f"/commissioning/interventions/{mine.id}/reach/2023-24/1", data=data)

    assert bad.status_code == 400
    assert "-2 is not a whole number of 0 or more" in bad.get_data(as_text=True)
    assert good.status_code == 302
    q1 = db.session.scalar(
        select(InterventionReach).where(
            InterventionReach.intervention_id == mine.id, InterventionReach.quarter == 1
        )
    )
    assert (q1.young_people, q1.outputs) == (35, 10)


def test_yef_strands_are_editable_reference_data_with_an_as_of_date(demo, client):
    signed_in(client, "hub@asvrp.example")
    strand = db.session.scalar(select(YefStrand).where(YefStrand.code == "mentoring"))

    listing = client.get("/commissioning/strands").get_data(as_text=True)
    response = client.post(
        f"/commissioning/strands/{strand.id}/edit",
        data={
            "name": "Mentoring",
            "impact": "moderate",
            "evidence": "moderate",
            "cost": "low",
            "as_of": ["1", "10", "2024"],
        },
    )

    assert "31 March 2024" in listing
    assert response.status_code == 302
    assert db.session.get(YefStrand, strand.id).evidence == "moderate"


def test_the_administrator_keeps_the_strands_from_the_partnership_page(demo, client):
    signed_in(client, "admin@asvrp.example")
    strand = db.session.scalar(select(YefStrand).where(YefStrand.code == "mentoring"))

    overview = client.get("/admin/partnership/").get_data(as_text=True)
    saved = client.post(
        f"/commissioning/strands/{strand.id}/edit",
        data={
            "name": "Mentoring",
            "impact": "moderate",
            "evidence": "moderate",
            "cost": "low",
            "as_of": ["1", "10", "2024"],
        },
        follow_redirects=True,
    )

    assert 'href="/commissioning/strands"' in overview
    assert saved.status_code == 200  # back on the strands list, which they may open
    assert "Saved Mentoring" in saved.get_data(as_text=True)


def test_a_spoke_lead_adds_an_intervention_only_in_their_own_spoke(demo, client):
    bristol = db.session.scalar(select(User).where(User.email == "bristol@asvrp.example")).spoke
    somerset_lead = make_user(
        role=Role.SPOKE,
        spoke=db.session.scalar(select(User).where(User.email == "somerset@asvrp.example")).spoke,
    )
    client.post(
        "/sign-in", data={"email": somerset_lead.email, "password": "correct-horse-battery"}
    )

    response = client.post(
        "/commissioning/interventions/new",
        data={
            "name": "Sneaky",
            "financial_year": "2024-25",
            "spokes": [str(bristol.id)],
            "intervention_type": "targeted_mentors",
            "level": "targeted",
            "status": "running",
        },
    )

    assert response.status_code == 403
    assert db.session.scalar(select(Intervention).where(Intervention.name == "Sneaky")) is None


def test_vrp_interventions_export(demo, runner, tmp_path):
    out = tmp_path / "interventions.xlsx"

    as_csv = runner.invoke(args=["interventions", "export", "--year", "2023-24", "--format", "csv"])
    as_xlsx = runner.invoke(
        args=["interventions", "export", "--year", "2023-24", "--format", "xlsx", "--out", str(out)]
    )

    assert as_csv.exit_code == 0, as_csv.output
    assert "Mini Police,North Somerset,Universal schools offer" in as_csv.output
    assert as_xlsx.exit_code == 0 and out.read_bytes()[:2] == b"PK"


def test_a_spoke_lead_edits_their_own_intervention(demo, client):
    signed_in(client, "bristol@asvrp.example")
    mine = db.session.scalar(select(Intervention).where(Intervention.name == "Targeted group"))
    form = client.get(f"/commissioning/interventions/{mine.id}/edit").get_data(as_text=True)
    data = {
        "name": "Targeted group work (CCE)",
        "financial_year": "2023-24",
        "spokes": [str(s.id) for s in mine.spokes],
        "intervention_type": "targeted_group_work",
        "level": "specialist",
        "status": "ended",
        "annual_cost": "12000.00",
        "commitments": ["interventions", "engagement"],
    }

    response = client.post(f"/commissioning/interventions/{mine.id}/edit", data=data)

    assert 'value="Targeted group"' in form
    assert response.status_code == 302
    db.session.refresh(mine)
    assert (mine.name, str(mine.annual_cost), mine.commitment_names) == (
        "Targeted group work (CCE)",
        "12000.00",
        ["Interventions", "Engagement"],
    )
