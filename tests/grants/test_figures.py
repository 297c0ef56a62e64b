"""Worked examples for every figure of the quarterly returns (pure: no app, no database).

One recipient's VRU year, used throughout: allocation £30,000.00; a staffing line S1 (labour,
£12,000.00, £3,000.00 a quarter) and an interventions line I1 (non-labour, £18,000.00, £4,500.00
a quarter); thresholds 10% or £5,000.00; minimum match share 20%, minimum interventions 50%.

    quarter  S1 actual  I1 actual  forecast remaining (S1 + I1)  match
    Q1       3,000.00   2,000.00   9,000.00 + 16,000.00          cash 1,000.00
    Q2       3,000.00   9,000.00   6,000.00 +  7,000.00          in kind 1,500.00
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.figures import (
    Claim,
    Conditions,
    LineInput,
    MatchAmount,
    QuarterSpend,
    RecipientInput,
    SpendLine,
    Thresholds,
    calculate_claims,
    calculate_final_underspend,
    calculate_line,
    calculate_percent,
    calculate_recipient,
    calculate_stream_totals,
    is_reason_required,
)
from grants.returns.underspend import suggest_moves
from grants.vocabulary import Category, CostType, MatchKind

D = Decimal
THRESHOLDS = Thresholds(percent=D("10"), amount=D("5000.00"))
CONDITIONS = Conditions(min_match_percent=D("20"), min_interventions_percent=D("50"))


def spend(
    quarter: int, s1: str, i1: str, s1_left: str, i1_left: str, *match: tuple[MatchKind, str]
) -> QuarterSpend:
    return QuarterSpend(
        quarter,
        (
            SpendLine("S1", Category.STAFFING, CostType.LABOUR, D(s1), D(s1_left)),
            SpendLine("I1", Category.INTERVENTIONS, CostType.NON_LABOUR, D(i1), D(i1_left)),
        ),
        tuple(MatchAmount(kind, D(amount)) for kind, amount in match),
    )


Q1 = spend(1, "3000.00", "2000.00", "9000.00", "16000.00", (MatchKind.CASH, "1000.00"))
Q2 = spend(2, "3000.00", "9000.00", "6000.00", "7000.00", (MatchKind.IN_KIND, "1500.00"))


def recipient(
    *quarters: QuarterSpend, allocation: str = "30000.00", final: str | None = None
) -> object:
    return calculate_recipient(
        RecipientInput(
            "bristol",
            "VRU",
            D(allocation),
            quarters,
            planned_budget=D("30000.00"),
            final_underspend=None if final is None else D(final),
        ),
        CONDITIONS,
    )


# --- per line ---------------------------------------------------------------------------------


def test_line_profile_actual_year_to_date_and_forecast_outturn():
    i1 = LineInput(
        "I1",
        D("18000.00"),
        (D("4500.00"),) * 4,
        earlier_actuals=(D("2000.00"),),
        actual=D("9000.00"),
        forecast_remaining=D("7000.00"),
    )

    f = calculate_line(i1, 2, THRESHOLDS)

    assert (f.profile, f.actual) == (D("4500.00"), D("9000.00"))
    assert f.year_to_date == D("11000.00")  # 2,000.00 + 9,000.00
    assert f.forecast_outturn == D("18000.00")  # 11,000.00 + 7,000.00
    assert f.outturn_against_budget == D("0.00")


def test_line_variance_in_pounds_and_percent_and_the_reason():
    i1 = LineInput(
        "I1", D("18000.00"), (D("4500.00"),) * 4, (D("2000.00"),), D("9000.00"), D("7000.00")
    )

    f = calculate_line(i1, 2, THRESHOLDS)

    assert f.variance == D("4500.00")  # 9,000.00 - 4,500.00
    assert f.variance_percent == D("100.00")  # of the profile
    assert f.needs_reason is True  # 100% > 10% (though £4,500 < £5,000)


def test_line_variance_percent_rounds_half_up_to_two_places():
    line = LineInput("X", D("3.00"), (D("0.32"), D("0"), D("0"), D("0")), (), D("0.33"), D("0"))

    assert calculate_line(line, 1, THRESHOLDS).variance_percent == D("3.13")  # 3.125


def test_line_with_no_profile_has_no_variance_percent():
    line = LineInput(
        "X", D("100.00"), (D("0.00"), D("100.00"), D("0.00"), D("0.00")), (), D("0.00"), D("100.00")
    )

    f = calculate_line(line, 1, THRESHOLDS)

    assert (f.variance, f.variance_percent, f.needs_reason) == (D("0.00"), None, False)


@pytest.mark.parametrize(
    ("profile", "actual", "needed"),
    [
        ("4500.00", "4950.00", False),  # +10.00%: not above
        ("4500.00", "4950.01", True),  # above 10%
        ("60000.00", "65000.00", False),  # +8.33% and exactly £5,000.00: neither above
        ("60000.00", "65000.01", True),  # £5,000.01 above the pound threshold, 8.33%
        ("60000.00", "54999.99", True),  # an underspend counts the same
        ("0.00", "0.01", True),  # any spend against no profile
    ],
)
def test_the_reason_is_required_above_either_threshold(profile, actual, needed):
    assert is_reason_required(D(profile), D(actual), THRESHOLDS) is needed


# --- per recipient and grant --------------------------------------------------------------------


def test_allocation_spent_to_date_forecast_outturn_and_forecast_underspend():
    f = recipient(Q1, Q2)

    assert f.allocation == D("30000.00")
    assert f.spent_to_date == D("17000.00")  # 5,000.00 + 12,000.00
    assert f.forecast_outturn == D("30000.00")  # 17,000.00 + the latest forecast 13,000.00
    assert f.forecast_underspend == D("0.00")
    assert f.latest_quarter == 2


def test_forecast_uses_the_latest_quarter_whatever_the_order_given():
    assert recipient(Q2, Q1).forecast_outturn == recipient(Q1, Q2).forecast_outturn


def test_forecast_underspend_and_overspend():
    assert recipient(Q1).forecast_underspend == D("0.00")  # 5,000 + 25,000
    assert recipient(Q1, allocation="32000.00").forecast_underspend == D("2000.00")
    assert recipient(Q1, allocation="29000.00").forecast_underspend == D("-1000.00")


def test_before_any_return_the_plan_is_the_forecast():
    f = calculate_recipient(
        RecipientInput("bristol", "VRU", D("30000.00"), (), planned_budget=D("29500.00")),
        CONDITIONS,
    )
    no_plan = calculate_recipient(RecipientInput("bristol", "VRU", D("30000.00")), CONDITIONS)

    assert (f.spent_to_date, f.forecast_outturn, f.forecast_underspend) == (
        D("0.00"),
        D("29500.00"),
        D("500.00"),
    )
    assert no_plan.forecast_underspend == D("0.00")


def test_after_close_the_underspend_is_the_final_one():
    f = recipient(Q1, Q2, final="1530.04")

    assert f.is_closed
    assert f.underspend == D("1530.04")
    assert recipient(Q1, Q2).underspend == recipient(Q1, Q2).forecast_underspend


def test_match_funding_cash_in_kind_total_and_share_against_the_minimum():
    f = recipient(Q1, Q2)

    assert (f.match_cash, f.match_in_kind, f.match_total) == (
        D("1000.00"),
        D("1500.00"),
        D("2500.00"),
    )
    assert f.match_share == D("14.71")  # 2,500 / 17,000 = 14.70588...%
    assert f.meets_match_minimum is False  # below 20%
    assert recipient(Q1).match_share == D("20.00")  # 1,000 / 5,000
    assert recipient(Q1).meets_match_minimum is True  # exactly the minimum meets it


def test_no_spend_no_match_share():
    f = recipient()

    assert (f.match_share, f.meets_match_minimum, f.interventions_share) == (None, None, None)


def test_interventions_share_of_spend():
    f = recipient(Q1, Q2)

    assert f.interventions_spend == D("11000.00")
    assert f.interventions_share == D("64.71")  # 11,000 / 17,000 = 64.70588...%
    assert f.meets_interventions_minimum is True
    assert recipient(Q1).interventions_share == D("40.00")
    assert recipient(Q1).meets_interventions_minimum is False


def test_labour_and_non_labour_spend():
    f = recipient(Q1, Q2)

    assert (f.labour_spend, f.non_labour_spend) == (D("6000.00"), D("11000.00"))


def test_the_claim_for_each_quarter_is_capped_by_what_is_left_of_the_allocation():
    claims = calculate_claims(D("15000.00"), [Q1, Q2, spend(3, "1000.00", "500.00", "0", "0")])

    assert claims == (
        Claim(1, eligible_spend=D("5000.00"), amount=D("5000.00"), cumulative=D("5000.00")),
        Claim(2, eligible_spend=D("12000.00"), amount=D("10000.00"), cumulative=D("15000.00")),
        Claim(3, eligible_spend=D("1500.00"), amount=D("0.00"), cumulative=D("15000.00")),
    )
    assert [c.is_capped for c in claims] == [False, True, True]
    assert recipient(Q1, Q2).claimed == D("17000.00")


def test_the_final_underspend_is_never_negative():
    assert calculate_final_underspend(D("157181.26"), D("151478.78")) == D("5702.48")
    assert calculate_final_underspend(D("100.00"), D("100.01")) == D("0.00")


def test_one_return_per_quarter():
    with pytest.raises(ValueError, match="one return per quarter"):
        recipient(Q1, Q1)


# --- per grant, over every recipient ---------------------------------------------------------


def test_overall_match_share_is_total_match_over_total_spend_not_an_average():
    bristol = recipient(Q1)  # 1,000 / 5,000 = 20%
    hub = calculate_recipient(
        RecipientInput(
            "hub",
            "VRU",
            D("10000.00"),
            (spend(1, "15000.00", "0.00", "0.00", "0.00", (MatchKind.CASH, "1500.00")),),
        ),
        CONDITIONS,
    )  # 1,500 / 15,000 = 10%

    totals = calculate_stream_totals("VRU", [bristol, hub], CONDITIONS)

    assert totals.match_share == D("12.50")  # 2,500 / 20,000, not (20 + 10) / 2
    assert totals.meets_match_minimum is False
    assert totals.allocation == D("40000.00")
    assert totals.spent_to_date == D("20000.00")
    assert totals.claimed == D("15000.00")  # the Hub's claim is capped at 10,000
    assert totals.final_underspend is None


def test_svd_labour_and_non_labour_against_the_awards_amounts():
    totals = calculate_stream_totals(
        "SVD",
        [recipient(Q1, Q2)],
        CONDITIONS,
        labour_amount=D("10000.00"),
        non_labour_amount=D("20000.00"),
    )

    assert (totals.labour_spend, totals.labour_remaining) == (D("6000.00"), D("4000.00"))
    assert (totals.non_labour_spend, totals.non_labour_remaining) == (D("11000.00"), D("9000.00"))


def test_totals_are_final_only_once_every_recipient_is_closed():
    closed = recipient(Q1, final="100.00")
    still_open = recipient(Q1)

    assert calculate_stream_totals("VRU", [closed, still_open], CONDITIONS).final_underspend is None
    assert calculate_stream_totals("VRU", [closed, closed], CONDITIONS).final_underspend == D(
        "200.00"
    )


def test_suggested_moves_leave_closed_years_alone():
    assert (
        suggest_moves(
            [
                recipient(Q1, allocation="31000.00", final="1000.00"),
                recipient(Q1, allocation="29000.00"),
            ]
        )
        == ()
    )


def test_percent_of_nothing_is_none_not_zero():
    assert calculate_percent(D("1.00"), D("0.00")) is None
    assert calculate_percent(D("0.00"), D("3.00")) == D("0.00")


@pytest.mark.parametrize("name", ["figures", "returns/underspend", "returns/entries"])
def test_the_pure_modules_import_no_framework(name):
    from pathlib import Path

    from tests.test_architecture import forbidden_imports

    source = (Path(__file__).resolve().parents[2] / "grants" / f"{name}.py").read_text()

    assert forbidden_imports(source) == []
