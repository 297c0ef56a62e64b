"""Opening rounds and entering bids, and the bad input the issue lists: weights that do not add
up to 100%, a bid over the round's budget or after its closing date, an attachment of the wrong
type (by content, not name) or too large. Each names its field; nothing is stored."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auth.roles import Role
from commissioning.rounds.attachments import add_attachment, sniff_kind
from commissioning.rounds.models import Bid, BidAttachment, CommissioningRound
from core.problems import DomainError
from extensions import db
from tests.builders import make_grant_stream, make_spokes, make_user
from tests.commissioning.builders import TODAY, declare, make_bid, make_provider, make_round


def _office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def _round_form(**overrides):
    spokes = make_spokes()
    members = [make_user(role=Role.PANEL), make_user(role=Role.PANEL)]
    data = {
        "name": "Bristol interventions 2025-26",
        "financial_year": "2025-26",
        "grant_stream": str(make_grant_stream("VRU").id),
        "budget": "£120,000.00",
        "opens_on": ["1", "2", "2025"],
        "closes_on": ["28", "2", "2025"],
        "recipients": [str(spokes["bristol"].id)],
        "disagreement_margin": "15",
        "criteria-0-name": "Need",
        "criteria-0-weight": "60",
        "criteria-0-max_score": "5",
        "criteria-1-name": "Value for money",
        "criteria-1-weight": "40",
        "criteria-1-max_score": "5",
        "panel": [str(m.id) for m in members],
        "chair": str(members[0].id),
    }
    return data | overrides


def test_the_hub_opens_a_round(client, sign_in):
    sign_in(make_user(role=Role.HUB))

    response = client.post("/commissioning/rounds/new", data=_round_form())

    assert response.status_code == 302
    round_ = db.session.scalar(select(CommissioningRound))
    assert str(round_.budget) == "120000.00"
    assert [c.weight for c in round_.criteria] == [60, 40]
    assert round_.chair is not None


def test_weights_that_do_not_add_up_to_100_are_refused(client, sign_in):
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        "/commissioning/rounds/new", data=_round_form(**{"criteria-1-weight": "30"})
    )

    assert response.status_code == 400
    assert "The weights add up to 90%, not 100%" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CommissioningRound.id))) == 0


def test_a_round_needs_a_chair_from_its_panel(client, sign_in):
    sign_in(make_user(role=Role.HUB))

    response = client.post("/commissioning/rounds/new", data=_round_form(chair=""))

    assert response.status_code == 400
    assert "Choose a chair from the panel members" in response.get_data(as_text=True)


def _bid_form(round_, provider, **overrides):
    data = {
        "provider": str(provider.id),
        "title": "Detached youth work in Hartcliffe",
        "spokes": [str(s.id) for s in round_.recipients],
        "intervention_types": ["detached_youth_work"],
        "level": "targeted",
        "cost": "40000.00",
        "q1": "10000.00",
        "q2": "10000.00",
        "q3": "10000.00",
        "q4": "10000.00",
        "participants": "80",
    }
    return data | overrides


def test_the_hub_enters_a_bid_for_a_provider(client, sign_in):
    round_ = make_round()
    provider = make_provider("Youth Moves")
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        f"/commissioning/rounds/{round_.id}/bids/new", data=_bid_form(round_, provider)
    )

    assert response.status_code == 302
    bid = db.session.scalar(select(Bid))
    assert (bid.reference, bid.provider.name, bid.type_codes) == (
        "B001",
        "Youth Moves",
        ["detached_youth_work"],
    )
    page = client.get(f"/commissioning/bids/{bid.id}").get_data(as_text=True)
    assert "Detached youth work" in page  # the type's name, not its code
    assert "£500.00 a participant" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"cost": "150000.00", "q1": "150000.00", "q2": "0", "q3": "0", "q4": "0"},
            "cost",
            "more than the round&#39;s budget of £100,000.00",
        ),
        ({"submitted_on": ["1", "1", str(TODAY.year + 1)]}, "submitted_on", "too late"),
        ({"q4": "9999.99"}, "q1", "The quarters add up to £39,999.99, not the cost of £40,000.00"),
        (
            {"cost": "40000.001"},
            "cost",
            "Enter the cost in pounds and pence, for example 45,000.00 (&#39;40000.001&#39; has "
            "more than two decimal places)",
        ),
        ({"match_funding": "-5.00"}, "match_funding", "Match funding is negative"),
        ({"q2": "-5000.00", "q3": "15000.00"}, "q2", "-£5,000.00 is negative"),
        ({"intervention_types": []}, "intervention_types", "Choose at least one intervention type"),
    ],
)
def test_bad_bids_are_refused_naming_the_field(client, sign_in, overrides, field, message):
    round_ = make_round()
    provider = make_provider()
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        f"/commissioning/rounds/{round_.id}/bids/new", data=_bid_form(round_, provider, **overrides)
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert f'href="#{field}' in html
    assert db.session.scalar(select(func.count(Bid.id))) == 0


def test_a_bid_after_the_closing_date_is_refused_even_when_entered_today(client, sign_in):
    round_ = make_round(closes_on=TODAY - timedelta(days=1), opens_on=TODAY - timedelta(days=30))
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        f"/commissioning/rounds/{round_.id}/bids/new", data=_bid_form(round_, make_provider())
    )

    assert response.status_code == 400
    assert "The round closed on" in response.get_data(as_text=True)


def test_files_are_recognised_by_their_content():
    assert sniff_kind(b"%PDF-1.7\n") == "pdf"
    assert sniff_kind(_office_file("docx")) == "docx"
    assert sniff_kind(_office_file("xlsx")) == "xlsx"
    assert sniff_kind(b"MZ\x90\x00 an executable") is None
    assert sniff_kind(b"PK\x03\x04 not really a zip") is None


def test_an_attachment_is_stored_by_its_hash_and_served_through_the_checks(app, client, sign_in):
    bid = make_bid(make_round())
    sign_in(make_user(role=Role.HUB))
    content = _office_file("xlsx")  # once: a zip carries the time it was made

    response = client.post(
        f"/commissioning/bids/{bid.id}/attachments",
        data={"file": (io.BytesIO(content), "budget.xlsx")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    attachment = db.session.scalar(select(BidAttachment))
    assert attachment.kind == "xlsx"
    stored = list(Path(app.instance_path).rglob("*"))
    assert any(p.name == attachment.sha256 for p in stored)
    download = client.get(f"/commissioning/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == content


def test_an_attachment_of_the_wrong_type_is_refused_whatever_its_name(app, client, sign_in):
    bid = make_bid(make_round())
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        f"/commissioning/bids/{bid.id}/attachments",
        data={"file": (io.BytesIO(b"MZ\x90\x00 an executable"), "budget.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "must be a PDF, Word (DOCX) or Excel (XLSX) document" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BidAttachment.id))) == 0


def test_an_attachment_over_the_size_limit_is_refused(app):
    bid = make_bid(make_round())

    with pytest.raises(DomainError) as refused:
        add_attachment(
            bid.id,
            filename="big.pdf",
            content=b"%PDF-" + b"0" * 2048,
            instance_path=app.instance_path,
            user=None,
            max_bytes=1024,
        )

    assert refused.value.problems[0].column == "file"
    assert "the limit is" in refused.value.problems[0].message
    assert db.session.scalar(select(func.count(BidAttachment.id))) == 0


def test_the_hub_changes_the_panel_but_not_to_drop_someone_who_has_declared(client, sign_in):
    chair, member, newcomer = (make_user(role=Role.PANEL) for _ in range(3))
    round_ = make_round(members=[chair, member], chair=chair)
    bid = make_bid(round_)
    declare(bid, member)
    sign_in(make_user(role=Role.HUB))

    refused = client.post(
        f"/commissioning/rounds/{round_.id}/panel",
        data={"panel": [str(chair.id), str(newcomer.id)], "chair": str(newcomer.id)},
    )
    changed = client.post(
        f"/commissioning/rounds/{round_.id}/panel",
        data={
            "panel": [str(chair.id), str(member.id), str(newcomer.id)],
            "chair": str(newcomer.id),
        },
    )

    assert refused.status_code == 400
    assert "has declared or scored on this round" in refused.get_data(as_text=True)
    assert changed.status_code == 302
    db.session.refresh(round_)
    assert {m.user_id for m in round_.panel} == {chair.id, member.id, newcomer.id}
    assert round_.chair.id == newcomer.id
