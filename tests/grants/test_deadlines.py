"""When returns and plans are due, and overdue at the boundaries, as worked examples; and the
lists that show it."""

from __future__ import annotations

from datetime import date

import pytest

from core.financial_year import FinancialYear
from grants.deadlines import Deadlines, is_overdue
from grants.plans import queries as plan_queries
from grants.returns import queries as return_queries
from reference.queries import get_organisation_by_code
from tests.builders import make_user

YEAR = FinancialYear(2024)


@pytest.mark.parametrize(
    ("quarter", "default", "twenty_days"),
    [
        (1, date(2024, 7, 31), date(2024, 7, 20)),
        (2, date(2024, 10, 31), date(2024, 10, 20)),
        (3, date(2025, 1, 31), date(2025, 1, 20)),
        (4, date(2025, 4, 30), date(2025, 4, 20)),
    ],
)
def test_returns_are_due_by_the_agreements_terms_or_the_awards_days(quarter, default, twenty_days):
    assert Deadlines().return_due(YEAR, quarter) == default
    assert Deadlines(return_due_days=20).return_due(YEAR, quarter) == twenty_days


def test_the_plan_is_due_at_the_end_of_april_unless_the_award_says():
    assert Deadlines().plan_due(YEAR) == date(2024, 4, 30)
    assert Deadlines(plan_due_on=date(2024, 5, 17)).plan_due(YEAR) == date(2024, 5, 17)


def test_overdue_from_the_day_after_the_due_date():
    due = date(2025, 1, 31)
    assert not is_overdue(due, today=date(2025, 1, 30))
    assert not is_overdue(due, today=due)
    assert is_overdue(due, today=date(2025, 2, 1))


def test_the_return_grid_flags_late_returns_only(demo):
    finance = make_user(role="finance")

    def cells(today):
        rows = return_queries.return_grid(finance, "2024-25", today=today)
        bristol = next(r for r in rows if (r.recipient.code, r.stream.code) == ("bristol", "VRU"))
        return bristol.overdue, bristol.due

    on_the_day, due = cells(date(2025, 1, 31))
    day_after, _ = cells(date(2025, 2, 1))

    assert due[3] == date(2025, 1, 31)
    # Q1 approved and Q2 submitted are never late; Q3 is late from 1 February, Q4 not yet.
    assert on_the_day == {1: False, 2: False, 3: False, 4: False}
    assert day_after == {1: False, 2: False, 3: True, 4: False}


def test_the_plans_list_flags_a_plan_not_started_after_its_due_date(demo):
    lead = make_user(role="spoke", spoke=get_organisation_by_code("bristol"))

    (before,) = plan_queries.plan_list_rows(lead, "2025-26", today=date(2025, 4, 30))
    (after,) = plan_queries.plan_list_rows(lead, "2025-26", today=date(2025, 5, 1))

    assert (before.due, before.overdue, after.overdue) == (date(2025, 4, 30), False, True)


def test_the_award_sets_its_deadlines_and_refuses_nonsense(app, client, sign_in):
    from extensions import db
    from grants.awards.models import GrantAward
    from tests.grants.awards.builders import award_form, make_year

    make_year()
    sign_in(make_user(role="finance"))
    award = db.session.query(GrantAward).filter(GrantAward.grant_stream.has(code="VRU")).one()
    edit = f"/grants/{award.id}/edit"
    assert "Returns due (days after each quarter ends)" in client.get(edit).get_data(as_text=True)
    version = str(award.lock_version)

    form = {
        "lock_version": version,
        "status": award.status.value,
        "confirmed_amount": str(award.confirmed_amount or ""),
    }
    refused = client.post(edit, data=award_form(**form, return_due_days="2 weeks"))
    saved = client.post(
        edit,
        data=award_form(**form, return_due_days="21", plan_due_on=["15", "5", "2024"]),
    )

    assert refused.status_code == 400
    assert "whole number from 1 to 180" in refused.get_data(as_text=True)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    db.session.refresh(award)
    assert (award.return_due_days, award.plan_due_on) == (21, date(2024, 5, 15))
    assert award.deadlines.return_due(YEAR, 1) == date(2024, 7, 21)
