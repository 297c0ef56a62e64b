"""Scoring arithmetic as worked examples: weighted totals, mean, spread, the disagreement flag,
moderation and the ranking against the budget with its running total."""

from __future__ import annotations

from decimal import Decimal

from commissioning.rounds.scoring import (
    Criterion,
    RankInput,
    rank_bids,
    score_bid,
    score_problem,
    weight_problems,
    weighted_total,
)

D = Decimal
CRITERIA = [
    Criterion("need", "Need and gap addressed", D("30"), 5),
    Criterion("evidence", "Evidence", D("25"), 5),
    Criterion("vfm", "Value for money", D("20"), 5),
    Criterion("deliver", "Deliverability", D("15"), 5),
    Criterion("equal", "Equality of access", D("10"), 10),
]


def scores(need, evidence, vfm, deliver, equal):
    return {"need": need, "evidence": evidence, "vfm": vfm, "deliver": deliver, "equal": equal}


def test_weighted_total_is_each_score_over_its_maximum_times_its_weight():
    # 4/5*30 + 3/5*25 + 5/5*20 + 2/5*15 + 7/10*10 = 24 + 15 + 20 + 6 + 7
    assert weighted_total(CRITERIA, scores(4, 3, 5, 2, 7)) == D("72.00")


def test_weighted_total_rounds_half_up_only_at_the_end():
    thirds = [Criterion("a", "A", D("50"), 3), Criterion("b", "B", D("50"), 3)]
    # 1/3*50 + 1/3*50 = 33.333...; 2/3*50 + 0 = 33.333...; 1/3*50 + 2/3*50 = 50
    assert weighted_total(thirds, {"a": 1, "b": 1}) == D("33.33")
    assert weighted_total(thirds, {"a": 2, "b": 0}) == D("33.33")
    assert weighted_total([Criterion("a", "A", D("100"), 8)], {"a": 1}) == D("12.50")


def test_full_and_empty_marks():
    assert weighted_total(CRITERIA, scores(5, 5, 5, 5, 10)) == D("100.00")
    assert weighted_total(CRITERIA, scores(0, 0, 0, 0, 0)) == D("0.00")


def test_mean_spread_and_flag_across_three_members():
    result = score_bid(
        CRITERIA,
        {
            "Ann": scores(4, 3, 5, 2, 7),  # 72.00
            "Bo": scores(3, 3, 3, 3, 6),  # 18 + 15 + 12 + 9 + 6 = 60.00
            "Cy": scores(5, 4, 4, 4, 8),  # 30 + 20 + 16 + 12 + 8 = 86.00
        },
        margin=D("20"),
    )

    assert [t.total for t in result.totals] == [D("72.00"), D("60.00"), D("86.00")]
    assert result.mean == D("72.67")  # 218 / 3 = 72.666...
    assert result.spread == D("26.00")  # 86 - 60
    assert result.flagged  # 26 > 20
    assert result.agreed == D("72.67")


def test_a_spread_equal_to_the_margin_is_not_flagged():
    result = score_bid(
        CRITERIA,
        {"Ann": scores(5, 5, 5, 5, 10), "Bo": scores(5, 5, 5, 5, 0)},  # 100 and 90
        margin=D("10"),
    )
    assert result.spread == D("10.00")
    assert not result.flagged


def test_moderation_replaces_the_mean_and_keeps_the_members_totals():
    result = score_bid(
        CRITERIA,
        {"Ann": scores(4, 3, 5, 2, 7), "Bo": scores(1, 1, 1, 1, 1)},
        margin=D("15"),
        moderated=D("65.5"),
    )
    # Bo: 1/5*30 + 1/5*25 + 1/5*20 + 1/5*15 + 1/10*10 = 6 + 5 + 4 + 3 + 1 = 19
    assert [t.total for t in result.totals] == [D("72.00"), D("19.00")]
    assert result.mean == D("45.50")  # (72 + 19) / 2
    assert result.flagged
    assert result.moderated == D("65.5")
    assert result.agreed == D("65.5")


def test_members_who_have_not_scored_every_criterion_are_left_out():
    result = score_bid(CRITERIA, {"Ann": scores(4, 3, 5, 2, 7), "Bo": {"need": 5}}, margin=D("15"))
    assert [t.member for t in result.totals] == ["Ann"]
    assert result.mean == D("72.00")
    assert result.spread == D("0.00")


def test_no_scores_yet():
    result = score_bid(CRITERIA, {}, margin=D("15"))
    assert result.mean is None and result.spread is None and not result.flagged
    assert result.agreed is None


def test_weights_must_add_up_to_one_hundred():
    assert weight_problems(CRITERIA) == []
    assert weight_problems(CRITERIA[:4]) == ["the weights add up to 90%, not 100%"]
    assert weight_problems([]) == ["add at least one scoring criterion"]
    too_much = [*CRITERIA, Criterion("x", "Extra", D("0.5"), 5)]
    assert weight_problems(too_much) == ["the weights add up to 100.5%, not 100%"]


def test_scores_outside_the_range_are_refused():
    need = CRITERIA[0]
    assert score_problem(need, 0) is None
    assert score_problem(need, 5) is None
    assert score_problem(need, 6) == "Need and gap addressed: the score must be from 0 to 5, not 6"
    assert score_problem(need, -1) is not None


def test_ranking_against_the_budget_with_a_running_total():
    ranked = rank_bids(
        [
            RankInput("B1", D("70.00"), D("30000.00")),
            RankInput("B2", D("85.50"), D("50000.00")),
            RankInput("B3", D("70.00"), D("20000.00")),  # ties B1: cheaper first
            RankInput("B4", None, D("10000.00")),  # not scored: last
        ],
        D("90000.00"),
    )

    assert [(r.rank, r.reference, r.running_total, r.within_budget) for r in ranked] == [
        (1, "B2", D("50000.00"), True),
        (2, "B3", D("70000.00"), True),
        (3, "B1", D("100000.00"), False),
        (4, "B4", D("110000.00"), False),
    ]


def test_rejected_bids_above_are_not_counted_and_approved_bids_are_never_over_budget():
    # The walkthrough's round: rejected and deferred bids high in the ranking made every row
    # "Over budget" while much less than the budget was approved.
    ranked = rank_bids(
        [
            RankInput("B1", D("90.00"), D("120000.00"), rejected=True),
            RankInput("B2", D("85.00"), D("60000.00"), approved=True),
            RankInput("B3", D("80.00"), D("70000.00"), rejected=True),
            RankInput("B4", D("75.00"), D("45000.00")),  # deferred: still in contention
            RankInput("B5", D("70.00"), D("80000.00"), approved=True),
            RankInput("B6", D("60.00"), D("70000.00")),  # undecided: would pass the budget
        ],
        D("250000.00"),
    )

    assert [
        (r.reference, r.counted, r.running_total, r.approved_total, r.over_budget) for r in ranked
    ] == [
        ("B1", False, D("0"), D("0"), False),
        ("B2", True, D("60000.00"), D("60000.00"), False),
        ("B3", False, D("60000.00"), D("60000.00"), False),
        ("B4", True, D("105000.00"), D("60000.00"), False),
        ("B5", True, D("185000.00"), D("140000.00"), False),
        ("B6", True, D("255000.00"), D("140000.00"), True),
    ]
