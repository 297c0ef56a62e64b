"""Who may see and do what with formulas, runs and allocations.

Finance runs and approves; the hub and auditors read; spoke leads see their own allocation only;
the panel and administrators see none of it.
"""

from __future__ import annotations

import io

import pytest

from allocations.models import FormulaRun, RunStatus
from auth.roles import Role
from extensions import db
from tests.allocations.helpers import page_text, stored_counts, table_rows
from tests.builders import (
    formula_toml,
    indicator_csv,
    make_approved_run,
    make_run,
    make_spoke,
    make_user,
)


@pytest.fixture
def runs():
    """An approved run (superseded by a second one) and a draft scenario."""
    first = make_approved_run(label="Indicative", decision_reference="DN-1")
    second = make_approved_run(
        formula=first.formula_version,
        dataset=first.dataset,
        pot="1100.00",
        label="Confirmed",
        decision_reference="DN-2",
    )
    draft = make_run(formula=first.formula_version, dataset=first.dataset, label="Scenario")
    return first, second, draft


def reading_pages(first, second) -> list[str]:
    return [
        "/formulas",
        f"/formulas/{first.formula_version.id}",
        f"/indicators/{first.dataset.id}",
        f"/runs/{first.id}",
        f"/runs/compare?runs={first.id}&runs={second.id}",
        f"/runs/{first.id}/export.csv",
        f"/runs/{first.id}/export.xlsx",
    ]


def changes(first, draft) -> list[tuple[str, dict]]:
    return [
        (
            "/formulas/new",
            {
                "name": "F",
                "version": "9",
                "financial_year": "2024-25",
                "pot": "1.00",
                "rounding_unit": "0.01",
                "weights": "population = 1",
                "submit": "Save as a new version",
            },
        ),
        (
            "/formulas/new",
            {
                "upload-file": (io.BytesIO(formula_toml(version="9").encode()), "f.toml"),
                "upload-submit": "Upload formula",
            },
        ),
        (
            "/indicators/new",
            {
                "name": "Needs",
                "file": (io.BytesIO(indicator_csv()), "n.csv"),
                "submit": "Import indicators",
            },
        ),
        (
            "/runs/new",
            {
                "formula_version": str(first.formula_version.id),
                "dataset": str(first.dataset.id),
                "previous": "",
                "submit": "Run the formula",
            },
        ),
        (
            f"/runs/{draft.id}/approve",
            {"decision_reference": "DN-3", "submit": "Approve these allocations"},
        ),
    ]


def test_a_spoke_lead_sees_only_their_own_allocation(client, sign_in, runs):
    sign_in(make_user(role=Role.SPOKE, spoke=make_spoke("bristol")))

    html = client.get("/allocations").get_data(as_text=True)

    assert table_rows(html, "allocations") == [
        ["Grant", "Recipient", "Allocation", "From"],
        ["VRU grant", "Bristol", "£277.20", f"Run {runs[1].id}, decision DN-2"],
    ]
    main = html[html.find("<main") :]
    superseded = main[main.find("Superseded allocations") :]
    assert "£252.00" in superseded and "DN-1" in superseded
    for other in (
        "Bath &amp; North East Somerset",
        "VRP Hub",
        "North Somerset",
        "Total",
        "£178.20",
        "£110.00",
        "£162.00",
        "Approval history",
        "/runs/",
    ):
        assert other not in main


def test_a_spoke_lead_cannot_open_formulas_runs_or_comparisons(client, sign_in, runs):
    sign_in(make_user(role=Role.SPOKE, spoke=make_spoke("bristol")))
    pages = reading_pages(runs[0], runs[1])

    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 403)


def test_an_auditor_reads_formulas_runs_and_all_allocations(client, sign_in, runs):
    first, second, _ = runs
    sign_in(make_user(role=Role.AUDITOR))

    statuses = [client.get(url).status_code for url in reading_pages(first, second)]
    allocations = client.get("/allocations").get_data(as_text=True)
    run_page = client.get(f"/runs/{runs[2].id}").get_data(as_text=True)
    formulas = client.get("/formulas").get_data(as_text=True)

    assert statuses == [200] * 7
    assert table_rows(allocations, "allocations")[-1] == ["Total VRU", "£1,100.00", ""]
    assert "Approve these allocations" not in run_page
    assert 'href="/formulas/new"' not in formulas and 'href="/runs/new"' not in formulas


def test_an_auditor_can_neither_open_nor_send_the_forms_that_change_things(client, sign_in, runs):
    sign_in(make_user(role=Role.AUDITOR))
    before = stored_counts()

    opened = [
        client.get(url).status_code for url in ("/formulas/new", "/indicators/new", "/runs/new")
    ]
    sent = [
        client.post(url, data=data, content_type="multipart/form-data").status_code
        for url, data in changes(runs[0], runs[2])
    ]

    assert opened == [403] * 3
    assert sent == [403] * 5
    assert stored_counts() == before


@pytest.mark.parametrize("role", [Role.HUB, Role.AUDITOR, Role.SPOKE, Role.PANEL, Role.ADMIN])
def test_only_finance_may_approve(client, sign_in, role):
    run = make_run()
    sign_in(make_user(role=role))
    before = stored_counts()

    response = client.post(
        f"/runs/{run.id}/approve",
        data={"decision_reference": "DN-1", "submit": "Approve these allocations"},
    )

    assert response.status_code == 403
    assert stored_counts() == before
    assert db.session.get(FormulaRun, run.id).status is RunStatus.DRAFT


@pytest.mark.parametrize(("role", "offered"), [(Role.FINANCE, True), (Role.HUB, False)])
def test_finance_is_offered_approval_of_a_draft_and_the_hub_is_not(
    client, sign_in, runs, role, offered
):
    sign_in(make_user(role=role))

    draft = client.get(f"/runs/{runs[2].id}")
    approved = client.get(f"/runs/{runs[1].id}")

    assert draft.status_code == approved.status_code == 200
    assert ("Approve these allocations" in draft.get_data(as_text=True)) is offered
    assert "Approve these allocations" not in approved.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PANEL, Role.ADMIN])
def test_the_panel_and_administrators_see_no_formulas_or_allocations(client, sign_in, role):
    sign_in(make_user(role=role))

    assert client.get("/formulas").status_code == 403
    assert client.get("/allocations").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, runs):
    response = client.get(f"/runs/{runs[0].id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize(("role", "shown"), [(Role.FINANCE, True), (Role.SPOKE, False)])
def test_the_navigation_shows_funding_formula_to_finance_and_not_to_spoke_leads(
    client, sign_in, role, shown
):
    sign_in(make_user(role=role))

    html = client.get("/allocations").get_data(as_text=True)
    menu = page_text(html, css_class="govuk-service-navigation__list")

    assert "Allocations" in menu
    assert "Funding formula" not in menu  # it sits inside Allocations, in its section menu
    assert ("app-section-nav" in html) is shown  # a spoke lead has one page there: no menu
    if shown:
        assert "Funding formula" in page_text(html, css_class="app-section-nav__list")
