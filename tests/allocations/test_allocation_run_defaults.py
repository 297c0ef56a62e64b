"""The "Run a scenario" form runs on its defaults, and its messages name the form's fields.

A damped formula run with "previous year's allocations" left at its default damps against last
year's approved run of the same grant; without one, the message is on the form's field, in the
form's words, never a file and row the user never saw.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from allocations.models import FormulaRun
from extensions import db
from tests.allocations.helpers import error_summary
from tests.builders import make_approved_run, make_dataset, make_formula_version


def post_run(client, formula, dataset, **fields):
    data = {
        "label": "Defaults",
        "formula_version": str(formula.id),
        "dataset": str(dataset.id),
        "pot": "",
        "previous": "",
        "submit": "Run the formula",
        **fields,
    }
    return client.post("/runs/new", data=data, content_type="multipart/form-data")


def test_a_damped_formula_on_the_defaults_damps_against_last_years_approved_run(client, finance):
    last_year = make_approved_run()
    formula = make_formula_version(
        version="2", financial_year="2025-26", pot="1100.00", damping={"floor": "-0.05"}
    )

    response = post_run(client, formula, last_year.dataset)

    run = db.session.scalar(select(FormulaRun).where(FormulaRun.label == "Defaults"))
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    assert run.previous_label == last_year.title
    assert {a["recipient"]: a["previous"] for a in run.result["allocations"]}["bristol"] == "252.00"


def test_the_form_offers_last_years_approved_run_as_its_default(client, finance):
    make_approved_run()

    html = client.get("/runs/new").get_data(as_text=True)

    assert "Last year&#39;s approved run, when the formula damps" in html


def test_without_last_years_run_the_message_is_on_the_previous_allocations_field(client, finance):
    formula = make_formula_version(damping={"floor": "-0.05"})

    response = post_run(client, formula, make_dataset())

    html = response.get_data(as_text=True)
    summary = error_summary(html)
    assert response.status_code == 400
    assert 'href="#previous"' in html
    assert "choose the previous year's allocations or upload them" in summary
    assert "toml" not in summary and not re.search(r"\brow \d", summary)


def test_a_problem_with_the_dataset_names_the_dataset_field_not_a_file_row(client, finance):
    dataset = make_dataset(
        population={"banes": "0", "bristol": "0"}
        | {code: "0" for code in ("north-somerset", "somerset", "south-glos")}
    )

    response = post_run(client, make_formula_version(), dataset)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#dataset"' in html
    assert "indicators.csv" not in html and not re.search(r"\brow \d", html)


def test_the_demos_svd_formula_runs_on_the_forms_defaults(client, demo, sign_in):
    """The walkthrough's case: svd-2024-25.toml damps, and "previous" was left at its default."""
    from allocations.models import FormulaVersion, IndicatorDataset
    from auth.roles import Role
    from tests.builders import make_user

    sign_in(make_user(role=Role.FINANCE, email="walker@example.org"))
    svd = db.session.scalar(
        select(FormulaVersion).where(
            FormulaVersion.grant_code == "SVD", FormulaVersion.financial_year == "2024-25"
        )
    )
    dataset = db.session.scalar(select(IndicatorDataset))
    form = client.get("/runs/new").get_data(as_text=True)

    response = post_run(client, svd, dataset)

    assert "svd-2024-25.toml" not in form
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    run = db.session.scalar(select(FormulaRun).where(FormulaRun.label == "Defaults"))
    assert run.previous_label.endswith(": SVD 2023-24 (illustrative)")


def test_the_forms_own_first_choices_run_on_the_demo(client, demo, sign_in):
    from auth.roles import Role
    from tests.builders import make_user

    sign_in(make_user(role=Role.FINANCE, email="walker@example.org"))
    form = client.get("/runs/new").get_data(as_text=True)

    def first_option(name: str) -> str:
        select_html = form.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        return re.search(r'value="([^"]*)"', select_html).group(1)

    response = client.post(
        "/runs/new",
        data={
            "label": "",
            "formula_version": first_option("formula_version"),
            "dataset": first_option("dataset"),
            "pot": "",
            "previous": first_option("previous"),
            "submit": "Run the formula",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
