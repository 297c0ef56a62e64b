"""Due diligence: an incomplete or expired checklist blocks a contract and the page says which
item; what expires in the next 60 days is listed; the provider pages and commands."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auth.roles import Role
from commissioning.interventions.models import Intervention
from commissioning.providers.diligence import Check, blocking_checks, expiring_checks
from commissioning.providers.models import Provider
from commissioning.rounds.models import Contract
from commissioning.vocabulary import Decision
from extensions import db
from grants.plans.models import DeliveryPlan, PlanLine
from grants.vocabulary import Category, CostType
from tests.builders import make_grant_stream, make_spoke, make_user
from tests.commissioning.builders import TODAY, make_bid, make_provider, make_round

ALL = ("safeguarding", "insurance", "dbs", "bank", "financial")


def test_every_missing_check_blocks():
    blockers = blocking_checks([], on=date(2025, 4, 1))
    assert [b.kind for b in blockers] == list(ALL)


def test_an_expired_check_blocks_and_one_expiring_that_day_does_not():
    checks = [Check(k, date(2025, 1, 1), None) for k in ALL if k != "insurance"]
    on = date(2025, 4, 1)

    assert blocking_checks([*checks, Check("insurance", date(2025, 1, 1), on)], on=on) == []
    blockers = blocking_checks(
        [*checks, Check("insurance", date(2025, 1, 1), on - timedelta(days=1))], on=on
    )
    assert [b.message for b in blockers] == ["Insurance expired on 31 Mar 2025"]


def test_expiring_within_sixty_days():
    on = date(2025, 4, 1)
    checks = [
        Check("insurance", on, on + timedelta(days=60)),  # the last day of the window
        Check("dbs", on, on + timedelta(days=61)),  # outside it
        Check("bank", on, on - timedelta(days=1)),  # already expired: blocks, not "expiring"
        Check("financial", on, None),
    ]
    assert [c.kind for c in expiring_checks(checks, on=on)] == ["insurance"]


def _plan_line(budget: str = "50000.00") -> PlanLine:
    plan = DeliveryPlan(recipient=make_spoke("bristol"), financial_year="2025-26", version=1)
    line = PlanLine(
        line_ref="INT1",
        title="Mentoring",
        category=Category.INTERVENTIONS,
        grant_stream=make_grant_stream("VRU"),
        cost_type=CostType.NON_LABOUR,
        annual_budget=Decimal(budget),
    )
    plan.lines.append(line)
    db.session.add(plan)
    db.session.commit()
    return line


def _contract_data(line: PlanLine, **overrides: object) -> dict[str, object]:
    data = {
        "reference": "C-1",
        "plan_line": str(line.id),
        "value": "40000.00",
        "vru_amount": "35000.00",
        "svd_amount": "0",
        "match_amount": "5000.00",
        "starts_on": ["1", "4", str(TODAY.year + 1)],
        "ends_on": ["31", "3", str(TODAY.year + 2)],
    }
    return data | overrides


def test_a_provider_failing_due_diligence_gets_no_contract(client, sign_in):
    provider = make_provider("Safe Hands CIC", expires_on=TODAY - timedelta(days=1))
    bid = make_bid(make_round(), provider=provider, decision=Decision.APPROVE)
    line = _plan_line()
    sign_in(make_user(role=Role.FINANCE))

    page = client.get(f"/commissioning/bids/{bid.id}/contract").get_data(as_text=True)
    response = client.post(f"/commissioning/bids/{bid.id}/contract", data=_contract_data(line))

    assert "Insurance expired on" in page
    assert response.status_code == 400
    assert "Safe Hands CIC fails due diligence: Insurance expired on" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Contract.id))) == 0


def test_a_contract_for_an_approved_bid_within_the_plan_line(client, sign_in):
    bid = make_bid(make_round(), decision=Decision.APPROVE)
    line = _plan_line("50000.00")
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(f"/commissioning/bids/{bid.id}/contract", data=_contract_data(line))

    assert response.status_code == 302
    contract = db.session.scalar(select(Contract))
    assert (contract.value, contract.vru_amount, contract.match_amount) == (
        Decimal("40000.00"),
        Decimal("35000.00"),
        Decimal("5000.00"),
    )
    assert "Contract C-1" in client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    registered = db.session.scalar(select(Intervention).where(Intervention.bid_id == bid.id))
    assert (registered.financial_year, registered.annual_cost, registered.status.value) == (
        "2025-26",
        Decimal("40000.00"),
        "planned",
    )


def test_a_contract_may_not_exceed_its_plan_lines_budget_or_miscount_its_funding(client, sign_in):
    bid = make_bid(make_round(), decision=Decision.APPROVE)
    line = _plan_line("30000.00")
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/commissioning/bids/{bid.id}/contract",
        data=_contract_data(line, match_amount="4000.00"),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "more than is left on plan line INT1" in html
    assert "add up to £39,000.00, not the value of £40,000.00" in html
    assert db.session.scalar(select(func.count(Contract.id))) == 0


def test_a_bid_not_approved_gets_no_contract(client, sign_in):
    bid = make_bid(make_round(), decision=Decision.REJECT)
    line = _plan_line()
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(f"/commissioning/bids/{bid.id}/contract", data=_contract_data(line))

    assert response.status_code == 400
    assert "Only an approved bid becomes a contract" in response.get_data(as_text=True)


def test_provider_page_names_the_blocking_items_and_lists_what_expires(client, sign_in):
    ready = make_provider("Ready Ltd", expires_on=TODAY + timedelta(days=20))
    make_provider("Half Done Trust", diligence=False)
    sign_in(make_user(role=Role.HUB))

    listing = client.get("/commissioning/providers").get_data(as_text=True)
    page = client.get(f"/commissioning/providers/{ready.id}").get_data(as_text=True)

    assert "Ready Ltd: Insurance expires" in listing
    assert "Blocked" in listing
    assert "Expires soon" in page


def test_recording_a_check_clears_its_blocker(client, sign_in):
    provider = make_provider("Half Done Trust", diligence=False)
    sign_in(make_user(role=Role.HUB))

    bad = client.post(
        f"/commissioning/providers/{provider.id}/checks/safeguarding",
        data={
            "evidence": "",
            "checked_on-day": "1",
            "checked_on-month": "13",
            "checked_on-year": "2025",
        },
    )
    good = client.post(
        f"/commissioning/providers/{provider.id}/checks/safeguarding",
        data={
            "evidence": "Policy dated March 2025, reviewed",
            "checked_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
        },
    )

    assert bad.status_code == 400
    assert good.status_code == 302
    page = client.get(f"/commissioning/providers/{provider.id}").get_data(as_text=True)
    assert "Safeguarding policy has not been checked" not in page
    assert "Insurance has not been checked" in page


def test_registering_a_provider_makes_its_org_identifier(client, sign_in):
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        "/commissioning/providers/new",
        data={"name": "Youth Moves", "legal_status": "charity", "charity_number": "1123456"},
    )

    assert response.status_code == 302
    provider = db.session.scalar(select(Provider))
    assert provider.org_identifier == "GB-CHC-1123456"
    assert provider.organisation.kind.value == "provider"


def test_vrp_providers_list_and_expiring(runner):
    make_provider("Ready Ltd", expires_on=TODAY + timedelta(days=20))
    make_provider("Half Done Trust", diligence=False)

    listed = runner.invoke(args=["providers", "list"])
    expiring = runner.invoke(args=["providers", "expiring"])

    assert listed.exit_code == 0, listed.output
    assert "Ready Ltd\tGB-CHC-" in listed.output and "ready" in listed.output
    assert "Half Done Trust" in listed.output and "blocked: Safeguarding policy" in listed.output
    assert "Ready Ltd\tInsurance" in expiring.output


def test_editing_a_provider_keeps_its_name_unique(client, sign_in):
    make_provider("Taken Trust")
    provider = make_provider("Youth Moves")
    sign_in(make_user(role=Role.HUB))
    data = {"legal_status": "cic", "company_number": "01234567", "org_identifier": ""}

    refused = client.post(
        f"/commissioning/providers/{provider.id}/edit", data=data | {"name": "Taken Trust"}
    )
    saved = client.post(
        f"/commissioning/providers/{provider.id}/edit", data=data | {"name": "Youth Moves CIC"}
    )

    assert refused.status_code == 400
    assert "Taken Trust is already registered" in refused.get_data(as_text=True)
    assert saved.status_code == 302
    db.session.refresh(provider)
    assert (provider.name, provider.org_identifier, provider.legal_status) == (
        "Youth Moves CIC",
        "GB-COH-01234567",
        "cic",
    )
