"""The return pages: start, fill in, submit, review, download and upload, concurrent edits."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from auth.roles import Role
from extensions import db
from grants.returns.models import MatchFundingLine, QuarterlyReturn
from grants.returns.services import STALE_MESSAGE
from grants.vocabulary import MatchKind, ReviewStatus
from tests.builders import make_user
from tests.grants.returns.builders import make_return, make_setup, return_workbook


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text without tags, whitespace collapsed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def edit_data(ret: QuarterlyReturn, **overrides: str) -> dict[str, str]:
    data = {
        "lock_version": str(ret.lock_version),
        "narrative": "Mentoring started in May.",
        "risks": "",
        "reach_10_14": "120",
        "reach_professionals": "15",
    }
    for index, line in enumerate(ret.lines):
        profile = line.plan_line.profile[ret.quarter - 1]
        data |= {
            f"lines-{index}-line_ref": line.plan_line.line_ref,
            f"lines-{index}-actual": str(profile),
            f"lines-{index}-forecast_remaining": str(profile * (4 - ret.quarter)),
            f"lines-{index}-variance_reason": "",
        }
    data |= {
        "match_lines-0-contributor": "Council youth service",
        "match_lines-0-kind": "cash",
        "match_lines-0-amount": "600.00",
        "match_lines-0-evidence_reference": "PO-1",
        "match_lines-0-valuation_basis": "",
    }
    return data | overrides


# --- start and fill in ----------------------------------------------------------------------


def test_a_spoke_lead_starts_fills_in_and_sees_the_figures(client, sign_in):
    setup = make_setup()
    sign_in(setup.lead)

    response = client.post(
        "/returns/new",
        data={"recipient": "bristol", "grant": "VRU", "financial_year": "2024-25", "quarter": "1"},
    )
    ret = db.session.scalar(select(QuarterlyReturn))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/returns/{ret.id}/edit"

    form = client.get(f"/returns/{ret.id}/edit")
    assert form.status_code == 200
    assert 'name="lines-1-actual"' in form.get_data(as_text=True)
    assert "Actual spend this quarter, V2 Targeted mentoring" in form.get_data(as_text=True)

    saved = client.post(
        f"/returns/{ret.id}/edit",
        data=edit_data(
            ret,
            **{
                "lines-1-actual": "2500.00",
                "lines-1-forecast_remaining": "5500.00",
                "lines-1-variance_reason": "Holiday sessions",
            },
        ),
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/returns/{ret.id}"

    page = text_of(client.get(f"/returns/{ret.id}"))
    assert (
        "V2 Targeted mentoring · Interventions £8,000.00 £2,000.00 £2,500.00 £2,500.00 "
        "£8,000.00 +£500.00 +25.00% Holiday sessions" in page
    )
    assert "Total £12,000.00 £3,000.00 £3,500.00 £3,500.00 £12,000.00 +£500.00" in page
    assert "Forecast underspend £0.00" in page
    assert "Claim for Q1 £3,500.00" in page
    assert "Match share of grant spend 17.14% against a minimum of 20% – below the minimum" in page
    assert "Interventions share of spend 71.43%" in page
    assert "Council youth service Cash £600.00 PO-1" in page
    assert "Young people 10 to 14 120" in page
    assert "<svg" in client.get(f"/returns/{ret.id}").get_data(as_text=True)


def test_every_problem_on_the_form_is_shown_against_its_field_and_nothing_is_saved(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)

    response = client.post(
        f"/returns/{ret.id}/edit",
        data=edit_data(
            ret,
            **{
                "lines-0-actual": "12.345",
                "lines-1-actual": "-1",
                "match_lines-0-kind": "in_kind",
                "reach_under_10": "lots",
            },
        ),
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = html[
        html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))
    ]
    for href, message in [
        ("#lines-0-actual", "Line V1 actual: &#39;12.345&#39; has more than two decimal places"),
        ("#lines-1-actual", "Line V2 actual: -£1.00 is negative"),
        (
            "#match_lines-0-valuation_basis",
            "Match funding from Council youth service: in-kind "
            "match funding needs its valuation basis",
        ),
        ("#reach_under_10", "Children under 10: &#39;lots&#39; is not a whole number"),
    ]:
        assert f'href="{href}"' in summary, href
        assert message in summary, message
    assert 'id="lines-0-actual-error"' in html
    assert "<title>Error:" in html
    db.session.expire_all()
    assert db.session.get(QuarterlyReturn, ret.id).lines[0].actual == Decimal("1000.00")


def test_match_lines_are_added_and_removed_on_the_form(client, sign_in):
    setup = make_setup()
    ret = make_return(setup, match=[("Council", "cash", "100.00")])
    sign_in(setup.lead)

    added = client.post(
        f"/returns/{ret.id}/edit",
        data=edit_data(
            ret,
            **{
                "match_lines-0-contributor": "Council",
                "match_lines-0-amount": "100.00",
                "match_lines-1-contributor": "Police EIT",
                "match_lines-1-kind": "in_kind",
                "match_lines-1-amount": "900.00",
                "match_lines-1-valuation_basis": "Officer hours at cost",
                "add_match": "y",
            },
        ),
    )
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"/returns/{ret.id}/edit#match-funding")
    db.session.expire_all()
    assert [
        (m.contributor, m.kind) for m in db.session.get(QuarterlyReturn, ret.id).match_lines
    ] == [("Council", MatchKind.CASH), ("Police EIT", MatchKind.IN_KIND)]
    assert (
        client.get(f"/returns/{ret.id}/edit")
        .get_data(as_text=True)
        .count('data-testid="match-line"')
        == 3
    )  # two lines and a blank one

    ret = db.session.get(QuarterlyReturn, ret.id)
    removed = client.post(
        f"/returns/{ret.id}/edit",
        data=edit_data(
            ret,
            **{
                "match_lines-0-remove": "y",
                "match_lines-1-contributor": "Police EIT",
                "match_lines-1-kind": "in_kind",
                "match_lines-1-amount": "900.00",
                "match_lines-1-valuation_basis": "Officer hours at cost",
            },
        ),
    )
    assert removed.status_code == 302
    assert [m.contributor for m in db.session.scalars(select(MatchFundingLine))] == ["Police EIT"]


def test_a_save_from_a_page_someone_else_saved_is_refused_and_keeps_what_was_typed(
    app, client, sign_in
):
    setup = make_setup()
    ret = make_return(setup)
    colleague = app.test_client()
    for c in (client, colleague):
        c.post("/sign-in", data={"email": setup.lead.email, "password": "correct-horse-battery"})
    mine = edit_data(ret, narrative="My narrative")
    theirs = edit_data(ret, narrative="Their narrative")

    assert colleague.post(f"/returns/{ret.id}/edit", data=theirs).status_code == 302
    response = client.post(f"/returns/{ret.id}/edit", data=mine)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert STALE_MESSAGE.replace("'", "&#39;") in html
    assert "My narrative" in html  # what I typed is still on the form
    db.session.expire_all()
    assert db.session.get(QuarterlyReturn, ret.id).narrative == "Their narrative"


# --- submit and review ----------------------------------------------------------------------


def test_submitting_needs_the_certificate(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)
    page = client.get(f"/returns/{ret.id}/submit")
    assert page.status_code == 200
    assert f'value="{setup.lead.name}"' in page.get_data(as_text=True)

    refused = client.post(
        f"/returns/{ret.id}/submit",
        data={"lock_version": ret.lock_version, "certified_name": "Sam", "certified_role": ""},
    )
    assert refused.status_code == 400
    assert "Tick the box to certify that the return is correct" in refused.get_data(as_text=True)

    done = client.post(
        f"/returns/{ret.id}/submit",
        data={
            "lock_version": ret.lock_version,
            "certified_name": "Sam Spoke",
            "certified_role": "Spoke lead",
            "certify": "y",
        },
    )
    assert done.status_code == 302
    assert db.session.get(QuarterlyReturn, ret.id).status is ReviewStatus.SUBMITTED
    assert client.get(f"/returns/{ret.id}/edit").status_code == 302  # locked: back to the page


def test_finance_returns_approves_and_reopens_with_the_history_shown(client, sign_in):
    setup = make_setup()
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)
    finance = make_user(role=Role.FINANCE, name="Fran Finance")
    sign_in(finance)

    page = client.get(f"/returns/{ret.id}").get_data(as_text=True)
    assert 'data-testid="approve-form"' in page
    blank = client.post(
        f"/returns/{ret.id}/return",
        data={"send_back-lock_version": ret.lock_version, "send_back-comment": ""},
    )
    assert blank.status_code == 400
    assert "Say what needs changing" in blank.get_data(as_text=True)

    assert (
        client.post(
            f"/returns/{ret.id}/approve",
            data={"approve-lock_version": ret.lock_version, "approve-comment": ""},
        ).status_code
        == 302
    )
    db.session.expire_all()
    ret = db.session.get(QuarterlyReturn, ret.id)
    assert ret.status is ReviewStatus.APPROVED
    reopened = client.post(
        f"/returns/{ret.id}/reopen",
        data={"reopen-lock_version": ret.lock_version, "reopen-reason": "Duplicated invoice found"},
    )
    assert reopened.status_code == 302

    page = text_of(client.get(f"/returns/{ret.id}"))
    assert "Reopened by finance (Fran Finance" in page
    assert "Approved to returned reopened: Duplicated invoice found" in page
    assert "Submitted to approved approved" in page
    assert "Draft to submitted certified by Sam Spoke, Spoke lead" in page


def test_a_review_from_an_out_of_date_page_is_refused(client, sign_in):
    setup = make_setup()
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/returns/{ret.id}/approve",
        data={"approve-lock_version": ret.lock_version - 1, "approve-comment": ""},
    )

    assert response.status_code == 409
    assert db.session.get(QuarterlyReturn, ret.id).status is ReviewStatus.SUBMITTED


# --- download and upload --------------------------------------------------------------------


def test_the_template_downloads_from_the_return(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)

    response = client.get(f"/returns/{ret.id}/template.xlsx")

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="return-bristol-VRU-2024-25-Q1.xlsx"'
    )
    assert response.data[:2] == b"PK"


def test_an_uploaded_file_with_problems_lists_them_and_saves_nothing(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)

    response = client.post(
        f"/returns/{ret.id}/import",
        data={
            "lock_version": ret.lock_version,
            "file": (
                io.BytesIO(
                    return_workbook(
                        lines=[
                            ("V1", "x", Decimal("1.00")),
                            ("V2", Decimal("2000.00"), Decimal("1.00")),
                        ]
                    )
                ),
                "q1.xlsx",
            ),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert (
        "Spend sheet, row 2, column actual: line V1 actual: &#39;x&#39; is not a number"
        in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(QuarterlyReturn, ret.id).lines[0].actual == Decimal("1000.00")


def test_an_upload_is_checked_then_imported(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)
    content = return_workbook(
        lines=[
            ("V1", Decimal("900.00"), Decimal("3100.00")),
            ("V2", Decimal("2000.00"), Decimal("6000.00")),
        ]
    )

    checked = client.post(
        f"/returns/{ret.id}/import",
        data={
            "lock_version": ret.lock_version,
            "dry_run": "y",
            "file": (io.BytesIO(content), "q1.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert checked.status_code == 200
    assert "The file passes every check: it would import 2 lines" in checked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuarterlyReturn, ret.id).lines[0].actual == Decimal("1000.00")

    imported = client.post(
        f"/returns/{ret.id}/import",
        data={"lock_version": ret.lock_version, "file": (io.BytesIO(content), "q1.xlsx")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuarterlyReturn, ret.id).lines[0].actual == Decimal("900.00")


# --- the list, forecast underspend and the close ---------------------------------------------


def test_the_list_shows_each_quarter_and_offers_to_start_the_next(client, sign_in):
    setup = make_setup()
    make_return(setup, status=ReviewStatus.SUBMITTED)
    sign_in(setup.lead)

    page = client.get("/returns?year=2024-25").get_data(as_text=True)

    assert 'data-quarter="1"' in page and "Submitted" in page
    assert "/returns/new?recipient=bristol&amp;grant=VRU&amp;year=2024-25&amp;quarter=2" in page


def test_forecast_underspend_and_overspend_link_to_a_prefilled_variation(client, sign_in):
    bristol = make_setup("bristol")
    somerset = make_setup("somerset")
    make_return(
        bristol,
        status=ReviewStatus.SUBMITTED,
        values={"V1": ("1000.00", "1000.00"), "V2": ("2000.00", "4000.00")},
    )  # outturn 8,000.00
    make_return(
        somerset,
        status=ReviewStatus.SUBMITTED,
        values={"V1": ("1000.00", "3500.00"), "V2": ("2000.00", "6000.00")},
    )  # outturn 12,500.00
    sign_in(make_user(role=Role.FINANCE))

    response = client.get("/returns/underspend?year=2024-25&quarter=1")

    page = text_of(response)
    assert "Bristol VRU £12,000.00 £3,000.00 £8,000.00 £4,000.00" in page
    assert "Somerset VRU £12,000.00 £3,000.00 £12,500.00 -£500.00" in page
    assert "VRU: £500.00 from Bristol to Somerset" in page
    assert "VRU £24,000.00 £6,000.00 £20,500.00 £3,500.00 0.00% (20%)" in page
    links = re.findall(r'href="(/variations/new\?[^"]+)"', response.get_data(as_text=True))
    assert {
        tuple(
            sorted(
                (k, v[0]) for k, v in parse_qs(urlsplit(link.replace("&amp;", "&")).query).items()
            )
        )
        for link in links
    } == {
        (
            ("amount", "500.00"),
            ("from", "bristol"),
            ("kind", "reallocation"),
            ("quarter", "1"),
            ("stream", "VRU"),
            ("to", "somerset"),
            ("year", "2024-25"),
        )
    }


def test_the_close_page_lists_what_stops_the_close(client, sign_in):
    setup = make_setup()
    make_return(setup, status=ReviewStatus.APPROVED)
    sign_in(make_user(role=Role.FINANCE))

    page = text_of(client.get("/returns/close?grant=VRU&year=2024-25"))

    assert "The year cannot be closed yet" in page
    assert "Bristol has no Q2 return" in page
    assert "Close the year" not in page
