"""What the return pages say, in a spoke lead's and finance's words: a half-filled return saves,
the messages name the grant and the quarter, the match funding and reach tables have totals, a
return already started is linked to, and only whoever may fill in a return is offered its
template."""

from __future__ import annotations

import html

from auth.roles import Role
from extensions import db
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import ReviewStatus
from tests.builders import make_user
from tests.grants.returns.builders import make_return, make_setup
from tests.grants.returns.test_return_views import edit_data
from tests.grants.returns.test_return_views import text_of as tagless_text_of


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(tagless_text_of(response))


NAME = "Bristol's VRU grant return for 2024-25 Q1 (April to June)"


def test_a_half_filled_return_saves_and_the_reasons_wait_for_the_submission(client, sign_in):
    setup = make_setup()
    ret = make_return(setup, values={"V1": ("0", "0"), "V2": ("0", "0")})
    sign_in(setup.lead)
    # Only V1 filled in; V2 left at 0.00, 100% under its profile, with no reason yet.
    data = edit_data(ret, **{"lines-1-actual": "0.00", "lines-1-forecast_remaining": "0.00"})

    saved = client.post(f"/returns/{ret.id}/edit", data=data, follow_redirects=True)
    submit = client.post(
        f"/returns/{ret.id}/submit",
        data={
            "lock_version": str(db.session.get(QuarterlyReturn, ret.id).lock_version),
            "certified_name": "Bo",
            "certified_role": "Spoke lead",
            "certify": "y",
        },
    )

    assert saved.status_code == 200
    assert f"Saved {NAME}" in text_of(saved)
    stored = db.session.get(QuarterlyReturn, ret.id).lines[0]
    assert stored.actual == stored.plan_line.profile[0]
    assert submit.status_code == 400
    assert "line V2: the actual £0.00 differs from the profile £2,000.00" in text_of(submit)


def test_the_certificate_reads_plainly_and_the_role_error_says_your(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)

    refused = client.post(
        f"/returns/{ret.id}/submit",
        data={"lock_version": str(ret.lock_version), "certified_name": "Bo", "certify": "y"},
    )
    done = client.post(
        f"/returns/{ret.id}/submit",
        data={
            "lock_version": str(ret.lock_version),
            "certified_name": "Bo (Bristol lead)",
            "certified_role": "Spoke lead",
            "certify": "y",
        },
        follow_redirects=True,
    )

    assert "Enter your role" in text_of(refused)
    page = text_of(done)
    assert f"Submitted {NAME} to finance" in page
    assert "Certified by Bo (Bristol lead), Spoke lead, on" in page
    assert "(Spoke lead)" not in page


def test_match_funding_and_reach_have_totals(client, sign_in):
    setup = make_setup()
    ret = make_return(setup, match=[("Council", "cash", "600.00"), ("NHS", "in kind", "250.50")])
    sign_in(setup.lead)
    client.post(
        f"/returns/{ret.id}/edit",
        data=edit_data(
            ret,
            **{
                "match_lines-0-amount": "600.00",
                "match_lines-1-contributor": "NHS",
                "match_lines-1-kind": "in_kind",
                "match_lines-1-amount": "250.50",
                "match_lines-1-evidence_reference": "",
                "match_lines-1-valuation_basis": "staff hours at cost",
            },
        ),
    )

    page = text_of(client.get(f"/returns/{ret.id}"))

    assert "Total match funding £850.50" in page
    assert "Everyone reached 135" in page  # 120 young people and 15 professionals


def test_a_return_already_started_is_linked_to(client, sign_in):
    setup = make_setup()
    ret = make_return(setup)
    sign_in(setup.lead)

    response = client.post(
        "/returns/new",
        data={"recipient": "bristol", "grant": "VRU", "financial_year": "2024-25", "quarter": "1"},
    )

    assert response.status_code == 400
    assert f'href="/returns/{ret.id}"' in response.get_data(as_text=True)
    assert f"Go to {NAME}" in text_of(response)


def test_only_whoever_may_fill_in_the_return_is_offered_its_template(client, sign_in):
    setup = make_setup()
    draft = make_return(setup, quarter=2)
    submitted = make_return(setup, status=ReviewStatus.SUBMITTED)
    sign_in(setup.lead)
    lead_draft = client.get(f"/returns/{draft.id}").get_data(as_text=True)
    lead_submitted = client.get(f"/returns/{submitted.id}").get_data(as_text=True)
    client.post("/sign-out")
    sign_in(make_user(role=Role.FINANCE))
    as_finance = client.get(f"/returns/{submitted.id}").get_data(as_text=True)

    assert "Download as a spreadsheet template" not in as_finance
    assert "Download as a spreadsheet template" in lead_draft
    assert "Download as a spreadsheet template" not in lead_submitted


def test_a_return_is_named_with_its_grant_and_the_quarters_months(app):
    from grants.returns.queries import return_name

    setup = make_setup()
    ret = make_return(setup, quarter=2)
    ret.grant_stream.name = "Violence Reduction Unit grant"

    assert return_name(ret) == (
        "Bristol's Violence Reduction Unit grant return for 2024-25 Q2 (July to September)"
    )
