"""The permission matrix: every registered route, as every kind of person, against the table
written by hand in ``tests/web/permission_table.py``.

With the demo loaded, each route's address is filled in with real objects (Somerset's plan,
return, agreement and intervention; a bid on the demo round that one panel member declared a
conflict on), and each person asks for it: GET for a page, POST for a form. A POST carries an
empty form, so an allowed person mostly gets the form back with its problems (400), which still
shows the gate let them through; and every request runs in a transaction that is rolled back
afterwards, so one that does change something (a form with no required fields) changes nothing
for the next. Authorisation does not differ between the databases: this runs on the first.

Let through: any answer but those below (a page, a form's problems, a redirect elsewhere).
Refused: an anonymous visitor is sent to the sign-in page; a signed-in person gets 403, or 404
where the app hides that an object exists (the table's docstring says where). A failure lists
every answer that differs from the table: endpoint, method, who, expected, got, address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from allocations.models import FormulaRun, FormulaVersion, IndicatorDataset
from audit.models import AuditEvent
from auth.models import User
from auth.roles import Role
from commissioning.interventions.models import Intervention, YefStrand
from commissioning.providers.models import Provider
from commissioning.rounds.attachments import add_attachment
from commissioning.rounds.models import Bid, CommissioningRound
from demo.data import DEMO_PASSWORD
from extensions import db
from grants.agreements.models import GrantAgreement
from grants.awards.models import GrantAward
from grants.payments.models import GrantPayment
from grants.plans.models import DeliveryPlan
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import ReviewStatus
from reference.models import Organisation
from tests.builders import make_user
from tests.commissioning.builders import declare, make_bid, make_round
from tests.web.permission_table import EXPECTED, HUB_OBJECTS, Who

IGNORED_METHODS = {"HEAD", "OPTIONS"}
OWN, OTHER = "somerset", "bristol"
YEAR = "2024-25"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The demo's accounts; OUTSIDER is made by the test, on a round of their own.
EMAILS = {
    Who.ADMIN: "admin@asvrp.example",
    Who.FINANCE: "finance@asvrp.example",
    Who.HUB: "hub@asvrp.example",
    Who.CHAIR: "panel@asvrp.example",
    Who.MEMBER: "panel3@asvrp.example",
    Who.CONFLICTED: "panel2@asvrp.example",
    Who.OWN_SPOKE: f"{OWN}@asvrp.example",
    Who.OTHER_SPOKE: f"{OTHER}@asvrp.example",
    Who.AUDITOR: "auditor@asvrp.example",
}


@dataclass(frozen=True)
class From:
    """A value taken from the world the routes are tried on, by name."""

    name: str


# Path arguments (and query strings: url_for puts what is not in the path there) for the routes
# whose values are not simply the world's object of the argument's name.
ARGUMENTS: dict[str, dict[str, Any]] = {
    "partnership.record_new": {"kind": "spokes"},
    "partnership.record_edit": {"kind": "spokes", "code": OWN},
    "partnership.record_close": {"kind": "spokes", "code": OWN},
    "partnership.record_reopen": {"kind": "spokes", "code": OWN},
    "reference.spoke_detail": {"code": OWN},
    "gaps.needs_edit": {"spoke_code": OWN},
    "gaps.gap_export": {"fmt": "csv"},
    "interventions.intervention_export": {"fmt": "csv"},
    "interventions.reach_edit": {"year": "2023-24", "quarter": 4},
    "providers.check_edit": {"kind": "insurance"},
    "allocations.run_export": {"fmt": "csv"},
    "payments.position_xlsx": {"year": YEAR},
    "plans.plan_new": {"recipient": From("recipient")},
    "returns.return_new": {"recipient": From("recipient")},
    "rounds.bid_letter": {"bid_id": From("decided_bid_id")},  # a letter needs a decision
    "reports.delivery_plan_download": {"year": YEAR, "fmt": "xlsx", "spoke": OWN},
    "reports.quarterly_return_download": {
        "year": YEAR,
        "grant": "VRU",
        "quarter": 1,
        "fmt": "xlsx",
    },
    "reports.annual_summary_download": {"year": "2023-24", "fmt": "xlsx"},
    "reports.giving_download": {"year": "2023-24", "fmt": "json"},
}
# What a POST carries besides nothing: the recipient a new plan or return is for.
FORMS: dict[str, dict[str, Any]] = {
    "plans.plan_new": {"recipient": From("recipient")},
    "returns.return_new": {"recipient": From("recipient")},
}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: str
    form: dict[str, str]
    allowed: frozenset[Who]
    objects: str  # whose objects the address names, for the report

    def expected(self, who: Who) -> str:
        if who in self.allowed:
            return "allowed"
        return "refused (to sign-in)" if who is Who.ANONYMOUS else "refused (40"


# --- the table covers the app -------------------------------------------------------------------


def registered_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in (rule.methods or set()) - IGNORED_METHODS
    }


def tabled_routes(table: dict[str, dict[str, frozenset[Who]]]) -> set[tuple[str, str]]:
    return {(endpoint, method) for endpoint, methods in table.items() for method in methods}


@pytest.mark.one_database
def test_the_table_names_every_route_and_no_other(app):
    registered = registered_routes(app)
    tabled = tabled_routes(EXPECTED)

    missing = sorted(registered - tabled)
    gone = sorted(tabled - registered)

    assert not missing, "Routes missing from tests/web/permission_table.py EXPECTED:\n" + "\n".join(
        f"{endpoint} {method}" for endpoint, method in missing
    )
    assert not gone, "EXPECTED names routes that do not exist:\n" + "\n".join(
        f"{endpoint} {method}" for endpoint, method in gone
    )
    assert tabled_routes(HUB_OBJECTS) <= registered


def test_every_route_lets_someone_through():
    """A route nobody may use is a mistake; and a route whose every refusal is expected would
    pass with an address that finds nothing (404), so each is also tried by someone allowed."""
    for table in (EXPECTED, HUB_OBJECTS):
        for endpoint, methods in table.items():
            for method, allowed in methods.items():
                assert allowed - {Who.ANONYMOUS}, f"{endpoint} {method}"


# --- the world the routes are tried on ----------------------------------------------------------


def _one(statement: Any) -> Any:
    found = db.session.scalars(statement).first()
    assert found is not None, str(statement)
    return found


def _plan(code: str) -> DeliveryPlan:
    return _one(
        select(DeliveryPlan)
        .join(Organisation, DeliveryPlan.recipient_id == Organisation.id)
        .where(Organisation.code == code, DeliveryPlan.financial_year == YEAR)
        .order_by(DeliveryPlan.version.desc())
    )


def _return(code: str) -> QuarterlyReturn:
    """A return of the year still in draft: one its filler can open and change."""
    return _one(
        select(QuarterlyReturn)
        .join(Organisation, QuarterlyReturn.recipient_id == Organisation.id)
        .where(
            Organisation.code == code,
            QuarterlyReturn.financial_year == YEAR,
            QuarterlyReturn.status == ReviewStatus.DRAFT,
        )
    )


def build_world(app: Flask) -> tuple[dict[str, Any], dict[str, Any], dict[Who, str]]:
    """The values the routes are tried with, the same for the Hub's own plan and return, and
    each person's email. The bid is new on the demo round and undecided; the chair and member
    declared no conflict on it and CONFLICTED declared one. OUTSIDER chairs another round."""

    def user(who: Who) -> User:
        return _one(select(User).where(User.email == EMAILS[who]))

    round_ = _one(select(CommissioningRound).order_by(CommissioningRound.id))
    bid = make_bid(round_, reference="B900", title="Detached youth work")
    declare(bid, user(Who.CHAIR))
    declare(bid, user(Who.MEMBER))
    declare(bid, user(Who.CONFLICTED), conflicted=True)
    attachment = add_attachment(
        bid.id, filename="budget.pdf", content=PDF, instance_path=app.instance_path, user=None
    )
    outsider = make_user(role=Role.PANEL, name="Olu Outsider", password=DEMO_PASSWORD)
    make_round(members=[outsider], name="Another round")
    plan, hub_plan = _plan(OWN), _plan("hub")
    world = {
        "recipient": OWN,
        "plan_id": plan.id,
        "line_id": plan.lines[0].id,
        "return_id": _return(OWN).id,
        "agreement_id": _one(
            select(GrantAgreement)
            .join(Organisation, GrantAgreement.recipient_id == Organisation.id)
            .where(Organisation.code == OWN, GrantAgreement.financial_year == YEAR)
        ).id,
        "award_id": _one(select(GrantAward).where(GrantAward.financial_year == YEAR)).id,
        "version_id": _one(select(FormulaVersion)).id,
        "dataset_id": _one(select(IndicatorDataset)).id,
        "run_id": _one(select(FormulaRun).where(FormulaRun.financial_year == YEAR)).id,
        "round_id": round_.id,
        "bid_id": bid.id,
        # Approved, with a letter; CONFLICTED declared a conflict on it too.
        "decided_bid_id": _one(select(Bid).where(Bid.reference == "B002")).id,
        "attachment_id": attachment.id,
        "provider_id": _one(select(Provider).order_by(Provider.id)).id,
        "intervention_id": _one(
            select(Intervention)
            .where(Intervention.spokes.any(Organisation.code == OWN))
            .order_by(Intervention.id)
        ).id,
        "strand_id": _one(select(YefStrand).order_by(YefStrand.id)).id,
        "user_id": user(Who.OTHER_SPOKE).id,
        "payment_id": _one(select(GrantPayment).order_by(GrantPayment.id)).id,
    }
    hub_world = world | {
        "recipient": "hub",
        "plan_id": hub_plan.id,
        "line_id": hub_plan.lines[0].id,
        "return_id": _return("hub").id,
    }
    return world, hub_world, {**EMAILS, Who.OUTSIDER: outsider.email}


def _resolve(values: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    return {k: world[v.name] if isinstance(v, From) else v for k, v in values.items()}


def build_cases(
    app: Flask, table: dict[str, dict[str, frozenset[Who]]], world: dict[str, Any], objects: str
) -> list[Case]:
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    cases = []
    with app.test_request_context():
        for endpoint, methods in table.items():
            values = {name: world[name] for name in rules[endpoint].arguments if name in world}
            url = url_for(endpoint, **values | _resolve(ARGUMENTS.get(endpoint, {}), world))
            form = _resolve(FORMS.get(endpoint, {}), world)
            for method, allowed in methods.items():
                sent = form if method == "POST" else {}
                cases.append(Case(endpoint, method, url, sent, allowed, objects))
    return cases


# --- asking ---------------------------------------------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the request commits is undone afterwards: the app's session works in savepoints
    inside one transaction on one connection, and the transaction is rolled back."""
    db.session.remove()
    connection = db.engine.connect()
    outer = connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite starts its transaction lazily, so the first savepoint's release would
        # commit; an explicit BEGIN makes the savepoints nest inside the transaction.
        connection.exec_driver_sql("BEGIN")
    db.session.registry.set(Session(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield
    finally:
        db.session.remove()
        outer.rollback()
        connection.close()


def outcome(response: Any) -> str:
    """'allowed' or 'refused', with the answer, for the report. The permission check sends an
    anonymous visitor to the sign-in page with where they were going (``next``); signing out
    also ends there, without it."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in (401, 403, 404):
        return f"refused ({status})"
    if 300 <= status < 400 and urlsplit(location).path == "/sign-in" and "next=" in location:
        return "refused (to sign-in)"
    if status >= 500:
        return f"error ({status})"
    return f"allowed ({status}{' to ' + urlsplit(location).path if location else ''})"


def signed_in_client(app: Flask, email: str | None) -> FlaskClient:
    client = app.test_client()
    if email is not None:
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
    return client


def ask_everyone(app: Flask, cases: list[Case], emails: dict[Who, str]) -> list[str]:
    # Signing out ends the session: last, so every other route is asked while signed in.
    cases = sorted(cases, key=lambda case: case.endpoint == "auth.sign_out")
    failures = []
    for who in Who:
        client = signed_in_client(app, emails.get(who))
        for case in cases:
            with rolled_back():
                try:
                    got = outcome(client.open(case.url, method=case.method, data=case.form))
                except Exception as error:  # listed with the other failures, not alone
                    got = f"error ({type(error).__name__}: {error})"
            if not got.startswith(case.expected(who)):
                expected = "allowed" if who in case.allowed else "refused"
                failures.append(
                    f"{case.endpoint:36} {case.method:4} {who.value:24} expected {expected:8} "
                    f"got {got:24} {case.url} ({case.objects})"
                )
    return failures


@pytest.mark.one_database  # authorisation is the app's, not the database's
def test_permission_matrix(app, demo):
    world, hub_world, emails = build_world(app)
    audited = db.session.scalar(select(func.count(AuditEvent.id)))
    cases = build_cases(app, EXPECTED, world, "Somerset's") + build_cases(
        app, HUB_OBJECTS, hub_world, "the Hub's"
    )

    failures = ask_everyone(app, cases, emails)

    assert not failures, (
        f"{len(failures)} of {len(cases) * len(Who)} answers differ from the table "
        "(endpoint, method, who, expected, got, address, whose):\n" + "\n".join(failures)
    )
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audited  # all undone
