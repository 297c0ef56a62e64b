"""The year-end close: final underspend per recipient with its reason, returns locked after,
nothing carried into the next year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from allocations.models import Allocation
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.awards.models import GrantAward
from grants.returns import services
from grants.returns.models import QuarterlyReturn, UnderspendRecord
from grants.vocabulary import ReviewStatus
from tests.builders import make_user
from tests.grants.returns.builders import (
    entries,
    make_allocations,
    make_setup,
    make_stored_return,
    make_year_of_returns,
)

SHORT_Q4 = {"V1": ("1000.00", "0.00"), "V2": ("1500.00", "0.00", "Two sessions cancelled")}


def full_year(setup, finance, *, q4=None):  # type: ignore[no-untyped-def]
    return make_year_of_returns(
        setup, q4=q4 or {"V1": ("1000.00", "0.00"), "V2": ("2000.00", "0.00")}
    )


def records() -> list[tuple[str, Decimal, str | None]]:
    db.session.expire_all()
    return [
        (r.recipient.code, r.amount, r.reason)
        for r in db.session.scalars(select(UnderspendRecord).order_by(UnderspendRecord.id))
    ]


def test_closing_records_each_final_underspend_and_locks_the_returns(app):
    finance = make_user(role=Role.FINANCE)
    bristol = make_setup("bristol")
    hub = make_setup("hub")
    full_year(bristol, finance, q4=SHORT_Q4)
    hub_returns = full_year(hub, finance)

    made = services.close_year(
        stream_code="VRU",
        financial_year="2024-25",
        reasons={"bristol": "Two sessions cancelled in Q4"},
        user=finance,
    )

    assert len(made) == 2
    assert records() == [
        ("hub", Decimal("0.00"), None),
        ("bristol", Decimal("500.00"), "Two sessions cancelled in Q4"),
    ]
    award = db.session.scalar(select(GrantAward))
    assert award.closed_at is not None and award.closed_by_id == finance.id
    with pytest.raises(DomainError) as error:
        services.reopen_return(
            hub_returns[0].id,
            reason="Late invoice",
            lock_version=hub_returns[0].lock_version,
            user=finance,
        )
    assert "column status: the VRU 2024-25 year is closed, so its returns are locked" in [
        str(p) for p in error.value.problems
    ]
    with pytest.raises(DomainError):
        services.open_return(
            recipient_id=bristol.recipient.id,
            stream_code="VRU",
            financial_year="2024-25",
            quarter=4,
            user=bristol.lead,
        )


def test_nothing_carries_into_the_next_year(app):
    finance = make_user(role=Role.FINANCE)
    setup = make_setup()
    full_year(setup, finance, q4=SHORT_Q4)
    make_allocations({"bristol": "11000.00"}, year="2025-26")

    services.close_year(
        stream_code="VRU",
        financial_year="2024-25",
        reasons={"bristol": "Sessions cancelled"},
        user=finance,
    )

    next_year = db.session.scalars(
        select(Allocation.amount).where(Allocation.financial_year == "2025-26")
    ).all()
    assert next_year == [Decimal("11000.00")]
    assert (
        db.session.scalar(
            select(func.count(UnderspendRecord.id)).where(
                UnderspendRecord.financial_year == "2025-26"
            )
        )
        == 0
    )


def test_a_year_with_open_returns_is_not_closed_and_every_gap_is_listed(app):
    finance = make_user(role=Role.FINANCE)
    setup = make_setup()
    make_stored_return(setup, quarter=1)
    make_stored_return(setup, quarter=2, status=ReviewStatus.SUBMITTED)
    make_stored_return(setup, quarter=3, status=ReviewStatus.DRAFT)

    with pytest.raises(DomainError) as error:
        services.close_year(stream_code="VRU", financial_year="2024-25", reasons={}, user=finance)

    assert [str(p) for p in error.value.problems] == [
        "column reason-bristol: Bristol's Q2 return is submitted; every return must be "
        "approved first",
        "column reason-bristol: Bristol's Q3 return is draft; every return must be approved first",
        "column reason-bristol: Bristol has no Q4 return",
        "column reason-bristol: Bristol: give the reason for the underspend of £9,000.00",
    ]
    assert records() == []
    assert db.session.scalar(select(GrantAward)).closed_at is None


def test_an_underspend_needs_its_reason_and_a_year_closes_once(app):
    finance = make_user(role=Role.FINANCE)
    setup = make_setup()
    full_year(setup, finance, q4=SHORT_Q4)

    with pytest.raises(DomainError) as error:
        services.close_year(
            stream_code="VRU", financial_year="2024-25", reasons={"bristol": "  "}, user=finance
        )
    assert [str(p) for p in error.value.problems] == [
        "column reason-bristol: Bristol: give the reason for the underspend of £500.00"
    ]

    services.close_year(
        stream_code="VRU",
        financial_year="2024-25",
        reasons={"bristol": "Sessions cancelled"},
        user=finance,
    )
    with pytest.raises(DomainError) as error:
        services.close_year(
            stream_code="VRU", financial_year="2024-25", reasons={"bristol": "Again"}, user=finance
        )
    assert str(error.value.problems[0]).startswith(
        "column grant: the VRU 2024-25 year was closed on "
    )
    assert len(records()) == 1


def test_only_finance_closes(app):
    setup = make_setup()

    with pytest.raises(DomainError) as error:
        services.close_year(
            stream_code="VRU", financial_year="2024-25", reasons={}, user=setup.lead
        )

    assert error.value.message == "Only finance reviews returns"


def test_after_close_a_returned_return_cannot_be_saved(app):
    finance = make_user(role=Role.FINANCE)
    setup = make_setup()
    returns = full_year(setup, finance)
    services.close_year(stream_code="VRU", financial_year="2024-25", reasons={}, user=finance)
    # Even a return that somehow were editable stays locked once the year is closed.
    ret = db.session.get(QuarterlyReturn, returns[3].id)
    ret.status = ReviewStatus.RETURNED
    db.session.commit()

    with pytest.raises(DomainError) as error:
        services.save_return(
            ret.id,
            entries({"V1": ("999.00", "0.00")}),
            lock_version=ret.lock_version,
            user=setup.lead,
        )

    assert "column status: the VRU 2024-25 year is closed, so its returns are locked" in [
        str(p) for p in error.value.problems
    ]


def test_finance_closes_the_year_on_the_close_page(client, sign_in):
    finance = make_user(role=Role.FINANCE)
    setup = make_setup()
    full_year(setup, finance, q4=SHORT_Q4)
    sign_in(finance)
    preview = client.get("/returns/close?grant=VRU&year=2024-25").get_data(as_text=True)
    assert 'name="reason-bristol"' in preview
    assert "Close the year" in preview

    refused = client.post(
        "/returns/close", data={"grant": "VRU", "year": "2024-25", "reason-bristol": ""}
    )
    assert refused.status_code == 400
    assert 'href="#reason-bristol"' in refused.get_data(as_text=True)

    closed = client.post(
        "/returns/close",
        data={"grant": "VRU", "year": "2024-25", "reason-bristol": "Sessions cancelled"},
    )

    assert closed.status_code == 302
    assert records() == [("bristol", Decimal("500.00"), "Sessions cancelled")]
    page = client.get(closed.headers["Location"]).get_data(as_text=True)
    assert "Final underspend" in page
    assert "Closed VRU 2024-25" in page
