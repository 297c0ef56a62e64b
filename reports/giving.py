"""The year's grants as 360Giving open data (the UK standard for publishing grants), as JSON and
CSV, checked against the standard's own schema (version 1.4.3, shipped in ``reports/schema/``
so that nothing is fetched over the network).

Two kinds of grant: the OPCC to each spoke and the Hub (one per grant stream: its active
allocation for the year), marked ``regrantType`` when the recipient passes money on to
providers; and each spoke or the Hub to a provider (a contract paid from its delivery plan).
Amounts stay exact Decimals: the JSON writes them as number literals, never through a float.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocations.models import Allocation, AllocationStatus
from commissioning.rounds.models import Contract
from core.financial_year import FinancialYear
from core.money import ZERO
from exports.csv_files import write_csv
from extensions import db
from grants.plans.models import DeliveryPlan, PlanLine
from reference.models import Organisation, OrganisationKind
from reports.queries import ReportError, check_year

SCHEMA_FOLDER = Path(__file__).resolve().parent / "schema"
GRANT_SCHEMA = "360-giving-schema.json"
PACKAGE_SCHEMA = "360-giving-package-schema.json"
# The package schema names the grant schema at 1.4.2; both URLs resolve to the shipped file.
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
)
# "Common regranting": a grant made for the recipient to make grants of its own.
REGRANT_TYPE = "FRG010"
PREFIX = "360G-"
CSV_COLUMNS = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Beneficiary Location:Geographic Code", ("beneficiaryLocation", 0, "geoCode")),
    ("Beneficiary Location:Geographic Code Type", ("beneficiaryLocation", 0, "geoCodeType")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("For Regrant Type", ("regrantType",)),
)


def _org(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.org_id or f"XI-VRP-{organisation.code}",
        "name": organisation.name,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def year_grants(year: str) -> list[dict[str, Any]]:
    """Every grant of ``year``, OPCC to recipients first, then recipients to providers."""
    check_year(year)
    fy = FinancialYear.parse(year)
    opcc = db.session.scalar(select(Organisation).where(Organisation.kind == OrganisationKind.OPCC))
    if opcc is None:
        raise ReportError("The partnership has no OPCC organisation to publish as the funder.")
    contracts = list(
        db.session.scalars(
            select(Contract)
            .join(PlanLine, PlanLine.id == Contract.plan_line_id)
            .join(DeliveryPlan, DeliveryPlan.id == PlanLine.plan_id)
            .where(DeliveryPlan.financial_year == year)
            .options(
                selectinload(Contract.provider),
                selectinload(Contract.plan_line).selectinload(PlanLine.plan),
            )
            .order_by(Contract.reference)
        )
    )
    regranting = {c.plan_line.plan.recipient_id for c in contracts}
    amounts: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    keys: dict[tuple[int, int], Allocation] = {}
    for allocation in db.session.scalars(
        select(Allocation)
        .where(Allocation.financial_year == year, Allocation.status == AllocationStatus.ACTIVE)
        .options(selectinload(Allocation.recipient), selectinload(Allocation.grant_stream))
    ):
        key = (allocation.grant_stream_id, allocation.recipient_id)
        amounts[key] += allocation.amount
        keys.setdefault(key, allocation)
    grants: list[dict[str, Any]] = []
    prefix = f"{PREFIX}{_slug(opcc.org_id or opcc.code)}"
    for key, allocation in sorted(
        keys.items(), key=lambda i: (i[1].grant_stream.code, i[1].recipient.name)
    ):
        stream, recipient = allocation.grant_stream, allocation.recipient
        grant: dict[str, Any] = {
            "id": f"{prefix}-{stream.code}-{year}-{recipient.code}",
            "title": f"{stream.name} {year}: {recipient.name}"[:140],
            "description": (
                f"The {recipient.name} share of the Home Office {stream.name} for {year}, "
                "allocated by the partnership's agreed funding formula."
            ),
            "currency": "GBP",
            "amountAwarded": amounts[key],
            "awardDate": min(allocation.created_at.date(), fy.start).isoformat()
            if allocation.created_at
            else fy.start.isoformat(),
            "plannedDates": [{"startDate": fy.start.isoformat(), "endDate": fy.end.isoformat()}],
            "recipientOrganization": [_org(recipient)],
            "fundingOrganization": [_org(opcc)],
            "grantProgramme": [{"code": stream.code, "title": stream.name}],
            "dataSource": "Grant records of the partnership",
        }
        if recipient.gss_code:
            grant["beneficiaryLocation"] = [
                {"name": recipient.name, "geoCode": recipient.gss_code, "geoCodeType": "LA"}
            ]
        if recipient.id in regranting:
            grant["regrantType"] = REGRANT_TYPE
        grants.append(grant)
    for contract in contracts:
        funder = contract.plan_line.plan.recipient
        provider_org = contract.provider.organisation
        grant = {
            "id": f"{prefix}-{_slug(contract.reference)}",
            "title": f"{contract.plan_line.title} ({provider_org.name})"[:140],
            "description": (
                f"A contract from {funder.name}'s {year} delivery plan "
                f"(line {contract.plan_line.line_ref}) with {provider_org.name}."
            ),
            "currency": "GBP",
            "amountAwarded": contract.vru_amount + contract.svd_amount,
            "awardDate": contract.created_at.date().isoformat(),
            "plannedDates": [
                {
                    "startDate": contract.starts_on.isoformat(),
                    "endDate": contract.ends_on.isoformat(),
                }
            ],
            "recipientOrganization": [_org(provider_org)],
            "fundingOrganization": [_org(funder)],
            "dataSource": "Contracts of the partnership's commissioning forum",
        }
        grants.append(grant)
    if not grants:
        raise ReportError(f"No grants for {year}.")
    return grants


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_FOLDER / name).read_text(encoding="utf-8"))
    return loaded


def _is_date_time(value: object) -> bool:
    """An RFC 3339 date-time, as the standard's dates accept besides ``YYYY-MM-DD`` (the
    schema says "one of" the two, so a plain date must fail this check to be valid)."""
    if not isinstance(value, str):
        return True
    return bool(
        re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value
        )
    )


def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    return checker


def validate(grants: list[dict[str, Any]]) -> list[str]:
    """Every way the package breaks the 360Giving schema (none: it is valid), offline."""
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    # The schemas name their dialect without the "https", so say which it is.
    grant_schema = DRAFT202012.create_resource(_schema(GRANT_SCHEMA))
    registry = Registry().with_resources([(url, grant_schema) for url in GRANT_SCHEMA_URLS])
    validator = Draft202012Validator(
        _schema(PACKAGE_SCHEMA), registry=registry, format_checker=_format_checker()
    )
    package = {"grants": grants}
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'package'}: {error.message}"
        for error in sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    ]


def as_json(grants: list[dict[str, Any]]) -> bytes:
    """The package as JSON, each amount its exact decimal literal.

    >>> as_json([{"amountAwarded": Decimal("10.50")}]).decode()
    '{\\n  "grants": [\\n    {\\n      "amountAwarded": 10.50\\n    }\\n  ]\\n}\\n'
    """

    def exact(value: object) -> str:
        if isinstance(value, Decimal):
            return f"@@{value}@@"
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    text = json.dumps({"grants": grants}, indent=2, default=exact, ensure_ascii=False)
    return (re.sub(r'"@@(-?[0-9.]+)@@"', r"\1", text) + "\n").encode("utf-8")


def _pick(grant: dict[str, Any], path: tuple[object, ...]) -> object:
    value: Any = grant
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def as_csv(grants: list[dict[str, Any]]) -> bytes:
    """One row per grant with the standard's spreadsheet column titles (through the one
    formula-safe CSV writer)."""
    rows: list[list[object]] = [[title for title, _ in CSV_COLUMNS]]
    rows.extend([_pick(grant, path) for _, path in CSV_COLUMNS] for grant in grants)
    return write_csv(rows)
