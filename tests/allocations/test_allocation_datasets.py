"""Indicator datasets: imported from the web or the command line, versioned by name, with the
source and "as of" date kept for every value."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

import cli
from allocations.models import IndicatorDataset
from auth.models import User
from auth.roles import Role
from extensions import db
from tests.allocations.helpers import stored_counts, table_rows
from tests.builders import indicator_csv, make_dataset, make_spokes, make_user

ROWS = [
    ("bristol", "population", "463,377", "ONS mid-year estimate", "2021-06-30"),
    ("bristol", "serious_violence_offences", "6487.278", "Needs assessment 2021", "2021-03-31"),
    ("banes", "population", "193282", "ONS mid-year estimate", "2021-06-30"),
    ("banes", "serious_violence_offences", "1391.6304", "Needs assessment 2021", "2021-03-31"),
]


def upload(client, content: bytes, *, name: str = "Needs assessment", filename="needs.csv"):
    return client.post(
        "/indicators/new",
        data={"name": name, "file": (io.BytesIO(content), filename), "submit": "Import indicators"},
        content_type="multipart/form-data",
    )


def test_finance_imports_a_csv_and_every_value_keeps_its_source_and_date(client, finance):
    response = upload(client, indicator_csv(ROWS))

    assert response.status_code == 302
    dataset = db.session.scalar(select(IndicatorDataset))
    assert response.headers["Location"] == f"/indicators/{dataset.id}"
    assert (dataset.name, dataset.version, dataset.source_filename) == (
        "Needs assessment",
        1,
        "needs.csv",
    )
    assert dataset.created_by == finance
    assert [
        (v.recipient_code, v.indicator, v.value, v.source, v.as_of, v.row_number)
        for v in dataset.values
    ] == [
        ("bristol", "population", Decimal("463377"), "ONS mid-year estimate", date(2021, 6, 30), 2),
        (
            "bristol",
            "serious_violence_offences",
            Decimal("6487.278"),
            "Needs assessment 2021",
            date(2021, 3, 31),
            3,
        ),
        ("banes", "population", Decimal("193282"), "ONS mid-year estimate", date(2021, 6, 30), 4),
        (
            "banes",
            "serious_violence_offences",
            Decimal("1391.6304"),
            "Needs assessment 2021",
            date(2021, 3, 31),
            5,
        ),
    ]


def test_the_dataset_page_lists_each_value_with_source_and_as_of(client, finance):
    make_spokes()
    upload(client, indicator_csv(ROWS))
    dataset = db.session.scalar(select(IndicatorDataset))

    html = client.get(f"/indicators/{dataset.id}").get_data(as_text=True)

    rows = table_rows(html, "indicator-values")
    # The spoke by its organisation's name, the indicator by its label, the date in words
    assert rows[1] == ["Bristol", "Population", "463,377", "ONS mid-year estimate", "30 June 2021"]
    assert rows[4] == [
        "Bath & North East Somerset",
        "Serious violence offences",
        "1,391.6304",
        "Needs assessment 2021",
        "31 March 2021",
    ]


def test_an_xlsx_upload_reads_the_same_as_the_csv(client, finance):
    from exports.spreadsheets import write_xlsx

    sheet = [
        ["recipient", "indicator", "value", "source", "as_of"],
        ["bristol", "population", Decimal("463377"), "ONS", "2021-06-30"],
        ["banes", "population", Decimal("193282.5"), "ONS", "2021-06-30"],
    ]

    response = upload(client, write_xlsx({"Indicators": sheet}), filename="needs.xlsx")

    assert response.status_code == 302, response.get_data(as_text=True)
    dataset = db.session.scalar(select(IndicatorDataset))
    assert [(v.recipient_code, v.value, v.as_of) for v in dataset.values] == [
        ("bristol", Decimal("463377"), date(2021, 6, 30)),
        ("banes", Decimal("193282.5"), date(2021, 6, 30)),
    ]


def test_uploading_under_the_same_name_makes_the_next_version_and_keeps_the_last(client, finance):
    upload(client, indicator_csv(population={"bristol": "10", "banes": "20"}))
    upload(client, indicator_csv(population={"bristol": "11", "banes": "21"}))
    upload(client, indicator_csv(), name="Another dataset")

    datasets = db.session.scalars(select(IndicatorDataset).order_by(IndicatorDataset.id)).all()

    assert [(d.name, d.version) for d in datasets] == [
        ("Needs assessment", 1),
        ("Needs assessment", 2),
        ("Another dataset", 1),
    ]
    assert [v.value for v in datasets[0].values] == [Decimal(10), Decimal(20)]
    assert [v.value for v in datasets[1].values] == [Decimal(11), Decimal(21)]
    assert datasets[1].title == "Needs assessment v2"


def run_cli(app, *args: str):
    if args[:2] == ("formula", "import-indicators"):
        args = (*args, "--as", finance_email())
    return CliRunner().invoke(cli.main, list(args), obj=ScriptInfo(create_app=lambda: app))


def finance_email() -> str:
    """The finance officer the import command acts as (made once)."""
    found = db.session.scalar(select(User).where(User.email == "fin-importer@example.org"))
    return (found or make_user(role=Role.FINANCE, email="fin-importer@example.org")).email


def test_the_command_imports_a_file_as_a_new_version(app, tmp_path):
    make_dataset(name="Needs assessment 2021")
    path = tmp_path / "needs-2022.csv"
    path.write_bytes(indicator_csv(ROWS))

    result = run_cli(
        app, "formula", "import-indicators", str(path), "--name", "Needs assessment 2021"
    )

    assert result.exit_code == 0, result.output
    dataset = db.session.scalar(select(IndicatorDataset).where(IndicatorDataset.version == 2))
    assert result.output == (
        f"Imported 4 values for 2 spokes as Needs assessment 2021 v2 (dataset {dataset.id}).\n"
    )
    assert dataset.source_filename == "needs-2022.csv"
    assert dataset.created_by.email == "fin-importer@example.org"  # the command acts as someone
    assert [(v.source, v.as_of) for v in dataset.values][:2] == [
        ("ONS mid-year estimate", date(2021, 6, 30)),
        ("Needs assessment 2021", date(2021, 3, 31)),
    ]


def test_the_command_refuses_a_bad_file_whole_and_names_row_and_column(app, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_bytes(
        indicator_csv(
            [
                ("bristol", "population", "10"),
                ("banes", "population", "-3"),
                ("somerset", "population", "lots"),
            ]
        )
    )
    finance_email()
    before = stored_counts()

    result = run_cli(app, "formula", "import-indicators", str(path), "--name", "Needs")

    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "needs.csv, row 3, column value: the value -3 is negative" in result.output
    assert "needs.csv, row 4, column value: 'lots' is not a number" in result.output
    assert stored_counts() == before
