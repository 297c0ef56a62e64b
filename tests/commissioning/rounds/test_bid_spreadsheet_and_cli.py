"""The bid spreadsheet (template, import: any bad row writes nothing, problems name sheet, row
and column) and the ``vrp rounds`` and ``vrp bids`` commands."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from auth.models import User
from auth.roles import Role
from commissioning.rounds.models import Bid
from commissioning.rounds.spreadsheet import COLUMNS
from exports.spreadsheets import write_xlsx
from extensions import db
from tests.builders import make_user
from tests.commissioning.builders import make_provider, make_round


def workbook(*rows: dict[str, str]) -> bytes:
    return write_xlsx({"Bids": [list(COLUMNS), *[[r.get(c, "") for c in COLUMNS] for r in rows]]})


def row(round_, who, **overrides):
    data = {
        "round": round_.name,
        "provider": who.name,
        "title": "Mentoring",
        "spokes": "bristol",
        "intervention_types": "targeted_mentors",
        "level": "targeted",
        "cost": "20000.00",
        "q1": "5000.00",
        "q2": "5000.00",
        "q3": "5000.00",
        "q4": "5000.00",
    }
    return data | overrides


def hub_email() -> str:
    """The Hub officer the command acts as (made once)."""
    hub = db.session.scalar(select(User).where(User.email == "hub-importer@example.org"))
    return (hub or make_user(role=Role.HUB, email="hub-importer@example.org")).email


def test_import_writes_every_row(runner, tmp_path):
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    path = tmp_path / "bids.xlsx"
    path.write_bytes(workbook(row(round_, provider), row(round_, provider, title="Sport")))

    dry = runner.invoke(args=["bids", "import", str(path), "--as", hub_email(), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would import 2 bids" in dry.output
    assert db.session.scalar(select(func.count(Bid.id))) == 0

    result = runner.invoke(args=["bids", "import", str(path), "--as", hub_email()])

    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Bid.reference))) == ["B001", "B002"]


def test_any_bad_row_writes_nothing_and_names_sheet_row_and_column(runner, tmp_path):
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    path = tmp_path / "bids.xlsx"
    path.write_bytes(
        workbook(
            row(round_, provider),
            row(round_, provider, cost="200000.00", q1="200000.00", q2="0", q3="0", q4="0"),
            row(round_, provider, provider="Nobody Ltd", spokes="atlantis", cost="1.001"),
        )
    )

    result = runner.invoke(args=["bids", "import", str(path), "--as", hub_email()])

    assert result.exit_code == 1
    assert "Bids sheet, row 3, column cost: the cost of £200,000.00 is more than" in result.output
    assert "Bids sheet, row 4, column provider: no provider called 'Nobody Ltd'" in result.output
    assert "Bids sheet, row 4, column spokes: 'atlantis' is not a spoke's code" in result.output
    assert (
        "row 4, column cost: enter the cost in pounds and pence, for example 45,000.00 ('1.001' "
        "has more than two decimal places)"
    ) in result.output
    assert db.session.scalar(select(func.count(Bid.id))) == 0


def test_upload_on_the_web(client, sign_in):
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    sign_in(make_user(role=Role.HUB))

    template = client.get(f"/commissioning/rounds/{round_.id}/bids/template.xlsx")
    bad = client.post(
        f"/commissioning/rounds/{round_.id}/bids/import",
        data={"file": (io.BytesIO(workbook(row(round_, provider, level="vague"))), "bids.xlsx")},
        content_type="multipart/form-data",
    )
    good = client.post(
        f"/commissioning/rounds/{round_.id}/bids/import",
        data={"file": (io.BytesIO(workbook(row(round_, provider))), "bids.xlsx")},
        content_type="multipart/form-data",
    )

    assert template.data[:2] == b"PK"
    assert bad.status_code == 400
    assert "Bids sheet, row 2, column level" in bad.get_data(as_text=True)
    assert good.status_code == 302
    assert db.session.scalar(select(func.count(Bid.id))) == 1


def test_vrp_rounds_list_and_bids_scores_on_the_demo(demo, runner):
    listed = runner.invoke(args=["rounds", "list"])
    table = runner.invoke(
        args=["bids", "scores", "Bristol and South Gloucestershire interventions 2025-26"]
    )
    as_json = runner.invoke(args=["bids", "scores", "1", "--format", "json"])

    assert listed.exit_code == 0, listed.output
    assert "2025-26\tBristol and South Gloucestershire interventions 2025-26\t250000.00" in (
        listed.output
    )
    assert table.exit_code == 0, table.output
    assert "FLAG" in table.output
    rows = {r["reference"]: r for r in json.loads(as_json.output)}
    street = rows["B003"]
    # Pat 95.00, Priya 60.00, Jon 35.00: mean 63.33, spread 60 > 15; moderated to 68
    assert street["members"] == {
        "Pat Panel": "95.00",
        "Priya (panel member)": "60.00",
        "Jon (panel member)": "35.00",
    }
    assert (street["mean"], street["spread"], street["flagged"], street["agreed"]) == (
        "63.33",
        "60.00",
        True,
        "68",
    )
    assert rows["B002"]["conflicted"] == ["Priya (panel member)"]
    assert "Priya (panel member)" not in rows["B002"]["members"]
    assert [r["decision"] for r in rows.values()].count("approve") == 2
