"""The demo's funding formulas and allocations (all illustrative) reconcile to the penny.

Somerset's 2023-24 VRU and SVD allocations come to £439,194.00, as in the annual report.
"""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

import cli
from allocations.models import (
    Allocation,
    AllocationStatus,
    FormulaRun,
    FormulaVersion,
    RunStatus,
)
from allocations.services import recalculate_run
from demo.services import load_demo
from extensions import db
from formulas.report import build_json
from tests.allocations.helpers import stored_counts
from tests.builders import cheap_password_hash


def active_allocations(year: str, grant: str | None = None) -> list[Allocation]:
    return [
        a
        for a in db.session.scalars(
            select(Allocation).where(
                Allocation.financial_year == year, Allocation.status == AllocationStatus.ACTIVE
            )
        )
        if grant is None or a.grant_stream.code == grant
    ]


def runs_by_label() -> dict[str, FormulaRun]:
    return {r.label: r for r in db.session.scalars(select(FormulaRun))}


def test_the_demo_has_formulas_for_both_grants_and_both_years(demo):
    versions = db.session.scalars(select(FormulaVersion)).all()

    assert sorted((v.grant_code, v.financial_year, v.version) for v in versions) == [
        ("SVD", "2023-24", "2023-24.1"),
        ("SVD", "2024-25", "2024-25.1"),
        ("VRU", "2023-24", "2023-24.1"),
        ("VRU", "2024-25", "2024-25.1"),
        ("VRU", "2024-25", "2024-25.2-violence-only"),
    ]
    approved = {
        (r.grant_stream.code, r.financial_year)
        for r in runs_by_label().values()
        if r.status is RunStatus.APPROVED
    }
    assert approved == {
        ("VRU", "2023-24"),
        ("SVD", "2023-24"),
        ("VRU", "2024-25"),
        ("SVD", "2024-25"),
    }


def test_somersets_2023_24_allocations_come_to_the_annual_reports_figure(demo):
    somerset = [a for a in active_allocations("2023-24") if a.recipient.code == "somerset"]

    assert sorted(a.grant_stream.code for a in somerset) == ["SVD", "VRU"]
    assert sum(a.amount for a in somerset) == Decimal("439194.00")


def test_the_2023_24_pots_reconcile_to_the_penny_with_the_hub_top_slice(demo):
    vru = active_allocations("2023-24", "VRU")
    svd = active_allocations("2023-24", "SVD")

    assert sum(a.amount for a in vru) == Decimal("1528667.00")
    assert sum(a.amount for a in svd) == Decimal("157181.26")
    for allocations in (vru, svd):
        assert sorted(a.recipient.code for a in allocations) == [
            "banes",
            "bristol",
            "hub",
            "north-somerset",
            "somerset",
            "south-glos",
        ]
        assert [a.recipient.code for a in allocations if a.is_top_slice] == ["hub"]
    assert [a.amount for a in svd if a.is_top_slice] == [Decimal("15718.26")]


def test_the_indicative_2024_25_vru_run_is_superseded_by_the_confirmed_one(demo):
    runs = runs_by_label()
    indicative = runs["VRU 2024-25 on the indicative grant (illustrative)"]
    confirmed = runs["VRU 2024-25 on the confirmed grant (illustrative)"]

    assert indicative.status is RunStatus.SUPERSEDED
    assert indicative.superseded_by == confirmed
    assert confirmed.status is RunStatus.APPROVED
    assert confirmed.pot == Decimal("1546911.00")
    vru = active_allocations("2024-25", "VRU")
    assert {a.run_id for a in vru} == {confirmed.id}
    assert sum(a.amount for a in vru) == Decimal("1546911.00")
    assert {
        a.status
        for a in db.session.scalars(select(Allocation).where(Allocation.run_id == indicative.id))
    } == {AllocationStatus.SUPERSEDED}


def test_the_demo_has_a_draft_scenario_and_every_run_re_runs_to_its_pennies(demo):
    runs = runs_by_label()
    scenario = runs["Scenario: need by serious violence alone (illustrative)"]

    assert scenario.status is RunStatus.DRAFT
    assert scenario.previous_label is not None
    for run in runs.values():
        assert build_json(recalculate_run(run)) == run.result, run.label
        assert run.total == run.pot


def test_loading_the_demo_twice_changes_nothing(demo):
    before = stored_counts()

    report = load_demo()

    assert report.created == []
    assert stored_counts() == before


def test_vrp_demo_loads_it_and_says_so_the_second_time(app, monkeypatch):
    monkeypatch.setattr("auth.models.generate_password_hash", cheap_password_hash)
    info = ScriptInfo(create_app=lambda: app)

    first = CliRunner().invoke(cli.main, ["demo"], obj=info)
    counts = stored_counts()
    second = CliRunner().invoke(cli.main, ["demo"], obj=info)

    assert first.exit_code == second.exit_code == 0, first.output
    assert first.output.startswith("Loaded ")
    assert second.output.startswith("The demo data was already loaded; nothing changed.")
    assert counts["allocations"] == 30 and counts["formula_runs"] == 6
    assert stored_counts() == counts
