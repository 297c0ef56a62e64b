"""The demo's grant years agree with the 2023/24 annual report to the penny, and 2024-25 is
under way (the figures are read back through the same code the pages and `vrp grants status`
use)."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from grants.agreements.models import GrantAgreement
from grants.awards.models import GrantAward
from grants.plans.models import DeliveryPlan
from grants.returns.models import MatchFundingLine, QuarterlyReturn, UnderspendRecord
from grants.vocabulary import ReviewStatus
from reference.models import GrantStream, Organisation


def status(runner, year: str) -> dict:
    result = runner.invoke(args=["grants", "status", "--year", year, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def by_grant(report: dict) -> dict[str, dict]:
    return {row["grant"]: row for row in report["grants"]}


def test_2023_24_matches_the_annual_report(demo, runner):
    grants = by_grant(status(runner, "2023-24"))

    assert grants["VRU"]["allocation"] == "1528667.00"
    assert grants["SVD"]["allocation"] == "157181.26"
    assert grants["VRU"]["underspend"] == "1530.04"
    assert grants["SVD"]["underspend"] == "5702.48"
    match = sum(Decimal(g["match_total"]) for g in grants.values())
    assert match == Decimal("2127311.00")
    assert all(g["closed"] for g in grants.values())


def test_2023_24_underspends_are_where_the_report_says(demo):
    records = {
        (r.recipient.code, r.grant_stream.code): r
        for r in db.session.scalars(
            select(UnderspendRecord).where(UnderspendRecord.financial_year == "2023-24")
        )
    }

    nonzero = {key: r.amount for key, r in records.items() if r.amount}
    assert nonzero == {("hub", "VRU"): Decimal("1530.04"), ("bristol", "SVD"): Decimal("5702.48")}
    assert "recruit" in records[("hub", "VRU")].reason
    assert "Q4" in records[("bristol", "SVD")].reason
    # Nothing carries over: 2024-25's allocations are the formula's, not plus last year's.
    assert len(records) == 12


def test_somerset_was_allocated_439194_in_2023_24(demo, runner):
    rows = [r for r in status(runner, "2023-24")["recipients"] if r["recipient"] == "somerset"]
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("439194.00")


def test_reach_in_2023_24_matches_the_annual_report(demo):
    columns = (
        QuarterlyReturn.reach_under_10
        + QuarterlyReturn.reach_10_14
        + QuarterlyReturn.reach_15_17
        + QuarterlyReturn.reach_18_24
    )
    year = QuarterlyReturn.financial_year == "2023-24"
    young = db.session.scalar(select(func.sum(columns)).where(year))
    parents = db.session.scalar(select(func.sum(QuarterlyReturn.reach_parents_carers)).where(year))
    professionals = db.session.scalar(
        select(func.sum(QuarterlyReturn.reach_professionals)).where(year)
    )
    assert (young, parents, professionals) == (18698, 2031, 1578)


def test_every_2023_24_return_is_approved_and_every_plan_and_agreement_in_place(demo):
    returns = db.session.scalars(
        select(QuarterlyReturn).where(QuarterlyReturn.financial_year == "2023-24")
    ).all()
    assert len(returns) == 6 * 2 * 4
    assert {r.status for r in returns} == {ReviewStatus.APPROVED}
    plans = db.session.scalars(
        select(DeliveryPlan).where(DeliveryPlan.financial_year == "2023-24")
    ).all()
    assert len(plans) == 6 and {p.status for p in plans} == {ReviewStatus.APPROVED}
    agreements = db.session.scalars(
        select(GrantAgreement).where(GrantAgreement.financial_year == "2023-24")
    ).all()
    assert len(agreements) == 5 and {a.status.value for a in agreements} == {"signed"}


def test_2024_25_is_under_way(demo, runner):
    returns = db.session.scalars(
        select(QuarterlyReturn).where(QuarterlyReturn.financial_year == "2024-25")
    ).all()
    by_quarter: dict[int, list[ReviewStatus]] = {}
    for ret in returns:
        by_quarter.setdefault(ret.quarter, []).append(ret.status)

    assert sorted(by_quarter) == [1, 2]
    assert set(by_quarter[1]) == {ReviewStatus.APPROVED} and len(by_quarter[1]) == 12
    assert by_quarter[2].count(ReviewStatus.SUBMITTED) == 9
    assert by_quarter[2].count(ReviewStatus.DRAFT) == 3
    vru = db.session.scalar(
        select(GrantAward)
        .join(GrantStream)
        .where(GrantStream.code == "VRU", GrantAward.financial_year == "2024-25")
    )
    assert vru.status.value == "confirmed" and vru.closed_at is None
    grants = by_grant(status(runner, "2024-25"))
    assert grants["VRU"]["allocation"] == "1546911.00"
    assert not grants["VRU"]["closed"]


def test_match_funding_in_kind_has_a_valuation_basis(demo):
    in_kind = db.session.scalars(
        select(MatchFundingLine).where(MatchFundingLine.kind == "in_kind")
    ).all()
    assert in_kind and all(line.valuation_basis for line in in_kind)
    # the OPCC, the Hub and five spokes, and the eight commissioning providers
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 15
