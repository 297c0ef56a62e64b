"""The 360Giving export validates against the standard's schema (the shipped copy, offline) and
its amounts add up to the year's allocations to the penny."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from reports import giving

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "standards" / "360giving"


def test_the_shipped_schema_is_the_standards_own():
    for name in (giving.GRANT_SCHEMA, giving.PACKAGE_SCHEMA):
        shipped = (giving.SCHEMA_FOLDER / name).read_text(encoding="utf-8")
        if (SHARED / name).exists():
            assert shipped == (SHARED / name).read_text(encoding="utf-8")
        assert json.loads(shipped)["$schema"].endswith("2020-12/schema")


def test_json_export_validates_and_adds_up(demo, runner, tmp_path):
    out = tmp_path / "grants.json"

    result = runner.invoke(args=["export", "360giving", "--year", "2023-24", "--out", str(out)])

    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)
    grant_schema = DRAFT202012.create_resource(
        json.loads((giving.SCHEMA_FOLDER / giving.GRANT_SCHEMA).read_text(encoding="utf-8"))
    )
    registry = Registry().with_resources([(url, grant_schema) for url in giving.GRANT_SCHEMA_URLS])
    validator = Draft202012Validator(
        json.loads((giving.SCHEMA_FOLDER / giving.PACKAGE_SCHEMA).read_text(encoding="utf-8")),
        registry=registry,
        format_checker=giving._format_checker(),
    )
    assert list(validator.iter_errors(package)) == []
    grants = package["grants"]
    assert len(grants) == 12  # six recipients, two grants
    assert sum(g["amountAwarded"] for g in grants) == Decimal("1685848.26")
    assert all(g["id"].startswith("360G-") for g in grants)
    bristol = next(g for g in grants if g["id"].endswith("VRU-2023-24-bristol"))
    assert bristol["recipientOrganization"] == [{"id": "GB-LAE-BST", "name": "Bristol"}]
    assert bristol["fundingOrganization"][0]["id"] == "GB-GOR-PC000050"
    assert bristol["amountAwarded"] == Decimal("399239.00")
    assert '"amountAwarded": 399239.00' in out.read_text(encoding="utf-8")  # exact, no float


def test_an_invalid_grant_is_reported_by_field():
    problems = giving.validate([{"id": "360G-x", "title": "No money"}])

    assert problems and all(p.startswith("grants/0") for p in problems)


def test_csv_export_has_the_standards_columns(demo, runner, tmp_path):
    out = tmp_path / "grants.csv"

    result = runner.invoke(
        args=["export", "360giving", "--year", "2024-25", "--format", "csv", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 12
    assert {"Identifier", "Amount Awarded", "Recipient Org:Identifier", "Funding Org:Name"} <= set(
        rows[0]
    )
    assert all(row["Currency"] == "GBP" for row in rows)


def test_an_unknown_year_is_a_clear_error(demo, runner, tmp_path):
    result = runner.invoke(
        args=["export", "360giving", "--year", "2031-32", "--out", str(tmp_path / "g.json")]
    )

    assert result.exit_code == 1
    assert "Unknown financial year '2031-32'" in result.output


def test_a_spokes_contract_with_a_provider_is_a_regrant(demo, runner, tmp_path):
    from datetime import date

    from sqlalchemy import select

    from commissioning.rounds.models import Bid, Contract
    from extensions import db
    from grants.plans.models import DeliveryPlan, PlanLine
    from reference.models import Organisation

    bristol = db.session.scalar(select(Organisation).where(Organisation.code == "bristol"))
    line = db.session.scalar(
        select(PlanLine)
        .join(DeliveryPlan)
        .where(DeliveryPlan.recipient_id == bristol.id, DeliveryPlan.financial_year == "2024-25")
        .order_by(PlanLine.id)
    )
    bid = db.session.scalar(select(Bid).order_by(Bid.id))
    db.session.add(
        Contract(
            bid_id=bid.id,
            provider_id=bid.provider_id,
            plan_line_id=line.id,
            reference="=CON-2024-001",  # formula-like text stays text in the CSV
            value=Decimal("12000.00"),
            vru_amount=Decimal("10000.00"),
            match_amount=Decimal("2000.00"),
            starts_on=date(2024, 6, 1),
            ends_on=date(2025, 3, 31),
        )
    )
    db.session.commit()

    grants = giving.year_grants("2024-25")

    assert giving.validate(grants) == []
    regrant = grants[-1]
    assert regrant["fundingOrganization"][0]["name"] == "Bristol"
    assert regrant["recipientOrganization"][0]["name"] == bid.provider.organisation.name
    assert regrant["amountAwarded"] == Decimal("10000.00")
    to_bristol = [g for g in grants if g["recipientOrganization"][0]["name"] == "Bristol"]
    assert {g.get("regrantType") for g in to_bristol} == {giving.REGRANT_TYPE}
    rows = list(csv.reader(io.StringIO(giving.as_csv(grants).decode("utf-8-sig"))))
    assert all(not cell.startswith("=") for row in rows for cell in row)
