"""Hostile files through every importer, on the web and the command line: a zip bomb, an amount
no BIGINT of pence holds (in a dry run exactly as in a real import), an indicator of ``1e400``,
text longer than its form allows, junk with a problem on every row, a NUL character, a header
naming a column twice, a negative bid quarter, a digit ``int()`` cannot read, CSVs in the wrong
encoding or with a 5 MB field, and a far cell on every upload page. Each is refused with a clear
message naming where, nothing is written, and nothing crashes.

The same, drawn at random: ``test_hostile_properties.py``; in a real process whose memory is
measured: ``test_hostile_memory.py``."""

from __future__ import annotations

import io
from decimal import Decimal

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

import cli
from allocations.models import IndicatorDataset, IndicatorValueRecord
from audit.models import AuditEvent
from auth.roles import Role
from commissioning.rounds.models import Bid
from extensions import db
from grants.returns.models import MatchFundingLine, QuarterlyReturn, ReturnLine
from tests.builders import indicator_csv, make_user
from tests.core.test_uploads import zip_bomb
from tests.grants.returns.builders import make_return, make_setup, return_workbook

TABLES = (
    QuarterlyReturn,
    ReturnLine,
    MatchFundingLine,
    IndicatorDataset,
    IndicatorValueRecord,
    Bid,
    AuditEvent,
)


def stored() -> dict[str, int]:
    db.session.expire_all()
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def run_cli(app, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli.main, list(args), obj=ScriptInfo(create_app=lambda: app))


def import_return(app, tmp_path, content: bytes, *args: str, who: str = "lead@x.example"):  # type: ignore[no-untyped-def]
    path = tmp_path / "q1.xlsx"
    path.write_bytes(content)
    return run_cli(app, "returns", "import", str(path), "--spoke", "bristol", "--as", who, *args)


def import_indicators(app, tmp_path, content: bytes, name: str = "needs.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    return run_cli(
        app, "formula", "import-indicators", str(path), "--name", "Needs", "--as", "fin@x.example"
    )


def refused_cleanly(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def actors() -> None:
    make_user(role=Role.HUB, email="hub@x.example")
    make_user(role=Role.FINANCE, email="fin@x.example")


def returns_setup():  # type: ignore[no-untyped-def]
    """The returns builders' set-up, its Bristol lead reachable as ``lead@x.example``."""
    setup = make_setup()
    setup.lead.email = "lead@x.example"
    db.session.commit()
    actors()
    return setup


# --- returns ------------------------------------------------------------------------------------


def test_an_amount_beyond_a_bigint_of_pence_is_refused_in_a_dry_run_as_in_a_real_import(
    app, tmp_path
):
    returns_setup()
    content = return_workbook(
        lines=[("V1", 1e17, Decimal("3000.00")), ("V2", Decimal("2000.00"), Decimal("6000.00"))]
    )
    before = stored()

    dry = import_return(app, tmp_path, content, "--dry-run")
    real = import_return(app, tmp_path, content)

    refused_cleanly(dry)
    refused_cleanly(real)
    problem = (
        "Spend sheet, row 2, column actual: line V1 actual: '1e+17' is too large "
        "to be an amount of money"
    )
    assert f"  {problem}" in dry.output.splitlines()
    assert dry.output.splitlines()[1:] == real.output.splitlines()[1:]
    assert stored() == before


def test_a_narrative_longer_than_the_form_allows_is_refused_with_its_row(app, tmp_path):
    returns_setup()
    before = stored()

    result = import_return(app, tmp_path, return_workbook(narrative="x" * 20_000))

    refused_cleanly(result)
    assert (
        "  Return sheet, row 6, column value: the narrative is 20,000 characters long; "
        "at most 10,000" in result.output.splitlines()
    )
    assert stored() == before


def test_a_contributor_longer_than_its_column_is_refused_not_cut(app, tmp_path):
    returns_setup()
    content = return_workbook(match=[("c" * 300, "cash", Decimal("10.00"), None, None)])

    result = import_return(app, tmp_path, content)

    refused_cleanly(result)
    assert (
        "Match funding sheet, row 2, column contributor: the contributor is 300 characters "
        "long; at most 200" in result.output
    )


def test_a_zip_bomb_return_is_refused_on_the_command_line_and_the_web(app, tmp_path, sign_in):
    setup = returns_setup()
    before = stored()

    result = import_return(app, tmp_path, zip_bomb())

    refused_cleanly(result)
    assert "q1.xlsx: xl/worksheets/sheet1.xml inflates to 64.0 MiB" in result.output
    ret = make_return(setup)
    before = stored()
    sign_in(setup.lead)
    response = sign_in.client.post(
        f"/returns/{ret.id}/import",
        data={
            "file": (io.BytesIO(zip_bomb()), "q1.xlsx"),
            "lock_version": str(ret.lock_version),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422), response.status_code
    assert "inflates to 64.0 MiB" in page
    assert stored() == before


# --- indicators ---------------------------------------------------------------------------------


def test_an_indicator_of_1e400_is_refused_with_its_row(app, tmp_path):
    actors()
    before = stored()

    result = import_indicators(
        app,
        tmp_path,
        indicator_csv([("bristol", "population", "10"), ("banes", "population", "1e400")]),
    )

    refused_cleanly(result)
    assert (
        "needs.csv, row 3, column value: the value 1e400 is too large to be an indicator"
        in result.output
    )
    assert stored() == before


def test_junk_with_a_problem_on_every_row_answers_with_100_problems_and_a_count(app, tmp_path):
    actors()
    rows = [("bristol", "population", "junk") for _ in range(5000)]
    before = stored()

    result = import_indicators(app, tmp_path, indicator_csv(rows))

    refused_cleanly(result)
    lines = result.output.splitlines()
    assert len(lines) == 1 + 100 + 1
    assert lines[-1].startswith("  and ") and "more problems not shown" in lines[-1]
    assert stored() == before


def test_a_200000_row_junk_file_is_refused_by_its_row_count_in_one_line(app, tmp_path, sign_in):
    actors()
    junk = b"recipient,indicator,value,source,as_of\n" + b"x,y,z,s,d\n" * 200_000
    sign_in(make_user(role=Role.FINANCE))
    client = sign_in.client
    before = stored()

    result = import_indicators(app, tmp_path, junk)
    # Over the row limit but under werkzeug's test client's 500 KB (above it the client leaves
    # a temporary file open); the web's own size limit is MAX_CONTENT_LENGTH.
    web_junk = junk[: len(b"recipient,indicator,value,source,as_of\n") + 12_000 * 10]
    response = client.post(
        "/indicators/new",
        data={"name": "Needs", "file": (io.BytesIO(web_junk), "junk.csv"), "submit": "Import"},
        content_type="multipart/form-data",
    )

    refused_cleanly(result)
    assert result.output.splitlines()[1:] == ["  needs.csv: it has 10,001 rows; at most 10,000"]
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422)
    assert "junk.csv: it has 10,001 rows; at most 10,000" in page
    assert len(page) < 100_000
    assert stored() == before


# --- bids ---------------------------------------------------------------------------------------


def test_a_zip_bomb_bid_file_is_refused(app, tmp_path):
    actors()
    path = tmp_path / "bids.xlsx"
    path.write_bytes(zip_bomb())

    result = run_cli(app, "bids", "import", str(path), "--as", "hub@x.example")

    refused_cleanly(result)
    assert "inflates to 64.0 MiB" in result.output


def test_a_count_beyond_an_integer_column_is_refused_in_a_dry_run(app, tmp_path):
    returns_setup()
    content = return_workbook(reach=[("Young people 10 to 14", "99999999999")])
    before = stored()

    result = import_return(app, tmp_path, content, "--dry-run")

    refused_cleanly(result)
    assert "99999999999 is more than 2,147,483,647, the largest count that can be stored" in (
        result.output
    )
    assert stored() == before


def test_bid_text_longer_than_the_form_allows_is_refused_with_its_row_and_field(app, tmp_path):
    from tests.commissioning.builders import make_provider, make_round
    from tests.commissioning.rounds.test_bid_spreadsheet_and_cli import row, workbook

    actors()
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    path = tmp_path / "bids.xlsx"
    path.write_bytes(
        workbook(
            row(round_, provider, cohort="c" * 300),
            row(round_, provider, summary="s" * 20_000, cost="1e17", q1="", q2="", q3="", q4=""),
        )
    )
    before = stored()

    dry = run_cli(app, "bids", "import", str(path), "--as", "hub@x.example", "--dry-run")
    real = run_cli(app, "bids", "import", str(path), "--as", "hub@x.example")

    refused_cleanly(dry)
    refused_cleanly(real)
    assert dry.output == real.output
    assert "Bids sheet, row 2, column cohort: the cohort is 300 characters long; at most 200" in (
        real.output
    )
    assert (
        "Bids sheet, row 3, column summary: the summary is 20,000 characters long; at most 5,000"
        in real.output
    )
    assert "Bids sheet, row 3, column cost:" in real.output and "too large" in real.output
    assert stored() == before


def test_a_zip_bomb_attachment_is_refused_and_nothing_is_stored(app, tmp_path):
    from commissioning.rounds.attachments import add_attachment
    from core.problems import DomainError
    from tests.commissioning.builders import make_bid, make_round

    bid = make_bid(make_round(name="Spring round"))
    store = tmp_path / "instance"

    try:
        add_attachment(
            bid.id, filename="plan.docx", content=zip_bomb("word/document.xml"),
            instance_path=str(store), user=None,
        )  # fmt: skip
    except DomainError as error:
        problems = [str(p) for p in error.problems]
    else:
        raise AssertionError("the bomb was attached")

    assert problems == [
        "column file: word/document.xml inflates to 64.0 MiB; the largest accepted is 25.0 MiB"
    ]
    assert not (store / "attachments").exists()


def test_a_nul_character_is_refused_with_its_cell_by_every_importer(app, tmp_path):
    """PostgreSQL refuses a NUL in any text; it reached the database (a DataError, a traceback)
    from a return's narrative, a bid's title and an indicator's source."""
    from tests.commissioning.builders import make_provider, make_round
    from tests.commissioning.rounds.test_bid_spreadsheet_and_cli import row, workbook

    returns_setup()
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    bids = tmp_path / "bids.xlsx"
    bids.write_bytes(workbook(row(round_, provider), row(round_, provider, title="Sp\x00rt")))
    before = stored()

    results = {
        "return": import_return(app, tmp_path, return_workbook(narrative="Mentoring\x00 started")),
        "indicators": import_indicators(
            app, tmp_path, indicator_csv([("bristol", "population", "10", "ON\x00S")])
        ),
        "bids": run_cli(app, "bids", "import", str(bids), "--as", "hub@x.example"),
    }

    nul = "the text holds a NUL character (\\x00), which cannot be stored; type it again"
    expected = {
        "return": f"  q1.xlsx, Return sheet, row 6, column value: {nul}",
        "indicators": f"  needs.csv, row 2, column source: {nul}",
        "bids": f"  - bids.xlsx, Bids sheet, row 3, column title: {nul}",
    }
    for name, result in results.items():
        refused_cleanly(result)
        assert result.output.splitlines()[1:] == [expected[name]], name
    assert stored() == before


def test_a_bid_with_a_negative_quarter_or_match_funding_is_refused(app, tmp_path):
    """The quarters must still add up to the cost: -£12,000 and three of £5,000 did, and were
    imported."""
    from tests.commissioning.builders import make_provider, make_round
    from tests.commissioning.rounds.test_bid_spreadsheet_and_cli import row, workbook

    actors()
    round_ = make_round(name="Spring round")
    provider = make_provider("Youth Moves")
    path = tmp_path / "bids.xlsx"
    path.write_bytes(
        workbook(
            row(round_, provider, cost="3000.00", q1="-12000.00"),
            row(round_, provider, title="Detached youth work", match_funding="-500.00"),
        )
    )
    before = stored()

    result = run_cli(app, "bids", "import", str(path), "--as", "hub@x.example")

    refused_cleanly(result)
    assert result.output.splitlines()[1:] == [
        "  - Bids sheet, row 2, column q1: -£12,000.00 is negative; amounts must be 0 or more",
        "  - Bids sheet, row 3, column match_funding: match funding is negative; amounts must be "
        "0 or more",
    ]
    assert stored() == before


def test_csv_files_in_the_wrong_encoding_or_with_a_5_mb_field_are_refused_in_one_line(
    app, tmp_path
):
    actors()
    valid = indicator_csv([("bristol", "population", "10", "ONS £ estimate")])
    files = {
        "utf-16.csv": valid.decode().encode("utf-16"),
        "latin-1.csv": valid.decode().encode("latin-1"),
        "huge-field.csv": valid + b"bristol,households," + b"9" * 5_000_000 + b",ONS,2021-06-30\n",
    }
    before = stored()

    results = {
        name: import_indicators(app, tmp_path, content, name) for name, content in files.items()
    }
    written = stored()
    with_bom = import_indicators(app, tmp_path, b"\xef\xbb\xbf" + valid, "bom.csv")

    not_utf8 = "not UTF-8 text: save it from the spreadsheet as 'CSV UTF-8'"
    assert {name: r.output.splitlines()[1:] for name, r in results.items()} == {
        "utf-16.csv": [f"  utf-16.csv: {not_utf8}"],
        "latin-1.csv": [f"  latin-1.csv: {not_utf8}"],
        "huge-field.csv": [
            "  huge-field.csv, row 3: the CSV file cannot be read (field larger than field "
            "limit (131072))"
        ],
    }
    for result in results.values():
        refused_cleanly(result)
    assert written == before
    assert with_bom.exit_code == 0, with_bom.output  # a byte-order mark is UTF-8 too


def test_a_far_cell_and_a_nul_are_refused_on_every_upload_page(app):
    """The same reader on the web: a 1.4 KB workbook that made calamine ask for 512 GiB, and a
    NUL that PostgreSQL refuses, answer with a page naming the problem, not a 500."""
    from tests.commissioning.builders import make_round
    from tests.conftest import SignIn
    from tests.core.test_xlsx_scan import far_cell_xlsx

    setup = returns_setup()
    ret = make_return(setup)
    round_ = make_round(name="Spring round")
    far = far_cell_xlsx()
    uploads = {
        f"/returns/{ret.id}/import": (
            {"file": (io.BytesIO(far), "q1.xlsx"), "lock_version": str(ret.lock_version)},
            "it has 1,048,576 rows; at most 10,000",
        ),
        f"/commissioning/rounds/{round_.id}/bids/import": (
            {"file": (io.BytesIO(far), "bids.xlsx")},
            "it has 1,048,576 rows; at most 10,000",
        ),
        "/indicators/new": (
            {
                "name": "Needs",
                "file": (io.BytesIO(b"recipient,indicator\nbris\x00tol,x\n"), "n.csv"),
                "submit": "Import",
            },
            "n.csv, row 2, column recipient: the text holds a NUL character",
        ),
    }
    people = {
        "/returns": setup.lead,
        "/commissioning": make_user(role=Role.HUB),
        "/indicators": make_user(role=Role.FINANCE),
    }
    before = stored()

    for url, (data, problem) in uploads.items():
        sign_in = SignIn(app.test_client())
        sign_in(next(user for prefix, user in people.items() if url.startswith(prefix)))
        response = sign_in.client.post(url, data=data, content_type="multipart/form-data")

        assert response.status_code in (200, 400, 422), (url, response.status_code)
        assert problem in response.get_data(as_text=True), url
    assert stored() == before


def test_a_digit_that_python_reads_but_int_does_not_is_refused_not_raised(app, tmp_path):
    """``"²".isdigit()`` is True and ``int("²")`` a ValueError: an intervention id of ``²`` on
    the return's Interventions sheet was a traceback."""
    from commissioning.interventions.return_sheet import COLUMNS
    from tests.core.test_xlsx_scan import handmade_xlsx
    from tests.hostile.strategies import write_workbook
    from tests.hostile.test_hostile_properties import VALID_RETURN

    returns_setup()
    sheets = {**VALID_RETURN, "Interventions": [list(COLUMNS), ["²", "Mentoring", 1, 1, 1]]}
    before = stored()

    result = import_return(app, tmp_path, write_workbook(sheets))

    refused_cleanly(result)
    assert (
        "  Interventions sheet, row 2, column intervention_id: '²' is not one of this spoke's "
        "interventions for 2024-25" in result.output.splitlines()
    )
    assert stored() == before
    # The workbook reader's own count of shared text takes the same care.
    path = tmp_path / "bids.xlsx"
    path.write_bytes(handmade_xlsx('<row r="1"><c r="A1" t="s"><v>²</v></c></row>', shared=["a"]))
    refused_cleanly(run_cli(app, "bids", "import", str(path), "--as", "hub@x.example"))


def test_a_header_naming_a_column_twice_is_refused_not_read_from_either(app, tmp_path):
    """Which of two ``actual`` columns is the spend? The last one was read, silently."""
    from commissioning.rounds.spreadsheet import COLUMNS
    from exports.spreadsheets import write_xlsx
    from tests.commissioning.builders import make_provider, make_round
    from tests.commissioning.rounds.test_bid_spreadsheet_and_cli import row

    returns_setup()
    header = ["line_ref", "title", "category", "annual_budget", "profile_q1", "actual",
              "forecast_remaining", "variance_reason", "Actual"]  # fmt: skip
    bid = row(make_round(name="Spring round"), make_provider("Youth Moves"))
    bids = tmp_path / "bids.xlsx"
    bids.write_bytes(
        write_xlsx({"Bids": [[*COLUMNS, "cost"], [*(bid.get(c, "") for c in COLUMNS), "1.00"]]})
    )
    before = stored()

    returned = import_return(app, tmp_path, return_workbook(spend_header=header))
    imported = run_cli(app, "bids", "import", str(bids), "--as", "hub@x.example")

    refused_cleanly(returned)
    refused_cleanly(imported)
    assert returned.output.splitlines()[1:] == [
        "  Spend sheet, row 1, column actual: the header names this column twice"
    ]
    assert imported.output.splitlines()[1:] == [
        "  - Bids sheet, row 1, column cost: the column is named twice"
    ]
    assert stored() == before
