"""Formula inputs on the web and in ``vrp formula import-indicators``: an indicator the formula
does not use is listed as "not used", and a recipient code that is not a spoke of the partnership
(a typo such as ``bnes``) is refused with its row and the nearest known code."""

from __future__ import annotations

import io

from click.testing import CliRunner
from flask.cli import ScriptInfo

import cli
from auth.roles import Role
from tests.allocations.helpers import error_summary, page_text, stored_counts
from tests.builders import indicator_csv, make_dataset, make_hub, make_run, make_spokes, make_user

SPOKES = ("banes", "bristol", "north-somerset", "somerset", "south-glos")


def test_a_run_lists_the_indicators_the_formula_does_not_use(client, finance):
    make_spokes()
    dataset = make_dataset(
        rows=[(code, "population", "1") for code in SPOKES]
        + [("bristol", "knife_crime", "7"), ("banes", "knife_crime", "2")]
    )

    run = make_run(dataset=dataset)

    html = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert page_text(html, testid="unused-indicators") == (
        "Not used (the formula gives them no weight): Knife crime"
    )
    assert run.total == run.pot


def test_a_recipient_that_is_not_a_spoke_is_refused_on_upload_with_row_and_nearest_code(
    client, finance
):
    make_spokes()
    make_hub()
    content = indicator_csv(
        [(code, "population", "1") for code in SPOKES if code != "banes"]
        + [("bnes", "population", "1")]
    )
    before = stored_counts()

    response = client.post(
        "/indicators/new",
        data={
            "name": "Needs",
            "file": (io.BytesIO(content), "needs.csv"),
            "submit": "Import indicators",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert (
        "needs.csv, row 6, column recipient: 'bnes' is not a spoke of the partnership; "
        "did you mean 'banes'?"
    ) in error_summary(response.get_data(as_text=True))
    assert stored_counts() == before


def test_the_import_command_refuses_a_recipient_that_is_not_a_spoke(app, tmp_path):
    make_spokes()
    make_user(role=Role.FINANCE, email="fin@example.org")
    path = tmp_path / "needs.csv"
    path.write_bytes(indicator_csv([("bristol", "population", "1"), ("hub", "population", "2")]))

    result = CliRunner().invoke(
        cli.main,
        ["formula", "import-indicators", str(path), "--name", "Needs", "--as", "fin@example.org"],
        obj=ScriptInfo(create_app=lambda: app),
    )

    assert result.exit_code == 1
    assert "needs.csv, row 3, column recipient: 'hub' is not a spoke of the partnership" in (
        result.output
    )
