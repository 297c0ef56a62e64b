"""The bid form's messages from the walkthrough: each names its field, one per field; dates in the
house format; negative amounts and a provider's second bid of the same title are refused, on the
form and in the spreadsheet alike."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from auth.roles import Role
from commissioning.rounds.models import Bid
from extensions import db
from tests.builders import make_user
from tests.commissioning.builders import make_bid, make_provider, make_round
from tests.commissioning.rounds.test_bid_spreadsheet_and_cli import hub_email, row, workbook
from tests.commissioning.rounds.test_rounds_and_bids import _bid_form

COST_MESSAGE = "Enter the cost in pounds and pence, for example 45,000.00"


def _post(client, round_, data):
    return client.post(f"/commissioning/rounds/{round_.id}/bids/new", data=data)


def _messages_for(html: str, field: str) -> list[str]:
    """The error summary's messages that link to ``field``."""
    summary = html[html.index("govuk-error-summary__list") :].split("</ul>")[0]
    return [
        part.split(">", 1)[1].split("</a>")[0] for part in summary.split(f'href="#{field}"')[1:]
    ]


def test_a_cost_that_is_not_an_amount_is_one_message_on_the_cost_and_no_sum_check(client, sign_in):
    round_ = make_round()
    sign_in(make_user(role=Role.HUB))

    response = _post(client, round_, _bid_form(round_, make_provider(), cost="abc"))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _messages_for(html, "cost") == [COST_MESSAGE]
    assert "add up to" not in html
    assert "not a number" not in html


def test_an_empty_bid_form_names_each_field_it_needs(client, sign_in):
    round_ = make_round()
    sign_in(make_user(role=Role.HUB))

    response = _post(client, round_, {})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _messages_for(html, "cost") == [COST_MESSAGE]
    assert "Enter an amount in pounds and pence" not in html
    assert "Choose the provider" in html


def test_negative_match_funding_is_refused_on_the_form(client, sign_in):
    round_ = make_round()
    sign_in(make_user(role=Role.HUB))

    response = _post(client, round_, _bid_form(round_, make_provider(), match_funding="-5.00"))

    assert response.status_code == 400
    assert _messages_for(response.get_data(as_text=True), "match_funding") == [
        "Match funding is negative; amounts must be 0 or more"
    ]
    assert db.session.scalar(select(func.count(Bid.id))) == 0


def test_a_late_bid_gives_its_dates_in_the_house_format(client, sign_in):
    round_ = make_round(opens_on=date(2025, 1, 6), closes_on=date(2025, 2, 14))
    sign_in(make_user(role=Role.HUB))

    response = _post(
        client, round_, _bid_form(round_, make_provider(), submitted_on=["2", "12", "2026"])
    )

    assert response.status_code == 400
    assert (
        "The round closed on 14 February 2025; a bid made on 2 December 2026 is too late"
        in response.get_data(as_text=True)
    )


def test_a_providers_second_bid_of_the_same_title_is_refused_naming_the_first(client, sign_in):
    round_ = make_round()
    provider = make_provider("Youth Moves")
    make_bid(round_, provider=provider, reference="B007", title="Youth mentoring")
    sign_in(make_user(role=Role.HUB))

    response = _post(client, round_, _bid_form(round_, provider, title="  youth  Mentoring "))

    assert response.status_code == 400
    assert _messages_for(response.get_data(as_text=True), "title") == [
        "Youth Moves already has a bid called &#39;Youth mentoring&#39; in this round: B007"
    ]
    assert db.session.scalar(select(func.count(Bid.id))) == 1
    other = _post(client, round_, _bid_form(round_, make_provider(), title="Youth mentoring"))
    assert other.status_code == 302  # another provider's bid of that title is its own


def test_the_import_refuses_a_duplicate_in_the_file_and_one_already_entered(runner, tmp_path):
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    make_bid(round_, provider=provider, reference="B001", title="Sport")
    path = tmp_path / "bids.xlsx"
    path.write_bytes(
        workbook(
            row(round_, provider),
            row(round_, provider, title="mentoring"),
            row(round_, provider, title="Sport"),
            row(round_, provider, q1="-5000.00", q2="15000.00", title="Boxing"),
        )
    )

    result = runner.invoke(args=["bids", "import", str(path), "--as", hub_email()])

    assert result.exit_code == 1
    assert (
        "Bids sheet, row 3, column title: row 2 is already a bid by Youth Moves called "
        "'mentoring' in this round"
    ) in result.output
    assert (
        "Bids sheet, row 4, column title: Youth Moves already has a bid called 'Sport' in this "
        "round: B001"
    ) in result.output
    assert "row 5, column q1: -£5,000.00 is negative; amounts must be 0 or more" in result.output
    assert db.session.scalar(select(func.count(Bid.id))) == 1


def test_importing_the_same_file_twice_adds_nothing_the_second_time(client, sign_in):
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    sign_in(make_user(role=Role.HUB))
    content = workbook(row(round_, provider), row(round_, provider, title="Sport"))

    def upload():
        return client.post(
            f"/commissioning/rounds/{round_.id}/bids/import",
            data={"file": (io.BytesIO(content), "bids.xlsx")},
            content_type="multipart/form-data",
        )

    assert upload().status_code == 302
    again = upload()

    assert again.status_code == 400
    assert "already has a bid called &#39;Mentoring&#39; in this round: B001" in again.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Bid.id))) == 2
