"""Quarterly return use cases: open, save, submit, review, reopen, and the rules around them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.roles import Role
from core.problems import DomainError
from database import utcnow
from extensions import db
from grants.returns import services
from grants.returns.entries import LineEntry, MatchEntry, ReturnEntries, reach_entries
from grants.returns.models import MatchFundingLine, QuarterlyReturn, ReturnLine
from grants.vocabulary import MatchKind, ReviewStatus
from tests.builders import make_spoke, make_user
from tests.grants.returns.builders import (
    entries,
    make_award,
    make_plan,
    make_return,
    make_setup,
)


def messages(error: pytest.ExceptionInfo[DomainError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


# --- open ----------------------------------------------------------------------------------------


def test_opening_a_return_makes_a_line_for_every_plan_line_of_the_grant(app):
    setup = make_setup()

    ret = services.open_return(
        recipient_id=setup.recipient.id,
        stream_code="vru",
        financial_year="2024/25",
        quarter=1,
        user=setup.lead,
    )

    assert ret.status is ReviewStatus.DRAFT
    assert ret.financial_year == "2024-25"
    assert ret.plan_id == setup.plan.id
    assert [line.plan_line.line_ref for line in ret.lines] == ["V1", "V2"]
    assert all(line.actual == Decimal("0.00") for line in ret.lines)


def test_opening_a_return_uses_only_the_grants_own_lines(app):
    setup = make_setup()
    make_award("SVD")
    svd = make_plan(setup.recipient, stream="SVD", version=2)

    ret = services.open_return(
        recipient_id=setup.recipient.id,
        stream_code="SVD",
        financial_year="2024-25",
        quarter=1,
        user=setup.lead,
    )

    assert ret.plan_id == svd.id  # the latest approved version
    assert {line.plan_line.grant_stream.code for line in ret.lines} == {"SVD"}


def test_no_return_without_an_approved_plan(app):
    make_award()
    spoke = make_spoke("bristol")
    make_plan(spoke, status=ReviewStatus.SUBMITTED)
    lead = make_user(role=Role.SPOKE, spoke=spoke)

    with pytest.raises(DomainError) as error:
        services.open_return(
            recipient_id=spoke.id, stream_code="VRU", financial_year="2024-25", quarter=1, user=lead
        )

    assert messages(error) == [
        "column recipient: Bristol has no approved delivery plan for 2024-25; a return reports "
        "against the approved plan"
    ]
    assert count(QuarterlyReturn) == 0


def test_opening_lists_every_problem(app):
    setup = make_setup()
    other = make_user(role=Role.SPOKE, spoke=make_spoke("somerset"))

    with pytest.raises(DomainError) as error:
        services.open_return(
            recipient_id=setup.recipient.id,
            stream_code="VRU",
            financial_year="2024-26",
            quarter=5,
            user=other,
        )

    assert messages(error) == [
        "column financial_year: '2024-26' is not a financial year: the second year must follow "
        "the first",
        "column quarter: quarter 5 is not 1, 2, 3 or 4",
        "column recipient: you may not fill in returns for Bristol",
    ]


def test_a_quarter_has_one_return_and_a_closed_year_none(app):
    setup = make_setup()
    make_return(setup)
    with pytest.raises(DomainError) as error:
        services.open_return(
            recipient_id=setup.recipient.id,
            stream_code="VRU",
            financial_year="2024-25",
            quarter=1,
            user=setup.lead,
        )
    assert messages(error) == ["column quarter: Bristol already has a VRU 2024-25 Q1 return"]

    make_award(closed_at=utcnow())
    with pytest.raises(DomainError) as error:
        services.open_return(
            recipient_id=setup.recipient.id,
            stream_code="VRU",
            financial_year="2024-25",
            quarter=2,
            user=setup.lead,
        )
    assert messages(error) == [
        "column grant: the VRU 2024-25 year is closed; no returns can be started"
    ]


def test_no_return_before_the_award_is_set_up(app):
    spoke = make_spoke("bristol")
    make_plan(spoke)
    lead = make_user(role=Role.SPOKE, spoke=spoke)

    with pytest.raises(DomainError) as error:
        services.open_return(
            recipient_id=spoke.id, stream_code="VRU", financial_year="2024-25", quarter=1, user=lead
        )

    assert messages(error) == [
        "column grant: the VRU 2024-25 grant award is not set up yet; finance sets it up first"
    ]


def test_the_hub_fills_in_the_hubs_returns(app):
    setup = make_setup("hub")

    ret = make_return(setup, status=ReviewStatus.SUBMITTED)

    assert ret.status is ReviewStatus.SUBMITTED
    assert ret.certified_by_id == setup.lead.id


# --- save ----------------------------------------------------------------------------------------


def test_saving_stores_lines_match_funding_reach_and_narrative(app):
    setup = make_setup()
    ret = make_return(setup, values={"V1": ("1000.00", "3000.00"), "V2": ("2100.50", "6000")})

    saved = services.save_return(
        ret.id,
        entries(
            {"V1": ("£1,050.00", "3,000.00"), "V2": ("2100.50", "6000.00")},
            match=[
                ("Council youth service", "cash", "500.00"),
                ("Police Early Intervention Team", "in kind", "1200.00"),
            ],
            narrative="  Mentoring started in May.  ",
            reach={"reach_10_14": "1,204", "reach_professionals": ""},
        ),
        lock_version=ret.lock_version,
        user=setup.lead,
    )

    db.session.expire_all()
    stored = db.session.get(QuarterlyReturn, saved.id)
    assert [
        (line.plan_line.line_ref, line.actual, line.forecast_remaining) for line in stored.lines
    ] == [
        ("V1", Decimal("1050.00"), Decimal("3000.00")),
        ("V2", Decimal("2100.50"), Decimal("6000.00")),
    ]
    assert [(m.contributor, m.kind, m.amount, m.valuation_basis) for m in stored.match_lines] == [
        ("Council youth service", MatchKind.CASH, Decimal("500.00"), None),
        (
            "Police Early Intervention Team",
            MatchKind.IN_KIND,
            Decimal("1200.00"),
            "staff hours at cost",
        ),
    ]
    assert (stored.reach_10_14, stored.reach_professionals) == (1204, 0)
    assert stored.narrative == "Mentoring started in May."
    assert stored.lock_version > ret.lock_version or stored.lock_version == saved.lock_version


def test_every_bad_entry_is_listed_with_its_line_and_field_and_nothing_is_saved(app):
    setup = make_setup()
    ret = make_return(setup)
    before = [(line.actual, line.forecast_remaining) for line in ret.lines]

    with pytest.raises(DomainError) as error:
        services.save_return(
            ret.id,
            ReturnEntries(
                lines=(
                    LineEntry("V1", "-5.00", "abc", prefix="lines-0-"),
                    LineEntry("V2", "7000.005", "1.5"),
                    LineEntry("V9", "1.00", "0.00"),
                ),
                match_lines=(
                    MatchEntry("", "loan", "0", prefix="match_lines-0-"),
                    MatchEntry("NHS", "in_kind", "100.00"),
                ),
                reach=reach_entries({"reach_under_10": "-3", "reach_18_24": "2.5"}),
            ),
            lock_version=ret.lock_version,
            user=setup.lead,
        )

    assert messages(error) == [
        "column lines-0-actual: line V1 actual: -£5.00 is negative; amounts must be 0 or more",
        "column lines-0-forecast_remaining: line V1 forecast remaining: 'abc' is not a number",
        "column actual: line V2 actual: '7000.005' has more than two decimal places",
        "column line_ref: line 'V9' is not a line of this grant in the approved plan",
        "column match_lines-0-contributor: match funding: enter the contributor",
        "column match_lines-0-kind: match funding: the kind must be cash or in kind, not 'loan'",
        "column match_lines-0-amount: match funding amount: must be more than £0.00",
        "column valuation_basis: match funding from NHS: in-kind match funding needs its "
        "valuation basis (for example staff hours at cost)",
        "column reach_under_10: Children under 10: '-3' is not a whole number of 0 or more",
        "column reach_18_24: Young people 18 to 24: '2.5' is not a whole number of 0 or more",
    ]
    db.session.expire_all()
    assert [
        (line.actual, line.forecast_remaining)
        for line in db.session.get(QuarterlyReturn, ret.id).lines
    ] == before
    assert count(MatchFundingLine) == 0


def test_a_variance_reason_is_asked_for_at_submission_against_the_awards_own_thresholds(app):
    # The rule itself is worked through in test_return_entries; here, that a save keeps what
    # was typed and the submission asks, with the award's settings.
    setup = make_setup(
        variance_threshold_percent=Decimal("50"), variance_threshold_amount=Decimal("100.00")
    )
    ret = make_return(setup, values={"V1": ("0", "0"), "V2": ("2100.01", "6000.00")})

    with pytest.raises(DomainError) as error:
        services.submit_return(
            ret.id,
            certified_name="Sam Spoke",
            certified_role="Spoke lead",
            certify=True,
            lock_version=ret.lock_version,
            user=setup.lead,
        )

    assert messages(error) == [
        "column variance_reason: line V1: the actual £0.00 differs from the profile £1,000.00 "
        "by -£1,000.00, above the threshold (50% or £100.00); give a variance reason",
        "column variance_reason: line V2: the actual £2,100.01 differs from the profile "
        "£2,000.00 by +£100.01, above the threshold (50% or £100.00); give a variance reason",
    ]
    ret = services.save_return(
        ret.id,
        entries({"V1": ("0", "0", "Post vacant"), "V2": ("2100.01", "6000.00", "Price rise")}),
        lock_version=ret.lock_version,
        user=setup.lead,
    )
    submitted = services.submit_return(
        ret.id,
        certified_name="Sam Spoke",
        certified_role="Spoke lead",
        certify=True,
        lock_version=ret.lock_version,
        user=setup.lead,
    )
    assert submitted.status is ReviewStatus.SUBMITTED


def test_a_new_return_forecasts_what_the_profile_leaves_for_the_year(app):
    setup = make_setup()

    q2 = services.open_return(
        recipient_id=setup.recipient.id,
        stream_code=setup.stream.code,
        financial_year=setup.award.financial_year,
        quarter=2,
        user=setup.lead,
    )

    for line in q2.lines:
        assert line.actual == Decimal("0.00")
        assert line.forecast_remaining == sum(line.plan_line.profile[2:], Decimal("0.00"))
    assert any(line.forecast_remaining > 0 for line in q2.lines)


def test_match_lines_are_changed_in_place(app):
    setup = make_setup()
    ret = make_return(setup, match=[("Council", "cash", "100.00"), ("NHS", "cash", "50.00")])
    first_id = ret.match_lines[0].id

    ret = services.save_return(
        ret.id,
        entries({}, match=[("Council", "cash", "150.00")]),
        lock_version=ret.lock_version,
        user=setup.lead,
    )

    assert [(m.id, m.amount) for m in ret.match_lines] == [(first_id, Decimal("150.00"))]
    assert count(MatchFundingLine) == 1


def test_another_spokes_lead_cannot_save(app):
    setup = make_setup()
    ret = make_return(setup)
    other = make_user(role=Role.SPOKE, spoke=make_spoke("somerset"))

    with pytest.raises(DomainError) as error:
        services.save_return(
            ret.id, entries({"V1": ("1.00", "0.00")}), lock_version=ret.lock_version, user=other
        )

    assert messages(error) == [
        "column recipient: only Bristol's own lead fills in and submits its returns"
    ]


# --- concurrent edits (both databases) -----------------------------------------------------------


def test_a_save_from_a_stale_form_is_refused_and_nothing_is_lost(app):
    setup = make_setup()
    ret = make_return(setup)
    loaded = ret.lock_version
    services.save_return(
        ret.id,
        entries({"V1": ("1000.00", "3000.00")}, narrative="Mine"),
        lock_version=loaded,
        user=setup.lead,
    )

    with pytest.raises(DomainError) as error:
        services.save_return(
            ret.id,
            entries({"V1": ("999.00", "3000.00")}, narrative="Theirs"),
            lock_version=loaded,
            user=setup.lead,
        )

    assert error.value.message == services.STALE_MESSAGE
    assert "Reload the page" in services.STALE_MESSAGE
    db.session.expire_all()
    stored = db.session.get(QuarterlyReturn, ret.id)
    assert stored.narrative == "Mine"
    assert stored.lines[0].actual == Decimal("1000.00")


def test_a_change_that_races_past_the_check_is_refused_by_the_database(app):
    setup = make_setup()
    ret = make_return(setup)
    loaded = ret.lock_version
    # Another request saves the return between our read and our write: a second connection.
    with db.engine.begin() as other:
        other.execute(
            QuarterlyReturn.__table__.update()
            .where(QuarterlyReturn.__table__.c.id == ret.id)
            .values(narrative="Theirs", lock_version=loaded + 1)
        )

    with pytest.raises(DomainError) as error:
        services.save_return(
            ret.id,
            entries({"V1": ("5.00", "3000.00", "Late start")}, narrative="Mine"),
            lock_version=loaded,
            user=setup.lead,
        )

    assert error.value.message == services.STALE_MESSAGE
    db.session.expire_all()
    stored = db.session.get(QuarterlyReturn, ret.id)
    assert stored.narrative == "Theirs"
    assert stored.lines[0].actual == Decimal("1000.00")


def test_changing_only_a_line_moves_the_lock_version(app):
    setup = make_setup()
    ret = make_return(setup)
    before = ret.lock_version

    after = services.save_return(
        ret.id, entries({"V1": ("1000.01", "3000.00")}), lock_version=before, user=setup.lead
    ).lock_version

    assert after == before + 1


# --- submit ---------------------------------------------------------------------------------------


def test_submitting_certifies_the_return(app):
    setup = make_setup()
    ret = make_return(setup)

    ret = services.submit_return(
        ret.id,
        certified_name="Sam Spoke",
        certified_role="Spoke lead",
        certify=True,
        lock_version=ret.lock_version,
        user=setup.lead,
    )

    assert ret.status is ReviewStatus.SUBMITTED
    assert (ret.certified_name, ret.certified_role, ret.certified_by_id) == (
        "Sam Spoke",
        "Spoke lead",
        setup.lead.id,
    )
    assert ret.submitted_at is not None
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.table_name == "quarterly_returns")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.reason == "certified by Sam Spoke, Spoke lead"


def test_submission_needs_the_certificate_and_a_narrative(app):
    setup = make_setup()
    ret = make_return(setup, narrative=None)

    with pytest.raises(DomainError) as error:
        services.submit_return(
            ret.id,
            certified_name=" ",
            certified_role="",
            certify=False,
            lock_version=ret.lock_version,
            user=setup.lead,
        )

    assert messages(error) == [
        "column certify: tick the box to certify that the return is correct",
        "column certified_name: enter the name of the person certifying",
        "column certified_role: enter your role (for example spoke lead or s151 officer)",
        "column narrative: describe the quarter's delivery in the narrative before submitting",
    ]
    assert db.session.get(QuarterlyReturn, ret.id).status is ReviewStatus.DRAFT


def test_a_quarter_waits_for_the_earlier_quarters(app):
    setup = make_setup()
    make_return(setup, quarter=1)  # still a draft
    q3 = make_return(setup, quarter=3)

    with pytest.raises(DomainError) as error:
        services.submit_return(
            q3.id,
            certified_name="Sam",
            certified_role="Lead",
            certify=True,
            lock_version=q3.lock_version,
            user=setup.lead,
        )

    assert messages(error) == [
        "column quarter: the Q1 return is still draft: submit Q1 first",
        "column quarter: there is no Q2 return yet: submit Q2 first",
    ]


def test_a_quarter_follows_a_submitted_earlier_quarter(app):
    setup = make_setup()
    make_return(setup, quarter=1, status=ReviewStatus.SUBMITTED)

    q2 = make_return(setup, quarter=2, status=ReviewStatus.SUBMITTED)

    assert q2.status is ReviewStatus.SUBMITTED


def test_a_submitted_return_cannot_be_changed(app):
    setup = make_setup()
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)

    with pytest.raises(DomainError) as error:
        services.save_return(
            ret.id,
            entries({"V1": ("1.00", "0.00")}),
            lock_version=ret.lock_version,
            user=setup.lead,
        )

    assert messages(error)[0] == (
        "column status: the return is submitted, so it cannot be changed unless finance returns it"
    )


# --- review ---------------------------------------------------------------------------------------


def test_finance_approves_a_submitted_return(app):
    setup = make_setup()
    finance = make_user(role=Role.FINANCE)
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)

    ret = services.approve_return(ret.id, lock_version=ret.lock_version, user=finance)

    assert ret.status is ReviewStatus.APPROVED
    assert (ret.reviewed_by_id, ret.review_comment) == (finance.id, None)


def test_only_finance_reviews(app):
    setup = make_setup()
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)

    for user in (setup.lead, make_user(role=Role.AUDITOR), make_user(role=Role.HUB)):
        with pytest.raises(DomainError) as error:
            services.approve_return(ret.id, lock_version=ret.lock_version, user=user)
        assert error.value.message == "Only finance reviews returns"


def test_sending_back_needs_a_comment_and_reopens_for_editing(app):
    setup = make_setup()
    finance = make_user(role=Role.FINANCE)
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)
    with pytest.raises(DomainError) as error:
        services.send_back_return(ret.id, comment="  ", lock_version=ret.lock_version, user=finance)
    assert messages(error) == ["column comment: say what needs changing"]

    ret = services.send_back_return(
        ret.id,
        comment="V2 is £500 short of the invoices",
        lock_version=ret.lock_version,
        user=finance,
    )

    assert ret.status is ReviewStatus.RETURNED
    assert ret.review_comment == "V2 is £500 short of the invoices"
    ret = services.save_return(
        ret.id,
        entries({"V2": ("2150.00", "6000.00")}),
        lock_version=ret.lock_version,
        user=setup.lead,
    )
    assert ret.lines[1].actual == Decimal("2150.00")


def test_only_an_approved_return_is_reopened_with_a_reason_that_is_audited(app):
    setup = make_setup()
    finance = make_user(role=Role.FINANCE)
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)
    with pytest.raises(DomainError) as error:
        services.reopen_return(ret.id, reason="x", lock_version=ret.lock_version, user=finance)
    assert messages(error) == [
        "column status: the return is submitted; only a approved return can be reopened"
    ]
    ret = services.approve_return(ret.id, lock_version=ret.lock_version, user=finance)
    with pytest.raises(DomainError) as error:
        services.reopen_return(ret.id, reason="", lock_version=ret.lock_version, user=finance)
    assert messages(error) == ["column reason: give the reason for reopening the return"]

    ret = services.reopen_return(
        ret.id,
        reason="Auditors found a duplicated invoice",
        lock_version=ret.lock_version,
        user=finance,
    )

    assert ret.status is ReviewStatus.RETURNED
    assert ret.reopened_reason == "Auditors found a duplicated invoice"
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.table_name == "quarterly_returns", AuditEvent.record_id == str(ret.id))
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.reason == "reopened: Auditors found a duplicated invoice"
    assert (event.before["status"], event.after["status"]) == ("approved", "returned")


def test_the_lines_are_audited(app):
    setup = make_setup()
    ret = make_return(setup)

    services.save_return(
        ret.id,
        entries({"V1": ("1000.50", "3000.00")}),
        lock_version=ret.lock_version,
        user=setup.lead,
    )

    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.table_name == ReturnLine.__tablename__)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert (event.before["actual"], event.after["actual"]) == ("1000.00", "1000.50")
