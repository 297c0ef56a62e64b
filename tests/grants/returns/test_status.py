"""``vrp grants status --year Y [--quarter N] [--format table|json]``."""

from __future__ import annotations

import json
from decimal import Decimal

from auth.roles import Role
from grants.returns import services
from grants.vocabulary import ReviewStatus
from tests.builders import make_user
from tests.grants.returns.builders import (
    make_award,
    make_return,
    make_setup,
    make_stored_return,
    make_year_of_returns,
)


def test_status_as_json_per_recipient_and_grant(runner):
    finance = make_user(role=Role.FINANCE)
    bristol = make_setup("bristol")
    hub = make_setup("hub", allocation="13000.00")
    make_award("VRU", min_interventions_percent=Decimal("50"))
    make_return(
        bristol,
        quarter=1,
        status=ReviewStatus.APPROVED,
        finance=finance,
        match=[("Council", "cash", "450.00"), ("Police", "in_kind", "150.00")],
    )
    make_return(
        bristol,
        quarter=2,
        status=ReviewStatus.SUBMITTED,
        values={"V1": ("1000.00", "2000.00"), "V2": ("2000.00", "4000.00")},
    )
    make_return(bristol, quarter=3)  # a draft: not counted
    make_return(hub, quarter=1, status=ReviewStatus.SUBMITTED)

    result = runner.invoke(args=["grants", "status", "--year", "2024-25", "--format", "json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["financial_year"] == "2024-25"
    rows = {(r["recipient"], r["grant"]): r for r in data["recipients"]}
    assert rows[("bristol", "VRU")] == {
        "recipient": "bristol",
        "name": "Bristol",
        "grant": "VRU",
        "allocation": "12000.00",
        "spent_to_date": "6000.00",
        "forecast_outturn": "12000.00",
        "underspend": "0.00",
        "forecast_underspend": "0.00",
        "final_underspend": None,
        "underspend_is_final": False,
        "match_cash": "450.00",
        "match_in_kind": "150.00",
        "match_total": "600.00",
        "match_share_percent": "10.00",
        "min_match_percent": "20",
        "meets_match_minimum": False,
        "interventions_share_percent": "66.67",
        "claimed": "6000.00",
        "latest_quarter": 2,
    }
    assert rows[("hub", "VRU")]["forecast_underspend"] == "1000.00"  # 13,000 - 12,000
    assert rows[("hub", "VRU")]["match_share_percent"] == "0.00"
    assert data["grants"] == [
        {
            "grant": "VRU",
            "recipients": 2,
            "allocation": "25000.00",
            "spent_to_date": "9000.00",
            "forecast_outturn": "24000.00",
            "underspend": "1000.00",
            "match_cash": "450.00",
            "match_in_kind": "150.00",
            "match_total": "600.00",
            "match_share_percent": "6.67",
            "min_match_percent": "20",
            "meets_match_minimum": False,
            "interventions_share_percent": "66.67",
            "closed": False,
            "claimed": "9000.00",
            "labour_spend": "3000.00",
            "labour_amount": None,
            "non_labour_spend": "6000.00",
            "non_labour_amount": None,
        }
    ]


def test_status_as_at_a_quarter(runner):
    setup = make_setup()
    make_stored_return(setup, quarter=1, status=ReviewStatus.SUBMITTED)
    make_stored_return(setup, quarter=2, status=ReviewStatus.SUBMITTED)

    result = runner.invoke(
        args=["grants", "status", "--year", "2024-25", "--quarter", "1", "--format", "json"]
    )

    assert json.loads(result.output)["recipients"][0]["spent_to_date"] == "3000.00"
    assert json.loads(result.output)["as_at_quarter"] == 1


def test_status_as_a_table_marks_the_final_underspend_after_close(runner):
    finance = make_user(role=Role.FINANCE)
    setup = make_setup()
    make_year_of_returns(
        setup, q4={"V1": ("1000.00", "0.00"), "V2": ("1500.00", "0.00", "Cancelled sessions")}
    )
    services.close_year(
        stream_code="VRU",
        financial_year="2024-25",
        reasons={"bristol": "Cancelled sessions"},
        user=finance,
    )

    result = runner.invoke(args=["grants", "status", "--year", "2024-25"])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Grants status 2024-25"
    assert lines[2].split() == [
        "Recipient",
        "Grant",
        "Allocation",
        "Spent",
        "to",
        "date",
        "Forecast",
        "outturn",
        "Underspend",
        "Match",
        "funding",
        "Match",
        "share",
    ]
    assert lines[4].split() == [
        "Bristol",
        "VRU",
        "£12,000.00",
        "£11,500.00",
        "£11,500.00",
        "£500.00",
        "(final)",
        "£0.00",
        "0.00%",
        "(below)",
    ]
    assert lines[6].split()[:3] == ["All", "recipients", "VRU"]
    assert "(final)" in lines[6]


def test_status_refuses_a_bad_year_and_says_when_there_is_nothing(runner):
    bad = runner.invoke(args=["grants", "status", "--year", "2024-26"])
    empty = runner.invoke(args=["grants", "status", "--year", "2030-31"])

    assert bad.exit_code == 2
    assert "'2024-26' is not a financial year" in bad.output
    assert empty.exit_code == 0
    assert empty.output == "No allocations or returns for 2030-31.\n"
