"""Formula versions: written on the form or uploaded as TOML, never edited (a change is a new
version), and audited."""

from __future__ import annotations

import io
from decimal import Decimal

from sqlalchemy import select

from allocations.models import FormulaVersion
from allocations.services import load_spec
from audit.models import AuditAction, AuditEvent
from extensions import db
from formulas.spec import Damping, IndicatorWeight, TopSlice
from tests.allocations.helpers import error_summary, page_text, stored_counts
from tests.builders import formula_toml, make_formula_version, make_grant_stream

FORM = {
    "name": "Test formula",
    "version": "1",
    "grant": "VRU",
    "financial_year": "2024-25",
    "pot": "1000.00",
    "rounding_unit": "0.01",
    "top_slice_recipient": "hub",
    "top_slice_percent": "10",
    "top_slice_amount": "",
    "base_share": "0.4",
    "weights": "population = 0.75\r\noffences = 0.25",
    "damping_floor": "-0.05",
    "damping_ceiling": "0.10",
    "change_note": "First agreed version",
    "submit": "Save as a new version",
}


def post_form(client, **changes):
    make_grant_stream("VRU")
    return client.post("/formulas/new", data={**FORM, **changes})


def post_upload(client, text: str, *, filename="asvrp.toml", change_note="Uploaded"):
    make_grant_stream("VRU")
    return client.post(
        "/formulas/new",
        data={
            "upload-file": (io.BytesIO(text.encode()), filename),
            "upload-change_note": change_note,
            "upload-submit": "Upload formula",
        },
        content_type="multipart/form-data",
    )


def test_finance_saves_a_formula_from_the_form(client, finance):
    response = post_form(client)

    version = db.session.scalar(select(FormulaVersion))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/formulas/{version.id}"
    assert (version.name, version.version, version.grant_code, version.financial_year) == (
        "Test formula",
        "1",
        "VRU",
        "2024-25",
    )
    assert version.change_note == "First agreed version"
    assert version.created_by == finance
    spec = load_spec(version)
    assert spec.pot == Decimal("1000.00")
    assert spec.top_slices == (TopSlice("hub", percent=Decimal(10)),)
    assert spec.base_share == Decimal("0.4")
    assert spec.indicators == (
        IndicatorWeight("population", Decimal("0.75")),
        IndicatorWeight("offences", Decimal("0.25")),
    )
    assert spec.damping == Damping(Decimal("-0.05"), Decimal("0.10"))


def test_the_formula_page_shows_the_settings_and_the_stored_text(client, finance):
    post_form(client)
    version = db.session.scalar(select(FormulaVersion))

    html = client.get(f"/formulas/{version.id}").get_data(as_text=True)

    assert "Test formula v1" in page_text(html, css_class="govuk-heading-l")
    assert page_text(html, testid="formula-toml") == " ".join(version.source_toml.split())
    summary = page_text(html, css_class="govuk-summary-list")
    assert "Pot £1,000.00" in summary
    assert "Indicator weights population: 0.75; offences: 0.25" in summary
    assert "What changed First agreed version" in summary


def test_finance_uploads_a_formula_file_and_the_text_is_kept_as_written(client, finance):
    text = "# agreed at the March board\n" + formula_toml(version="2024-25.1")

    response = post_upload(client, text, change_note="From the board paper")

    assert response.status_code == 302, response.get_data(as_text=True)
    version = db.session.scalar(select(FormulaVersion))
    assert version.source_toml == text
    assert (version.source_filename, version.version, version.change_note) == (
        "asvrp.toml",
        "2024-25.1",
        "From the board paper",
    )


def test_saving_a_version_that_exists_is_refused_on_the_version_field(client, finance):
    make_formula_version(name="Test formula", version="1")
    before = stored_counts()

    response = post_form(client)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = error_summary(html)
    assert "There is a problem" in summary
    assert "Version 1 of 'Test formula' already exists" in summary
    assert 'href="#version"' in html
    assert 'id="version-error"' in html
    assert stored_counts() == before


def test_uploading_a_version_that_exists_is_refused_and_names_the_file_row_and_column(
    client, finance
):
    make_formula_version(version="1")
    before = stored_counts()

    response = post_upload(client, formula_toml(version="1"), filename="asvrp.toml")

    assert response.status_code == 400
    summary = error_summary(response.get_data(as_text=True))
    assert (
        "asvrp.toml, row 2, column version: version 1 of 'Test formula' already exists" in summary
    )
    assert stored_counts() == before


def test_start_a_new_version_from_an_existing_one(client, finance):
    post_form(client)
    first = db.session.scalar(select(FormulaVersion))

    detail = client.get(f"/formulas/{first.id}").get_data(as_text=True)
    prefilled = client.get(f"/formulas/new?from={first.id}").get_data(as_text=True)

    assert f'href="/formulas/new?from={first.id}"' in detail
    assert 'name="name" type="text" value="Test formula"' in prefilled
    assert 'name="version" type="text" value=""' in prefilled
    assert 'name="pot" type="text" value="1000.00"' in prefilled
    assert "population = 0.75\noffences = 0.25</textarea>" in prefilled
    assert 'name="damping_ceiling" type="text" value="0.10"' in prefilled

    response = post_form(client, version="2", base_share="0.5", change_note="More base")

    assert response.status_code == 302
    versions = db.session.scalars(select(FormulaVersion).order_by(FormulaVersion.id)).all()
    assert [(v.version, load_spec(v).base_share) for v in versions] == [
        ("1", Decimal("0.4")),
        ("2", Decimal("0.5")),
    ]


def test_a_prefill_from_a_version_that_does_not_exist_is_not_found(client, finance):
    assert client.get("/formulas/new?from=999").status_code == 404


def test_saving_a_formula_is_audited_as_the_finance_officer(client, finance):
    post_form(client)
    version = db.session.scalar(select(FormulaVersion))

    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.table_name == "formula_versions", AuditEvent.record_id == str(version.id)
        )
    )

    assert event.action is AuditAction.CREATE
    assert (event.actor_id, event.actor_label) == (finance.id, finance.email)
    assert event.after["version"] == "1" and event.after["change_note"] == "First agreed version"


def test_the_formula_list_shows_versions_and_offers_finance_the_actions(client, finance):
    make_formula_version(version="1")
    make_formula_version(version="2")

    html = client.get("/formulas").get_data(as_text=True)

    assert "Test formula v1" in page_text(html, testid="formula-versions")
    assert "Test formula v2" in page_text(html, testid="formula-versions")
    for href in ("/formulas/new", "/indicators/new", "/runs/new"):
        assert f'href="{href}"' in html
