"""Grant agreements: drafted from a spoke's current allocations, issued, signed, and varied into
a new version when the allocations change, with the agreement document as a PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from auth.roles import Role
from core.problems import DomainError
from exports.pdfs import render_document
from extensions import db
from grants.agreements import services
from grants.agreements.models import GrantAgreement
from grants.awards.variations import record_reallocation
from grants.vocabulary import AgreementStatus, PaymentSchedule
from tests.allocations.helpers import error_summary, page_text, table_rows
from tests.builders import make_spokes, make_user
from tests.grants.awards.builders import (
    YEAR,
    make_agreement,
    make_allocations,
    make_award,
    make_year,
    stored_counts,
)


def problems_of(error: pytest.ExceptionInfo[DomainError]) -> dict[str | None, str]:
    return {p.column: p.message for p in error.value.problems}


def move_to_bristol(amount: str = "1530.04") -> None:
    record_reallocation(
        financial_year=YEAR,
        stream_code="VRU",
        from_code="hub",
        to_code="bristol",
        amount=amount,
        reason="Hub posts unfilled",
        decision_reference="PCC-DN-2024-077",
        user=None,
        quarter=2,
    )


# --- services -------------------------------------------------------------------------------------


def test_a_draft_takes_the_current_allocations_and_default_conditions(app):
    make_year(min_interventions_percent="60", evaluation_percent="5")

    agreement = make_agreement(spoke="bristol")

    assert (agreement.version, agreement.status) == (1, AgreementStatus.DRAFT)
    assert (agreement.vru_amount, agreement.svd_amount) == (
        Decimal("400000.00"),
        Decimal("40883.00"),
    )
    assert agreement.payment_schedule is PaymentSchedule.QUARTERLY_IN_ARREARS
    assert (
        "Violence Reduction Unit grant (VRU): match funding (cash or in kind) of at least "
        "20% of grant spend; at least 60% of the grant spent on interventions; at least 5% "
        "of intervention spend" in agreement.conditions
    )
    assert agreement.conditions.index(
        "Violence Reduction Unit grant (VRU)"
    ) < agreement.conditions.index("Serious Violence Duty grant (SVD)")
    assert "Grant not spent by 31 March 2025 cannot be carried into 2025-26" in agreement.conditions


def test_the_hub_has_no_agreement(app):
    make_year()

    with pytest.raises(DomainError) as error:
        make_agreement(spoke="hub")

    assert "only spokes have grant agreements" in problems_of(error)["recipient"]


def test_an_agreement_needs_allocations_and_the_years_awards(app):
    make_allocations()  # VRU allocations but no award recorded
    finance = make_user(role=Role.FINANCE)
    before = stored_counts()

    with pytest.raises(DomainError) as no_award:
        make_agreement(user=finance)
    with pytest.raises(DomainError) as no_allocation:
        make_agreement(year="2025-26", user=finance)

    assert problems_of(no_award)["recipient"] == (
        "record the VRU 2024-25 award first: the agreement's conditions come from it"
    )
    assert problems_of(no_allocation)["recipient"] == (
        "Bristol has no allocations in 2025-26; approve the formula run first"
    )
    assert stored_counts() == before


def test_one_agreement_per_spoke_and_year_then_versions(app):
    make_year()
    make_agreement()

    with pytest.raises(DomainError) as error:
        make_agreement()

    assert problems_of(error)["recipient"] == (
        "Bristol already has a 2024-25 agreement (version 1, draft); edit the draft instead"
    )


def test_draft_issued_signed_with_dates_and_signatories(app):
    make_year()
    agreement = make_agreement()

    services.issue_agreement(
        agreement.id,
        issued_on=date(2024, 4, 10),
        opcc_signatory="Pat Commissioner",
        lock_version=None,
        user=None,
    )
    with pytest.raises(DomainError) as early:
        services.sign_agreement(
            agreement.id,
            signed_on=date(2024, 4, 9),
            recipient_signatory="Sam",
            lock_version=None,
            user=None,
        )
    services.sign_agreement(
        agreement.id,
        signed_on=date(2024, 4, 20),
        recipient_signatory="Sam Section151",
        lock_version=None,
        user=None,
    )

    assert "cannot have been signed before" in problems_of(early)["signed_on"]
    db.session.expire_all()
    assert agreement.status is AgreementStatus.SIGNED
    assert (agreement.issued_on, agreement.signed_on) == (date(2024, 4, 10), date(2024, 4, 20))
    assert (agreement.opcc_signatory, agreement.recipient_signatory) == (
        "Pat Commissioner",
        "Sam Section151",
    )
    reasons = db.session.scalars(
        select(AuditEvent.reason)
        .where(AuditEvent.table_name == "grant_agreements")
        .order_by(AuditEvent.id)
    ).all()
    assert reasons == [
        "agreement drafted from the 2024-25 allocations",
        "agreement issued for signature on 2024-04-10",
        "agreement signed by Sam Section151 on 2024-04-20",
    ]


def test_issuing_needs_a_signatory_and_the_current_allocations(app):
    make_year()
    agreement = make_agreement()
    move_to_bristol()

    with pytest.raises(DomainError) as error:
        services.issue_agreement(
            agreement.id, issued_on=None, opcc_signatory="", lock_version=None, user=None
        )

    assert [p.message for p in error.value.problems] == [
        "enter who signs for the OPCC",
        "the VRU allocation is now £401,530.04, not the £400,000.00 in this draft; edit the "
        "draft to take the current allocations",
    ]
    services.update_agreement(
        agreement.id, fields=services.AgreementFields(), lock_version=None, user=None
    )
    services.issue_agreement(
        agreement.id, issued_on=None, opcc_signatory="Pat", lock_version=None, user=None
    )
    db.session.expire_all()
    assert (agreement.vru_amount, agreement.status) == (
        Decimal("401530.04"),
        AgreementStatus.ISSUED,
    )


def test_varying_a_signed_agreement_makes_a_new_version_and_keeps_the_old(app):
    make_year()
    signed = make_agreement(
        status=AgreementStatus.SIGNED, conditions="1. Our own conditions.\n\n2. A second one."
    )
    move_to_bristol()

    new = services.vary_agreement(
        signed.id,
        variation_reason="Hub underspend moved to Bristol",
        conditions=None,
        lock_version=None,
        user=None,
    )

    db.session.expire_all()
    assert (signed.version, signed.status, signed.vru_amount) == (
        1,
        AgreementStatus.VARIED,
        Decimal("400000.00"),
    )
    assert (new.version, new.status, new.vru_amount, new.svd_amount) == (
        2,
        AgreementStatus.DRAFT,
        Decimal("401530.04"),
        Decimal("40883.00"),
    )
    assert new.variation_reason == "Hub underspend moved to Bristol"
    assert new.conditions == "1. Our own conditions.\n\n2. A second one."
    assert new.opcc_signatory == "Pat Commissioner"


def test_only_a_signed_agreement_can_be_varied_and_a_reason_is_needed(app):
    make_year()
    draft = make_agreement()

    with pytest.raises(DomainError) as error:
        services.vary_agreement(
            draft.id, variation_reason=" ", conditions=None, lock_version=None, user=None
        )

    assert problems_of(error) == {
        "status": "version 1 is draft; only a signed agreement can be varied",
        "variation_reason": "enter the reason for the variation",
    }


def test_a_stale_agreement_form_is_refused(app):
    make_year()
    agreement = make_agreement()
    stale = agreement.lock_version
    services.update_agreement(
        agreement.id,
        fields=services.AgreementFields(opcc_signatory="First"),
        lock_version=stale,
        user=None,
    )

    with pytest.raises(DomainError, match="Someone else saved this agreement"):
        services.issue_agreement(
            agreement.id, issued_on=None, opcc_signatory="Second", lock_version=stale, user=None
        )

    db.session.expire_all()
    assert (agreement.status, agreement.opcc_signatory) == (AgreementStatus.DRAFT, "First")


# --- pages ---------------------------------------------------------------------------------------


def test_finance_drafts_issues_and_signs_through_the_pages(client, sign_in):
    make_year()
    sign_in(make_user(role=Role.FINANCE))

    created = client.post(
        "/agreements/new",
        data={
            "financial_year": YEAR,
            "recipient": "somerset",
            "payment_schedule": "quarterly_in_arrears",
            "conditions": "",
            "opcc_signatory": "Pat Commissioner",
            "recipient_signatory": "",
            "submit": "Save the draft",
        },
    )
    agreement = db.session.scalar(select(GrantAgreement))
    issued = client.post(
        f"/agreements/{agreement.id}/issue",
        data={
            "issued_on": ["1", "4", "2024"],
            "opcc_signatory": "",
            "lock_version": str(agreement.lock_version),
            "submit": "Issue for signature",
        },
    )
    db.session.expire_all()
    signed = client.post(
        f"/agreements/{agreement.id}/sign",
        data={
            "signed_on": ["15", "4", "2024"],
            "recipient_signatory": "Sam Section151",
            "lock_version": str(agreement.lock_version),
            "submit": "Record the signature",
        },
    )
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)

    assert [r.status_code for r in (created, issued, signed)] == [302, 302, 302]
    assert created.headers["Location"] == f"/agreements/{agreement.id}"
    db.session.expire_all()
    assert agreement.status is AgreementStatus.SIGNED
    assert (agreement.issued_on, agreement.signed_on) == (date(2024, 4, 1), date(2024, 4, 15))
    rows = table_rows(html, "payment-schedule")
    assert rows[1] == [
        "Q1 (Apr-Jun)",
        "31 July 2024",
        "31 August 2024",
        "£80,000.00",
        "£6,250.00",
        "£86,250.00",
    ]
    assert rows[-1] == ["Total", "£320,000.00", "£25,000.00", "£345,000.00"]
    assert "Vary the agreement" in html


def test_a_bad_agreement_form_answers_400_and_stores_nothing(client, sign_in):
    make_year()
    sign_in(make_user(role=Role.FINANCE))
    before = stored_counts()

    response = client.post(
        "/agreements/new",
        data={
            "financial_year": YEAR,
            "recipient": "hub",
            "payment_schedule": "quarterly_in_arrears",
            "submit": "Save the draft",
        },
    )
    no_choice = client.post(
        "/agreements/new",
        data={
            "financial_year": YEAR,
            "recipient": "",
            "payment_schedule": "quarterly_in_arrears",
            "submit": "Save the draft",
        },
    )

    assert (response.status_code, no_choice.status_code) == (400, 400)
    assert "Not a valid choice" in error_summary(response.get_data(as_text=True))
    assert "Choose the spoke" in error_summary(no_choice.get_data(as_text=True))
    assert stored_counts() == before


def test_issuing_with_bad_input_answers_400_on_the_agreement_page(client, sign_in):
    make_year()
    agreement = make_agreement(opcc_signatory=None)
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        f"/agreements/{agreement.id}/issue",
        data={
            "issued_on": ["31", "2", "2024"],
            "lock_version": str(agreement.lock_version),
            "submit": "Issue for signature",
        },
    )
    missing = client.post(
        f"/agreements/{agreement.id}/issue",
        data={
            "issued_on": ["", "", ""],
            "opcc_signatory": "",
            "lock_version": str(agreement.lock_version),
            "submit": "Issue for signature",
        },
    )

    assert response.status_code == 400
    assert "Enter date issued as a real date" in error_summary(response.get_data(as_text=True))
    assert missing.status_code == 400
    assert "Enter who signs for the OPCC" in error_summary(missing.get_data(as_text=True))
    db.session.expire_all()
    assert agreement.status is AgreementStatus.DRAFT


def test_varying_on_the_page_keeps_the_history(client, sign_in):
    make_year()
    signed = make_agreement(status=AgreementStatus.SIGNED)
    move_to_bristol()
    sign_in(make_user(role=Role.FINANCE))

    form = client.get(f"/agreements/{signed.id}/vary").get_data(as_text=True)
    response = client.post(
        f"/agreements/{signed.id}/vary",
        data={
            "variation_reason": "Hub underspend moved to Bristol",
            "conditions": signed.conditions,
            "lock_version": str(signed.lock_version),
            "submit": "Start the new version",
        },
    )
    new = db.session.scalar(select(GrantAgreement).where(GrantAgreement.version == 2))
    html = client.get(response.headers["Location"]).get_data(as_text=True)

    assert table_rows(form, "vary-amounts")[1] == ["VRU", "£400,000.00", "£401,530.04"]
    assert response.headers["Location"] == f"/agreements/{new.id}"
    versions = table_rows(html, "versions")
    assert versions[1] == [
        "2 (this one)",
        "Draft",
        "£401,530.04",
        "£40,883.00",
        "Hub underspend moved to Bristol",
    ]
    assert versions[2][:4] == ["1", "Varied", "£400,000.00", "£40,883.00"]


def test_the_agreement_pdf_holds_the_recipient_amounts_schedule_and_total(
    client, sign_in, monkeypatch
):
    make_year()
    agreement = make_agreement(status=AgreementStatus.SIGNED)
    sign_in(make_user(role=Role.FINANCE))
    rendered: list[str] = []
    from grants.agreements import views as agreement_views

    real = agreement_views.render_pdf
    monkeypatch.setattr(
        agreement_views,
        "render_pdf",
        lambda html, base_url=None: rendered.append(html) or real(html),
    )

    response = client.get(f"/agreements/{agreement.id}/agreement.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert (
        'filename="grant-agreement-bristol-2024-25-v1.pdf"'
        in response.headers["Content-Disposition"]
    )
    text = document_text(rendered[0])
    for expected in (
        "Avon and Somerset Violence Reduction Partnership",
        "Grant agreement 2024-25",
        "Bristol (the recipient)",
        "Violence Reduction Unit grant (VRU)",
        "£400,000.00",
        "Serious Violence Duty grant (SVD)",
        "£40,883.00",
        "Total grant",
        "£440,883.00",
        "31 August 2024",
        "31 May 2025",
        "£110,220.75",
        "Pat Commissioner",
        "Sam Section151",
        "cannot be carried into 2025-26",
    ):
        assert expected in text, expected
    assert "GOV.UK" not in rendered[0] and "GDS Transport" not in rendered[0]


def document_text(html: str) -> str:
    """The text WeasyPrint laid out on the pages (the same document the PDF is written from)."""

    def texts(box):  # type: ignore[no-untyped-def]
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", None) or ():
            yield from texts(child)

    return " ".join(t for page in render_document(html).pages for t in texts(page._page_box))


def test_the_pdf_renderer_fetches_nothing_from_the_network(app):
    html = (
        '<p>Before</p><img src="http://127.0.0.1:9/tracker.png">'
        '<link rel="stylesheet" href="https://example.org/x.css"><p>After</p>'
    )

    from exports.pdfs import render_pdf

    pdf = render_pdf(html)

    assert pdf.startswith(b"%PDF-")
    assert "Before After" in document_text(html)


# --- who sees what -------------------------------------------------------------------------------


def test_a_spoke_lead_sees_only_their_own_agreements(client, sign_in):
    make_year()
    own = make_agreement(spoke="bristol")
    other = make_agreement(spoke="somerset")
    sign_in(make_user(role=Role.SPOKE, spoke=make_spokes()["bristol"]))

    listing = client.get("/agreements").get_data(as_text=True)

    rows = table_rows(listing, "agreements")[1:]
    assert [row[1] for row in rows[:-1]] == ["Bristol"]
    assert rows[-1][0].startswith("Total")  # the totals are over what the spoke lead sees
    assert client.get(f"/agreements/{own.id}").status_code == 200
    assert client.get(f"/agreements/{own.id}/agreement.pdf").status_code == 200
    assert client.get(f"/agreements/{other.id}").status_code == 403
    assert client.get(f"/agreements/{other.id}/agreement.pdf").status_code == 403
    detail = client.get(f"/agreements/{own.id}").get_data(as_text=True)
    assert "Issue for signature" not in detail and "Edit the draft" not in detail


def test_a_spoke_lead_cannot_change_an_agreement(client, sign_in):
    make_year()
    own = make_agreement(spoke="bristol")
    sign_in(make_user(role=Role.SPOKE, spoke=make_spokes()["bristol"]))

    answers = [
        client.post(f"/agreements/{own.id}/issue", data={"opcc_signatory": "Me"}).status_code,
        client.post(f"/agreements/{own.id}/sign", data={}).status_code,
        client.get(f"/agreements/{own.id}/vary").status_code,
        client.get(f"/agreements/{own.id}/edit").status_code,
        client.get("/agreements/new").status_code,
    ]

    assert answers == [403] * 5
    db.session.expire_all()
    assert own.status is AgreementStatus.DRAFT


def test_the_agreement_page_shows_the_conditions(client, sign_in):
    make_award(confirmed="1528667.00", min_interventions_percent="60")
    make_allocations()
    agreement = make_agreement(spoke="banes")
    sign_in(make_user(role=Role.AUDITOR))

    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)

    conditions = page_text(html, testid="conditions")
    assert "at least 60% of the grant spent on interventions" in conditions
    assert "Serious Violence Duty" not in conditions  # banes has no SVD allocation here
