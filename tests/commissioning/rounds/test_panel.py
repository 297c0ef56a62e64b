"""The panel on the web: declare before opening, score, moderate and decide as the chair; a
conflicted member is refused every route and download of the bid, and sees nobody's scores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from auth.roles import Role
from commissioning.rounds.models import Bid, BidScore, ConflictDeclaration
from commissioning.vocabulary import Decision
from extensions import db
from tests.builders import DEFAULT_PASSWORD, make_user
from tests.commissioning.builders import declare, make_bid, make_round, score

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def panel():
    chair = make_user(role=Role.PANEL, name="Chris Chair")
    member = make_user(role=Role.PANEL, name="Mo Member")
    round_ = make_round(members=[chair, member], chair=chair, margin="15")
    bid = make_bid(round_, reference="B001")
    return round_, bid, chair, member


def test_a_member_must_declare_before_opening_a_bid(client, sign_in, panel):
    _, bid, _, member = panel
    sign_in(member)

    response = client.get(f"/commissioning/bids/{bid.id}")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/commissioning/bids/{bid.id}/declare")
    assert client.get(f"/commissioning/bids/{bid.id}/score").status_code == 403


def test_declaring_no_conflict_opens_the_bid(client, sign_in, panel):
    _, bid, _, member = panel
    sign_in(member)

    response = client.post(f"/commissioning/bids/{bid.id}/declare", data={"conflicted": "no"})

    assert response.status_code == 302
    page = client.get(f"/commissioning/bids/{bid.id}")
    assert page.status_code == 200
    assert "Mentoring for young people at risk" in page.get_data(as_text=True)


def test_a_conflict_needs_its_detail_and_nothing_is_stored_without(client, sign_in, panel):
    _, bid, _, member = panel
    sign_in(member)

    response = client.post(f"/commissioning/bids/{bid.id}/declare", data={"conflicted": "yes"})

    assert response.status_code == 400
    assert "Describe the conflict of interest" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ConflictDeclaration.id))) == 0


def test_a_declaration_cannot_be_changed(client, sign_in, panel):
    _, bid, _, member = panel
    declare(bid, member, conflicted=True)
    sign_in(member)

    client.post(f"/commissioning/bids/{bid.id}/declare", data={"conflicted": "no"})

    declarations = db.session.scalars(select(ConflictDeclaration)).all()
    assert [(d.user_id, d.conflicted) for d in declarations] == [(member.id, True)]


def _conflicted_routes(app, bid, attachment_id):
    return [
        ("get", f"/commissioning/bids/{bid.id}"),
        ("get", f"/commissioning/bids/{bid.id}/score"),
        ("post", f"/commissioning/bids/{bid.id}/score"),
        ("get", f"/commissioning/bids/{bid.id}/moderate"),
        ("post", f"/commissioning/bids/{bid.id}/moderate"),
        ("get", f"/commissioning/bids/{bid.id}/decide"),
        ("post", f"/commissioning/bids/{bid.id}/decide"),
        ("get", f"/commissioning/bids/{bid.id}/letter.pdf"),
        ("get", f"/commissioning/attachments/{attachment_id}"),
    ]


def test_a_conflicted_member_is_refused_every_route_and_download(app, client, sign_in, panel):
    from commissioning.rounds.attachments import add_attachment

    round_, bid, chair, member = panel
    attachment = add_attachment(
        bid.id, filename="budget.pdf", content=PDF, instance_path=app.instance_path, user=None
    )
    declare(bid, chair)
    score(bid, chair, 5, 4)
    bid.decision, bid.decision_reference = Decision.APPROVE, "CF-1"
    db.session.commit()
    # The chair too: conflicted on this bid, the chair may not moderate or decide it either.
    other = make_bid(round_, reference="B002")
    declare(other, chair, conflicted=True)
    declare(bid, member, conflicted=True)
    sign_in(member)

    for method, url in _conflicted_routes(app, bid, attachment.id):
        response = getattr(client, method)(url, data={"score": "90", "reason": "x"})
        assert response.status_code == 403, f"{method} {url}"
        assert b"%PDF" not in response.data
    assert (
        db.session.scalar(select(func.count(BidScore.id)).where(BidScore.user_id == member.id)) == 0
    )

    chair_client = app.test_client()
    chair_client.post("/sign-in", data={"email": chair.email, "password": DEFAULT_PASSWORD})
    for method, url in _conflicted_routes(app, other, attachment.id)[:7]:
        assert getattr(chair_client, method)(url).status_code == 403, f"chair: {method} {url}"
    assert chair_client.get(f"/commissioning/bids/{bid.id}").status_code == 200


def test_a_conflicted_member_sees_no_scores_for_that_bid_on_the_round(client, sign_in, panel):
    round_, bid, chair, member = panel
    declare(bid, chair)
    score(bid, chair, 1, 1)  # 20.00: a total nobody else would get
    declare(bid, member, conflicted=True)
    sign_in(member)

    html = client.get(f"/commissioning/rounds/{round_.id}").get_data(as_text=True)

    row = html[html.index('data-bid="B001"') :].split("</tr>")[0]
    assert "Conflict declared" in row
    assert "20.00" not in row
    assert "Not shown" in row
    assert f'/commissioning/bids/{bid.id}"' not in row


def test_scoring_works_out_the_weighted_total(client, sign_in, panel):
    _, bid, _, member = panel
    declare(bid, member)
    sign_in(member)
    ids = [c.id for c in bid.round.criteria]

    response = client.post(
        f"/commissioning/bids/{bid.id}/score",
        data={f"score-{ids[0]}": "4", f"score-{ids[1]}": "3", f"comment-{ids[0]}": "clear need"},
    )

    assert response.status_code == 302
    html = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    assert "72.00" in html  # 4/5*60 + 3/5*40 = 48 + 24
    assert "clear need" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6", "the score must be from 0 to 5, not 6"),
        ("-1", "from 0 to 5"),
        ("", "enter a score"),
        ("four", "whole number"),
    ],
)
def test_scores_outside_the_range_are_refused_naming_the_criterion(
    client, sign_in, panel, typed, message
):
    _, bid, _, member = panel
    declare(bid, member)
    sign_in(member)
    ids = [c.id for c in bid.round.criteria]

    response = client.post(
        f"/commissioning/bids/{bid.id}/score",
        data={f"score-{ids[0]}": typed, f"score-{ids[1]}": "3"},
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Need: " in html and message in html
    assert f'href="#score-{ids[0]}"' in html
    assert db.session.scalar(select(func.count(BidScore.id))) == 0


def test_members_disagreeing_beyond_the_margin_are_flagged(client, sign_in, panel):
    _, bid, chair, member = panel
    for user in (chair, member):
        declare(bid, user)
    score(bid, chair, 5, 5)  # 100
    score(bid, member, 2, 2)  # 40
    sign_in(chair)

    html = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)

    assert "Members disagree by more than the margin" in html
    assert "Panel mean <strong>70.00</strong>, spread <strong>60.00</strong>" in html


def test_only_the_chair_moderates_and_decides(client, sign_in, panel):
    _, bid, _, member = panel
    declare(bid, member)
    sign_in(member)

    assert client.get(f"/commissioning/bids/{bid.id}/moderate").status_code == 403
    assert client.post(f"/commissioning/bids/{bid.id}/decide", data={}).status_code == 403


def test_the_chair_moderates_keeping_the_original_scores(client, sign_in, panel):
    _, bid, chair, member = panel
    for user in (chair, member):
        declare(bid, user)
    score(bid, chair, 5, 5)
    score(bid, member, 2, 2)
    sign_in(chair)

    refused = client.post(f"/commissioning/bids/{bid.id}/moderate", data={"score": "75"})
    assert refused.status_code == 400
    assert "Give the reason for the agreed score" in refused.get_data(as_text=True)
    response = client.post(
        f"/commissioning/bids/{bid.id}/moderate",
        data={"score": "75", "reason": "Agreed after discussing delivery risk"},
    )

    assert response.status_code == 302
    stored = db.session.get(Bid, bid.id)
    assert stored.moderated_score == Decimal("75")
    assert db.session.scalar(select(func.count(BidScore.id))) == 4


def test_a_decision_needs_a_reference_and_conditions_need_text(client, sign_in, panel):
    _, bid, chair, _ = panel
    declare(bid, chair)
    sign_in(chair)

    response = client.post(
        f"/commissioning/bids/{bid.id}/decide", data={"decision": "conditions", "reference": ""}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the decision reference" in html
    assert "Set out the conditions" in html
    assert db.session.get(Bid, bid.id).decision is None


def test_approvals_may_not_go_over_the_rounds_budget(client, sign_in, panel):
    round_, bid, chair, _ = panel
    make_bid(round_, cost="70000.00", decision=Decision.APPROVE)
    declare(bid, chair)
    sign_in(chair)

    response = client.post(
        f"/commissioning/bids/{bid.id}/decide", data={"decision": "approve", "reference": "CF-9"}
    )

    assert response.status_code == 400
    assert "would commit £110,000.00 of the round&#39;s £100,000.00" in response.get_data(
        as_text=True
    )


def test_the_decision_record_shows_who_was_conflicted_and_the_letter_is_a_pdf(
    client, sign_in, panel
):
    _, bid, chair, member = panel
    declare(bid, chair)
    declare(bid, member, conflicted=True)
    sign_in(chair)

    client.post(
        f"/commissioning/bids/{bid.id}/decide",
        data={
            "decision": "approve",
            "reference": "CF-2025-07",
            "minutes": "Agreed.",
            "confirmed": "yes",
        },
    )

    html = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    assert "CF-2025-07" in html
    assert "Conflicts declared" in html and "Mo Member" in html
    letter = client.get(f"/commissioning/bids/{bid.id}/letter.pdf")
    assert letter.status_code == 200
    assert letter.data.startswith(b"%PDF")


def test_panel_members_see_only_rounds_they_sit_on(client, sign_in, panel):
    round_, bid, _, _ = panel
    outsider = make_user(role=Role.PANEL)
    sign_in(outsider)

    assert round_.name not in client.get("/commissioning/rounds").get_data(as_text=True)
    assert client.get(f"/commissioning/rounds/{round_.id}").status_code == 404
    assert client.get(f"/commissioning/bids/{bid.id}").status_code == 404
    assert client.get(f"/commissioning/bids/{bid.id}/declare").status_code == 404


def test_the_landing_page_lists_a_panel_members_work(client, sign_in, panel):
    round_, bid, _, member = panel
    declared = make_bid(round_, reference="B002")
    declare(declared, member)
    sign_in(member)

    html = client.get("/").get_data(as_text=True)

    work = html[html.index('data-testid="panel-work"') :]
    assert round_.name in work
    assert f"/commissioning/bids/{bid.id}/declare" in work
    assert f"/commissioning/bids/{declared.id}/score" in work
    assert "As chair" not in work


def test_a_decision_is_final_except_a_deferral(client, sign_in, panel):
    _, bid, chair, _ = panel
    declare(bid, chair)
    sign_in(chair)
    decide = f"/commissioning/bids/{bid.id}/decide"

    def deciding(decision: str, reference: str):
        data = {"decision": decision, "reference": reference, "minutes": "Minuted."}
        return client.post(decide, data=data | {"confirmed": "yes"})

    deferred = deciding("defer", "CF-1")
    approved = deciding("approve", "CF-2")
    again = deciding("reject", "CF-3")

    assert (deferred.status_code, approved.status_code, again.status_code) == (302, 302, 400)
    assert "only a deferred bid is decided again" in again.get_data(as_text=True)
    stored = db.session.get(Bid, bid.id)
    assert (stored.decision, stored.decision_reference) == (Decision.APPROVE, "CF-2")
