"""Return spreadsheets: the template (``vrp returns template``) and imports of good and bad
files (``vrp returns import [--dry-run]``): any bad row writes nothing and every problem is
listed with its sheet, row and column."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import python_calamine
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from grants.returns.models import MatchFundingLine, QuarterlyReturn, ReturnLine
from grants.returns.spreadsheet import import_return_file
from grants.vocabulary import MatchKind, ReviewStatus
from tests.grants.returns.builders import (
    import_args,
    make_award,
    make_return,
    make_setup,
    return_workbook,
)


def sheets_of(content: bytes) -> dict[str, list[list[object]]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def lead_email() -> str:
    return import_args("x")[-1]


def stored() -> dict[str, int]:
    db.session.expire_all()
    return {
        m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
        for m in (QuarterlyReturn, ReturnLine, MatchFundingLine, AuditEvent)
    }


def run_import(
    runner, tmp_path, content: bytes, *args: str, name: str = "q1.xlsx", spoke: str = "bristol"
):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    return runner.invoke(args=[*import_args(path, spoke, lead_of="bristol"), *args])


# --- the template ---------------------------------------------------------------------------------


def test_the_template_lists_the_plan_lines_with_their_profile(runner, tmp_path):
    make_setup()
    out = tmp_path / "bristol-q2.xlsx"

    result = runner.invoke(
        args=[
            "returns",
            "template",
            "--spoke",
            "bristol",
            "--grant",
            "vru",
            "--year",
            "2024-25",
            "--quarter",
            "2",
            "--out",
            str(out),
        ]
    )

    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}\n"
    sheets = sheets_of(out.read_bytes())
    assert list(sheets) == ["Return", "Spend", "Match funding", "Reach", "Interventions"]
    assert sheets["Spend"] == [
        [
            "line_ref",
            "title",
            "category",
            "annual_budget",
            "profile_q2",
            "actual",
            "forecast_remaining",
            "variance_reason",
        ],
        ["V1", "Spoke coordinator", "Staffing", 4000.0, 1000.0, 0.0, 0.0, ""],
        ["V2", "Targeted mentoring", "Interventions", 8000.0, 2000.0, 0.0, 0.0, ""],
        ["Total", "", "", 12000.0, 3000.0, 0.0, 0.0, ""],
    ]
    assert [row[:2] for row in sheets["Return"][:5]] == [
        ["field", "value"],
        ["spoke", "bristol"],
        ["grant", "VRU"],
        ["financial_year", "2024-25"],
        ["quarter", 2.0],
    ]
    assert sheets["Match funding"] == [
        ["contributor", "kind", "amount", "evidence_reference", "valuation_basis"]
    ]
    assert [row[0] for row in sheets["Reach"]] == [
        "band",
        "Children under 10",
        "Young people 10 to 14",
        "Young people 15 to 17",
        "Young people 18 to 24",
        "Parents and carers (25 and over)",
        "Professionals",
    ]


def test_the_template_of_a_started_return_holds_what_it_has_so_far(runner, tmp_path, app):
    setup = make_setup()
    make_return(
        setup,
        values={
            "V1": ("1000.00", "3000.00"),
            "V2": ("2500.00", "5500.00", "Extra sessions in the holidays"),
        },
        match=[("Council", "cash", "700.00")],
    )

    result = runner.invoke(
        args=[
            "returns",
            "template",
            "--spoke",
            "bristol",
            "--grant",
            "VRU",
            "--year",
            "2024-25",
            "--quarter",
            "1",
            "--out",
            str(tmp_path / "t.xlsx"),
        ]
    )

    sheets = sheets_of((tmp_path / "t.xlsx").read_bytes())
    assert result.exit_code == 0
    assert sheets["Spend"][2][5:] == [2500.0, 5500.0, "Extra sessions in the holidays"]
    assert sheets["Spend"][3][5:7] == [3500.0, 8500.0]
    assert sheets["Match funding"][1] == ["Council", "cash", 700.0, "INV-1", ""]


def test_the_template_needs_a_known_spoke_and_an_approved_plan(runner, tmp_path):
    make_setup()
    make_award("SVD")

    unknown = runner.invoke(
        args=[
            "returns",
            "template",
            "--spoke",
            "atlantis",
            "--grant",
            "VRU",
            "--year",
            "2024-25",
            "--quarter",
            "1",
        ]
    )
    no_plan = runner.invoke(
        args=[
            "returns",
            "template",
            "--spoke",
            "bristol",
            "--grant",
            "SVD",
            "--year",
            "2024-25",
            "--quarter",
            "1",
        ]
    )

    assert unknown.exit_code == 1
    assert "column spoke: unknown spoke 'atlantis'" in unknown.output
    assert no_plan.exit_code == 1
    assert "Bristol has no approved delivery plan with SVD lines for 2024-25" in no_plan.output


# --- good imports -------------------------------------------------------------------------------


def test_a_good_file_starts_the_return_and_fills_it_in(runner, tmp_path):
    make_setup()
    content = return_workbook(
        lines=[
            ("V1", Decimal("1000.00"), Decimal("3000.00")),
            ("V2", Decimal("2250.50"), Decimal("5800.00"), "Two extra groups"),
        ],
        total=(Decimal("3250.50"), Decimal("8800.00")),
        match=[
            ("Council youth service", "cash", Decimal("400.00"), "PO-123", None),
            ("Police EIT", "in_kind", Decimal("900.00"), "Timesheets Q1", "Officer hours at cost"),
        ],
        reach=[("Young people 10 to 14", 120), ("reach_professionals", 15)],
    )

    result = run_import(runner, tmp_path, content)

    assert result.exit_code == 0, result.output
    assert result.output == (
        "Imported 2 lines and 2 match funding lines into the Bristol VRU "
        "2024-25 Q1 return (started it).\n"
    )
    ret = db.session.scalar(select(QuarterlyReturn))
    assert ret.status is ReviewStatus.DRAFT
    assert [
        (line.plan_line.line_ref, line.actual, line.forecast_remaining, line.variance_reason)
        for line in ret.lines
    ] == [
        ("V1", Decimal("1000.00"), Decimal("3000.00"), None),
        ("V2", Decimal("2250.50"), Decimal("5800.00"), "Two extra groups"),
    ]
    assert [(m.contributor, m.kind, m.amount) for m in ret.match_lines] == [
        ("Council youth service", MatchKind.CASH, Decimal("400.00")),
        ("Police EIT", MatchKind.IN_KIND, Decimal("900.00")),
    ]
    assert (ret.reach_10_14, ret.reach_professionals, ret.reach_under_10) == (120, 15, 0)
    assert ret.narrative == "Mentoring started in May."
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.table_name == "quarterly_returns")
    ).all()
    assert [(e.actor_label, e.reason) for e in events] == [
        (f"cli:{lead_email()}", "imported from q1.xlsx")
    ]


def test_a_file_updates_a_draft_return(runner, tmp_path):
    setup = make_setup()
    ret = make_return(setup)

    result = run_import(
        runner, tmp_path, return_workbook(lines=[("V1", "1,050.00", "2950"), ("V2", 2000, 6000)])
    )

    assert result.exit_code == 0, result.output
    assert "(started it)" not in result.output
    db.session.expire_all()
    assert db.session.get(QuarterlyReturn, ret.id).lines[0].actual == Decimal("1050.00")


def test_a_dry_run_of_a_good_file_writes_nothing(runner, tmp_path):
    make_setup()
    before = stored()

    result = run_import(runner, tmp_path, return_workbook(), "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.output == (
        "Would import 2 lines and 0 match funding lines into the Bristol "
        "VRU 2024-25 Q1 return (starting it); nothing was written.\n"
    )
    assert stored() == before


# --- bad imports ----------------------------------------------------------------------------------

BAD_ROWS = dict(
    lines=[
        ("V1", "abc", Decimal("3000.00")),
        ("V2", Decimal("-5.00"), Decimal("6000.00")),
        ("V2", Decimal("2000.00"), Decimal("6000.00")),
        ("V9", Decimal("1.00"), Decimal("0.00")),
        ("V1", Decimal("1000.00"), 3000.005),
    ],
    total=(Decimal("9999.00"), Decimal("1.00")),
    match=[
        ("NHS", "in_kind", Decimal("500.00"), "Rota", None),
        ("", "loan", Decimal("12.345"), None, None),
    ],
    reach=[("Children under 10", -4), ("Pets", 3)],
)
BAD_ROW_PROBLEMS = [
    "Reach sheet, row 3, column band: unknown reach band 'Pets'; use the template's bands",
    "Spend sheet, row 2, column actual: line V1 actual: 'abc' is not a number",
    "Spend sheet, row 3, column actual: line V2 actual: -£5.00 is negative; amounts must be 0 "
    "or more",
    "Spend sheet, row 4, column line_ref: line V2 appears more than once (first at row 3)",
    "Spend sheet, row 5, column line_ref: line 'V9' is not a line of this grant in the approved "
    "plan",
    "Spend sheet, row 6, column line_ref: line V1 appears more than once (first at row 2)",
    "Match funding sheet, row 2, column valuation_basis: match funding from NHS: in-kind match "
    "funding needs its valuation basis (for example staff hours at cost)",
    "Match funding sheet, row 3, column contributor: match funding: enter the contributor",
    "Match funding sheet, row 3, column kind: match funding: the kind must be cash or in kind, "
    "not 'loan'",
    "Match funding sheet, row 3, column amount: match funding amount: '12.345' has more than two "
    "decimal places",
    "Reach sheet, row 2, column number: Children under 10: '-4' is not a whole number of 0 or more",
]


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_problem(runner, tmp_path):
    make_setup()
    before = stored()

    result = run_import(runner, tmp_path, return_workbook(**BAD_ROWS))

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: q1.xlsx was not imported; nothing was imported.",
        *[f"  {p}" for p in BAD_ROW_PROBLEMS],
    ]
    assert stored() == before


def test_a_dry_run_of_a_bad_file_lists_the_same_problems(runner, tmp_path):
    make_setup()
    before = stored()

    result = run_import(runner, tmp_path, return_workbook(**BAD_ROWS), "--dry-run")

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [f"  {p}" for p in BAD_ROW_PROBLEMS]
    assert stored() == before


def test_a_total_that_does_not_match_is_refused_but_a_missing_reason_waits_for_submit(
    runner, tmp_path
):
    make_setup()

    result = run_import(
        runner,
        tmp_path,
        return_workbook(
            lines=[
                ("V1", Decimal("1000.00"), Decimal("3000.00")),
                ("V2", Decimal("2500.00"), Decimal("6000.00")),
            ],
            total=(Decimal("3400.00"), Decimal("9000.00")),
        ),
    )

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  Spend sheet, row 4, column actual: the total actual is £3,400.00 but the lines add up "
        "to £3,500.00",
    ]
    assert stored()["quarterly_returns"] == 0


def test_unknown_spoke_grant_and_quarter_are_all_named(runner, tmp_path):
    make_setup()

    result = run_import(
        runner,
        tmp_path,
        return_workbook(spoke="atlantis", grant="XYZ", year="2024-26", quarter="Q5"),
        spoke="atlantis",
    )

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  Return sheet, row 2, column value: unknown spoke 'atlantis'",
        "  Return sheet, row 3, column value: unknown grant 'XYZ'; write VRU or SVD",
        "  Return sheet, row 4, column value: '2024-26' is not a financial year: the second year "
        "must follow the first",
        "  Return sheet, row 5, column value: quarter 'Q5' is not 1, 2, 3 or 4",
    ]


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_a_locked_quarter_is_refused(runner, tmp_path, status):
    setup = make_setup()
    ret = make_return(setup, status=status)
    before = stored()

    result = run_import(runner, tmp_path, return_workbook(quarter="Q1"))

    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        f"  Return sheet, row 5, column value: the Bristol VRU 2024-25 Q1 return is already "
        f"{status.value}, so it is locked; nothing can be imported into it"
    ]
    assert stored() == before
    assert db.session.get(QuarterlyReturn, ret.id).status is status


def test_a_missing_line_sheet_or_column_is_named(runner, tmp_path):
    make_setup()

    missing_line = run_import(
        runner, tmp_path, return_workbook(lines=[("V1", Decimal("1000.00"), Decimal("3000.00"))])
    )
    missing_sheet = run_import(runner, tmp_path, return_workbook(drop_sheet="Reach"))
    missing_column = run_import(
        runner,
        tmp_path,
        return_workbook(
            spend_header=[
                "line_ref",
                "title",
                "category",
                "annual_budget",
                "profile_q1",
                "spend",
                "forecast_remaining",
                "variance_reason",
            ]
        ),
    )

    assert missing_line.output.splitlines()[1:] == [
        "  Spend sheet, column line_ref: line V2 of the approved plan is missing; list every "
        "line (0 where nothing was spent)"
    ]
    assert missing_sheet.output.splitlines()[1:] == [
        "  q1.xlsx: the workbook has no 'Reach' sheet; use the template the system generates"
    ]
    assert missing_column.output.splitlines()[1:] == [
        "  Spend sheet, row 1, column actual: the column 'actual' is missing from the header"
    ]
    assert stored()["quarterly_returns"] == 0


def test_a_file_that_is_not_a_workbook_is_refused(runner, tmp_path):
    make_setup()

    garbage = run_import(runner, tmp_path, b"not a spreadsheet at all")
    csv = run_import(runner, tmp_path, b"line_ref,actual\n", name="q1.csv")

    assert garbage.exit_code == 1
    assert "q1.xlsx: not a readable XLSX workbook" in garbage.output
    assert csv.output.splitlines()[1:] == ["  q1.csv: the file must be the .xlsx return template"]


def test_the_web_import_of_a_file_for_another_return_is_refused(app):
    setup = make_setup()
    q2 = make_return(setup, quarter=2)

    from core.problems import DomainError

    with pytest.raises(DomainError) as error:
        import_return_file(
            return_workbook(quarter=1),
            "q1.xlsx",
            user=setup.lead,
            return_id=q2.id,
            lock_version=q2.lock_version,
        )

    assert (
        "Return sheet, row 2, column value: this file is for the Bristol VRU 2024-25 Q1 "
        "return, not the return it was uploaded to" in [str(p) for p in error.value.problems]
    )
