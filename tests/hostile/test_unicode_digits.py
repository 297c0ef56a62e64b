"""Digits that are digits to ``str.isdigit`` but not to ``int`` (``²``), and ids larger than any
BIGINT, typed into forms, URLs, settings and commands: each is refused or ignored with a clear
answer, never a server error or a traceback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning.interventions.models import Intervention
from config import ConfigError, load_config
from core.cells import whole_number, whole_numbers
from extensions import db
from tests.builders import make_user

HOSTILE = ("²", "١٢", "9" * 25, "-1", "1.0", " ")


@pytest.mark.parametrize("text", HOSTILE)
def test_whole_number_takes_only_ascii_digits_that_a_bigint_holds(text):
    assert whole_number(text) is None


def test_whole_numbers_keeps_the_ids_and_leaves_out_the_rest():
    assert whole_numbers(["4", *HOSTILE, "12"]) == [4, 12]
    assert whole_number(str(2**63 - 1)) == 2**63 - 1
    assert whole_number(str(2**63)) is None


def sign_in(client, email):
    response = client.post("/sign-in", data={"email": email, "password": "demo-password-2024"})
    assert response.status_code == 302


@pytest.mark.parametrize("text", ["²", "9" * 25])
def test_a_reach_count_of_other_digits_is_refused_on_its_field(demo, client, text):
    sign_in(client, "bristol@asvrp.example")
    mine = db.session.scalar(select(Intervention).where(Intervention.name == "Targeted group"))

    response = client.post(
        f"/commissioning/interventions/{mine.id}/reach/2023-24/1",
        data={"reach_under_10": "0", "reach_10_14": text, "outputs": "1"},
    )

    assert response.status_code == 400
    assert "not a whole number" in response.get_data(as_text=True) or "largest" in (
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize("text", ["²", "9" * 25])
def test_runs_to_compare_given_as_other_digits_are_asked_for_again(demo, client, text):
    sign_in(client, "finance@asvrp.example")

    response = client.get(f"/runs/compare?runs={text}&runs=1&submit=Compare")

    assert response.status_code == 400
    assert "Choose at least two runs to compare" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["²", "9" * 25])
def test_a_round_named_by_other_digits_is_not_found_on_the_command_line(demo, runner, text):
    result = runner.invoke(args=["bids", "scores", text])

    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_a_session_cookie_naming_a_user_by_other_digits_is_no_session(app, client):
    make_user(email="someone@example.org")
    with client.session_transaction() as session:
        session["_user_id"] = "²:1"

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_setting_of_other_digits_is_one_clear_error():
    with pytest.raises(ConfigError, match="VRP_IDLE_MINUTES must be a whole number"):
        load_config("/tmp", environ={"VRP_IDLE_MINUTES": "³", "VRP_ENV": "development"})


@pytest.mark.parametrize(
    ("email", "path"),
    [
        ("auditor@asvrp.example", "/audit/?page={}"),
        ("finance@asvrp.example", "/runs/new?from={}&formula={}"),
        (
            "bristol@asvrp.example",
            "/returns/new?recipient=bristol&grant=VRU&year=2024-25&quarter={}",
        ),
    ],
)
@pytest.mark.parametrize("text", ["²", "9" * 25])
def test_numbers_in_addresses_that_are_no_ids_are_ignored(demo, client, email, path, text):
    sign_in(client, email)

    response = client.get(path.format(text, text))

    assert response.status_code < 500
