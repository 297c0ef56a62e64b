"""What the panel's walkthrough found: scoring must be independent; a conflicted chair must not
block the bid (the first unconflicted member chairs it) and is told why they are refused; a
decision is checked, confirmed and then said plainly; the agreed score's messages say what is
wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auth.roles import Role
from commissioning.rounds.models import Bid
from extensions import db
from tests.builders import make_user
from tests.commissioning.builders import declare, make_bid, make_provider, make_round, score
from tests.conftest import SignIn


@pytest.fixture
def panel():
    pat = make_user(role=Role.PANEL, name="Pat Panel")
    priya = make_user(role=Role.PANEL, name="Priya")
    jon = make_user(role=Role.PANEL, name="Jon")
    round_ = make_round(members=[pat, priya, jon], chair=pat, budget="250000.00")
    bid = make_bid(
        round_,
        reference="B007",
        title="Youth mentoring",
        cost="45000.00",
        provider=make_provider("Youth Moves"),
    )
    return round_, bid, pat, priya, jon


def _scored_by_pat_and_priya(bid, pat, priya):
    for user, values, comment in ((pat, (5, 1), "Pat's view"), (priya, (1, 5), "Priya's view")):
        declare(bid, user)
        score(bid, user, *values)
        for row in bid.scores:
            if row.user_id == user.id:
                row.comment = comment
    db.session.commit()


# --- 1. independent scoring -------------------------------------------------------------------


def test_a_member_sees_nobody_elses_scores_until_they_have_scored(client, sign_in, panel):
    round_, bid, pat, priya, jon = panel
    _scored_by_pat_and_priya(bid, pat, priya)  # Pat 68.00, Priya 52.00
    declare(bid, jon)
    sign_in(jon)

    html = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    ranking = client.get(f"/commissioning/rounds/{round_.id}").get_data(as_text=True)

    for seen in ("Pat&#39;s view", "Priya&#39;s view", "68.00", "52.00", "60.00"):
        assert seen not in html, seen
        assert seen not in ranking, seen
    assert "Scoring is independent" in html and "2 of 3 members have scored it" in html
    assert "Shown once you have scored it" in ranking

    ids = [c.id for c in bid.round.criteria]
    client.post(f"/commissioning/bids/{bid.id}/score", data={f"score-{i}": "3" for i in ids})
    html = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    assert "Pat&#39;s view" in html and "Priya&#39;s view" in html
    assert "Panel mean <strong>60.00</strong>" in html  # 68, 52 and Jon's 60


def test_once_moderated_every_member_sees_the_scores(client, sign_in, panel):
    _, bid, pat, priya, jon = panel
    _scored_by_pat_and_priya(bid, pat, priya)
    declare(bid, jon)
    bid.moderated_score = Decimal("61")
    db.session.commit()
    sign_in(jon)

    assert "Pat&#39;s view" in client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.HUB, Role.FINANCE])
def test_the_hub_and_finance_who_do_not_score_see_the_scores(client, sign_in, panel, role):
    _, bid, pat, priya, _ = panel
    _scored_by_pat_and_priya(bid, pat, priya)
    sign_in(make_user(role=role))

    html = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)

    assert "Pat&#39;s view" in html and "Priya&#39;s view" in html


def test_a_chair_who_has_not_scored_sees_the_scores_once_every_other_member_has(
    client, sign_in, panel
):
    _, bid, pat, priya, jon = panel
    declare(bid, pat)
    for user in (priya, jon):
        declare(bid, user)
    score(bid, priya, 1, 5)
    sign_in(pat)

    before = client.get(f"/commissioning/bids/{bid.id}/moderate").get_data(as_text=True)
    score(bid, jon, 3, 3)
    after = client.get(f"/commissioning/bids/{bid.id}/moderate").get_data(as_text=True)

    assert "Priya 52.00" not in before and "1 of 3 have scored it" in before
    assert "Priya 52.00" in after and "Jon 60.00" in after


# --- 2 and 3. a conflicted chair ----------------------------------------------------------------


def test_when_the_chair_is_conflicted_the_first_unconflicted_member_chairs_the_bid(
    app, client, sign_in, panel
):
    _, bid, pat, priya, jon = panel
    declare(bid, pat, conflicted=True)
    declare(bid, priya)
    declare(bid, jon)

    sign_in(jon)
    assert client.get(f"/commissioning/bids/{bid.id}/decide").status_code == 403
    page = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    assert "Pat Panel declared a conflict; Priya chairs this bid" in page

    client = app.test_client()
    SignIn(client)(priya)
    assert client.get(f"/commissioning/bids/{bid.id}/decide").status_code == 200
    moderated = client.post(
        f"/commissioning/bids/{bid.id}/moderate", data={"score": "70", "reason": "Discussed"}
    )
    assert moderated.status_code == 302
    assert db.session.get(Bid, bid.id).moderated_by_id == priya.id


def test_the_conflicted_chair_is_told_why_they_cannot_open_the_bid(client, sign_in, panel):
    _, bid, pat, _, _ = panel
    declare(bid, pat, conflicted=True)
    sign_in(pat)

    for url in (f"/commissioning/bids/{bid.id}", f"/commissioning/bids/{bid.id}/decide"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "You declared a conflict of interest on this bid, so you cannot open it" in html
        assert "ask the partnership" not in html


# --- 4. a decision is checked, confirmed and said plainly ----------------------------------------


def test_a_decision_is_confirmed_before_it_is_recorded_and_then_said_plainly(
    client, sign_in, panel
):
    _, bid, pat, _, _ = panel
    declare(bid, pat)
    sign_in(pat)
    url = f"/commissioning/bids/{bid.id}/decide"
    data = {"decision": "approve", "reference": "CF-2025-07", "minutes": "Strong need."}

    unminuted = client.post(url, data=data | {"minutes": ""})
    checking = client.post(url, data=data)

    assert unminuted.status_code == 400
    assert "Record the minutes: the panel&#39;s reasons for the decision" in unminuted.get_data(
        as_text=True
    )
    assert checking.status_code == 200
    assert (
        "You are about to approve B007: Youth mentoring for £45,000.00, under CF-2025-07"
        in checking.get_data(as_text=True)
    )
    assert db.session.get(Bid, bid.id).decision is None

    changing = client.post(url, data=data | {"confirmed": "no"})
    assert changing.status_code == 200 and "Strong need." in changing.get_data(as_text=True)

    recorded = client.post(url, data=data | {"confirmed": "yes"}, follow_redirects=True)
    html = recorded.get_data(as_text=True)
    assert "Approved B007: Youth mentoring for £45,000.00" in html
    after = client.get(url).get_data(as_text=True)
    assert "Approved under CF-2025-07" in after
    assert 'name="decision"' not in after  # no form once decided


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("150", "The agreed score must be from 0 to 100, not 150"),
        ("-3", "The agreed score must be from 0 to 100, not -3"),
        ("abc", "The agreed score must be a number from 0 to 100, for example 72.5, not"),
        ("72.555", "The agreed score has at most two decimal places"),
        ("", "Enter the agreed score out of 100, for example 72.5"),
    ],
)
def test_the_agreed_score_says_what_is_wrong(client, sign_in, panel, typed, message):
    _, bid, pat, _, _ = panel
    declare(bid, pat)
    sign_in(pat)

    response = client.post(
        f"/commissioning/bids/{bid.id}/moderate", data={"score": typed, "reason": "Discussed"}
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.get(Bid, bid.id).moderated_score is None
