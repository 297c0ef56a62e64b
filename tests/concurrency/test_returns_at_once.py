"""Two people acting on the same quarterly return at the same moment, in two real PostgreSQL
transactions: both read the return at the same version, then both write. One change is stored
whole, the other is refused with the stale-return message, and the audit log shows only the one."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from auth.models import User
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from grants.returns import services
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import ReviewStatus
from tests.builders import make_user
from tests.concurrency.race import Race, one_winner
from tests.grants.returns.builders import entries, make_return, make_setup

pytestmark = pytest.mark.postgresql_only


def as_opened(race: Race, return_id: int, user_id: int, change: Callable[..., Any]):
    """An attempt: open the return (reading its version, as the form does), wait for the other
    person to have opened it too, then make ``change`` from that version."""

    def attempt() -> Any:
        user = db.session.get(User, user_id)
        version = db.session.get(QuarterlyReturn, return_id).lock_version
        race.meet()
        return change(return_id, lock_version=version, user=user)

    return attempt


def stored_return(return_id: int) -> QuarterlyReturn:
    db.session.expire_all()
    return db.session.get(QuarterlyReturn, return_id)


def assert_refused_as_stale(error: BaseException | None) -> None:
    assert isinstance(error, DomainError), repr(error)
    assert [p.message for p in error.problems] == [services.STALE_MESSAGE]


def spend(ret: QuarterlyReturn) -> dict[str, tuple[Decimal, Decimal]]:
    return {line.plan_line.line_ref: (line.actual, line.forecast_remaining) for line in ret.lines}


def test_a_return_saved_by_one_lead_while_another_submits_it(race, app):
    setup = make_setup()
    colleague = make_user(role=Role.SPOKE, spoke=setup.recipient)
    ret = make_return(setup)  # a draft spending the profile: 1,000 and 2,000
    before, opened = spend(ret), ret.lock_version

    def save(return_id: int, **kwargs: Any) -> str:
        services.save_return(
            return_id,
            entries({"V1": ("900.00", "3100.00"), "V2": ("2100.00", "5900.00")}, narrative="New"),
            **kwargs,
        )
        return "saved"

    def submit(return_id: int, **kwargs: Any) -> str:
        services.submit_return(
            return_id, certified_name="Sam Spoke", certified_role="Lead", certify=True, **kwargs
        )
        return "submitted"

    winner, loser = one_winner(
        race.run(
            as_opened(race, ret.id, setup.lead.id, save),
            as_opened(race, ret.id, colleague.id, submit),
        )
    )

    assert_refused_as_stale(loser.error)
    stored = stored_return(ret.id)
    assert stored.lock_version == opened + 1
    if winner.value == "saved":
        assert (stored.status, stored.narrative, stored.certified_name) == (
            ReviewStatus.DRAFT,
            "New",
            None,
        )
        assert spend(stored) == {
            "V1": (Decimal("900.00"), Decimal("3100.00")),
            "V2": (Decimal("2100.00"), Decimal("5900.00")),
        }
    else:
        assert (stored.status, stored.narrative, stored.certified_name) == (
            ReviewStatus.SUBMITTED,
            "Delivery on track.",
            "Sam Spoke",
        )
        assert spend(stored) == before
    (event,) = race.audited_updates("quarterly_returns", ret.id)
    assert event.after["status"] == stored.status.value


def test_two_finance_officers_approving_and_sending_back_a_return_at_once(race, app):
    setup = make_setup()
    fran, frank = make_user(role=Role.FINANCE), make_user(role=Role.FINANCE)
    ret = make_return(setup, status=ReviewStatus.SUBMITTED)
    opened = ret.lock_version

    def approve(return_id: int, **kwargs: Any) -> tuple[ReviewStatus, str, int]:
        services.approve_return(return_id, comment="Agreed", **kwargs)
        return ReviewStatus.APPROVED, "Agreed", kwargs["user"].id

    def send_back(return_id: int, **kwargs: Any) -> tuple[ReviewStatus, str, int]:
        services.send_back_return(return_id, comment="Check V2", **kwargs)
        return ReviewStatus.RETURNED, "Check V2", kwargs["user"].id

    winner, loser = one_winner(
        race.run(
            as_opened(race, ret.id, fran.id, approve),
            as_opened(race, ret.id, frank.id, send_back),
        )
    )

    assert_refused_as_stale(loser.error)
    stored = stored_return(ret.id)
    assert (stored.status, stored.review_comment, stored.reviewed_by_id) == winner.value
    assert stored.lock_version == opened + 1
    (event,) = race.audited_updates("quarterly_returns", ret.id)
    assert (event.after["status"], event.after["review_comment"]) == (
        winner.value[0].value,
        winner.value[1],
    )
