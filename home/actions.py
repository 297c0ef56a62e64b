"""What needs my action: the work waiting for the signed-in person, with counts and links, for
the top of their home page. Read-only; every figure comes from the capability that owns it, and
each item links to the records behind it.

Per role (by what they may do, so a role's items follow its permissions):
- finance: plans to approve, returns to review, overdue returns, agreements to issue or awaiting
  signature, claims to pay, due diligence expiring, forecast underspend above the award's
  threshold, a grant's year ready to close;
- spoke leads and the Hub: their returns due within 14 days or overdue (with the dates), plans and
  returns sent back to them, their plan's status;
- auditors: recent changes to records that had been approved.
Panel members' bids to declare and score are listed by the commissioning panel's own query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import url_for
from sqlalchemy import select

from audit.models import AuditAction, AuditEvent
from auth.models import User
from auth.roles import Permission, Role
from auth.scoping import scope_to_user
from commissioning.providers.queries import expiring_soon
from core.money import format_gbp
from extensions import db
from grants.agreements import queries as agreement_queries
from grants.awards.models import GrantAward
from grants.payments.queries import position_report
from grants.plans import queries as plan_queries
from grants.plans.models import DeliveryPlan
from grants.returns import queries as return_queries
from grants.returns.models import QuarterlyReturn
from grants.returns.status import status_report
from grants.vocabulary import AgreementStatus, ReviewStatus
from reference.queries import current_financial_year
from web.templating import format_day

DUE_SOON = timedelta(days=14)
RECENT = timedelta(days=30)
APPROVED_STATES = ("approved", "signed")


@dataclass(frozen=True)
class Action:
    """One thing to do: ``count`` records, what they are, and where to find them."""

    text: str
    count: int
    href: str
    details: tuple[str, ...] = ()
    urgent: bool = False


@dataclass
class Actions:
    items: list[Action] = field(default_factory=list)

    def add(
        self,
        text: str,
        count: int,
        href: str,
        details: tuple[str, ...] = (),
        *,
        urgent: bool = False,
        one: str | None = None,
    ) -> None:
        """``text`` says what ``count`` records are; ``one`` says it of a single record
        ("1 return to review", never "1 returns to review")."""
        if count:
            words = one if count == 1 and one is not None else text
            self.items.append(Action(words, count, href, details, urgent))


def actions_for(user: User, today: date | None = None) -> list[Action]:
    today = today or date.today()
    year = current_financial_year(today).label
    years = _open_years(today)
    actions = Actions()
    if user.can(Permission.REVIEW_RETURNS):
        _finance(user, years, year, today, actions)
    elif user.can(Permission.EDIT_RETURNS):
        _recipient(user, years, year, today, actions)
    elif user.role is Role.AUDITOR:
        _auditor(today, actions)
    return actions.items


def _open_years(today: date) -> list[str]:
    """This year, and last year while its last returns and close may still be outstanding."""
    current = current_financial_year(today)
    return [current.previous().label, current.label]


def _finance(user: User, years: list[str], year: str, today: date, actions: Actions) -> None:
    submitted_plans = [
        p
        for p in db.session.scalars(
            select(DeliveryPlan).where(DeliveryPlan.status == ReviewStatus.SUBMITTED)
        )
    ]
    actions.add(
        "delivery plans to approve",
        len(submitted_plans),
        url_for("plans.plan_list", year=submitted_plans[0].financial_year)
        if submitted_plans
        else "",
        tuple(
            f"{p.recipient.name} {p.financial_year} (version {p.version})" for p in submitted_plans
        ),
        one="delivery plan to approve",
    )
    submitted = list(
        db.session.scalars(
            select(QuarterlyReturn)
            .where(QuarterlyReturn.status == ReviewStatus.SUBMITTED)
            .order_by(QuarterlyReturn.financial_year, QuarterlyReturn.quarter)
        )
    )
    actions.add(
        "returns to review",
        len(submitted),
        url_for("returns.return_list", year=submitted[0].financial_year) if submitted else "",
        tuple(
            f"{r.recipient.name} {r.grant_stream.name} {r.financial_year} Q{r.quarter}"
            for r in submitted
        ),
        one="return to review",
    )
    for label in years:
        late = _overdue(user, label, today)
        actions.add(
            f"overdue returns for {label}",
            len(late),
            url_for("returns.return_list", year=label),
            tuple(late),
            urgent=True,
            one=f"overdue return for {label}",
        )
    agreements = agreement_queries.agreements_for(user, financial_year=year)
    drafts = [a for a in agreements if a.status is AgreementStatus.DRAFT]
    issued = [a for a in agreements if a.status is AgreementStatus.ISSUED]
    actions.add(
        f"grant agreements to issue for {year}",
        len(drafts),
        url_for("agreements.agreement_list", year=year),
        tuple(a.recipient.name for a in drafts),
        one=f"grant agreement to issue for {year}",
    )
    actions.add(
        f"grant agreements awaiting signature for {year}",
        len(issued),
        url_for("agreements.agreement_list", year=year),
        tuple(a.recipient.name for a in issued),
        one=f"grant agreement awaiting signature for {year}",
    )
    for label in years:
        report = position_report(label, user)
        to_pay = [r for r in report.rows if r.claimed_unpaid > 0]
        actions.add(
            f"claims to pay for {label}",
            len(to_pay),
            url_for("payments.position", year=label),
            tuple(
                f"{report.names[r.recipient]} {report.stream_names[r.stream]}: "
                f"{_gbp(r.claimed_unpaid)}"
                for r in to_pay
            ),
            one=f"claim to pay for {label}",
        )
    expiring = expiring_soon(today)
    actions.add(
        "due diligence checks expiring in the next 60 days",
        len(expiring),
        url_for("providers.provider_list"),
        tuple(f"{e.provider.name}: {e.check_name}, {format_day(e.expires_on)}" for e in expiring),
        one="due diligence check expiring in the next 60 days",
    )
    _underspend(user, year, actions)
    _ready_to_close(years, actions)


def _overdue(user: User, year: str, today: date) -> list[str]:
    return [
        f"{row.recipient.name} {row.stream.name} Q{q}, due {format_day(row.due[q])}"
        for row in return_queries.return_grid(user, year, today=today)
        for q in (1, 2, 3, 4)
        if row.overdue[q]
    ]


def _underspend(user: User, year: str, actions: Actions) -> None:
    awards = {
        a.grant_stream.code: a
        for a in db.session.scalars(select(GrantAward).where(GrantAward.financial_year == year))
    }
    report = status_report(year, user=user)
    above = [
        row
        for row in report.rows
        if row.stream in awards
        and not row.is_closed
        and row.forecast_underspend > awards[row.stream].variance_threshold_amount
    ]
    actions.add(
        f"forecast underspends above the threshold in {year}",
        len(above),
        url_for("returns.return_underspend", year=year),
        tuple(
            f"{report.names.get(r.recipient, r.recipient)} {r.stream}: "
            f"{_gbp(r.forecast_underspend)}"
            for r in above
        ),
        one=f"forecast underspend above the threshold in {year}",
    )


def _ready_to_close(years: list[str], actions: Actions) -> None:
    for label in years:
        for award in db.session.scalars(
            select(GrantAward).where(
                GrantAward.financial_year == label, GrantAward.closed_at.is_(None)
            )
        ):
            returns = list(
                db.session.scalars(
                    select(QuarterlyReturn).where(
                        QuarterlyReturn.financial_year == label,
                        QuarterlyReturn.grant_stream_id == award.grant_stream_id,
                    )
                )
            )
            fourth = [r for r in returns if r.quarter == 4]
            if fourth and all(r.status is ReviewStatus.APPROVED for r in returns):
                actions.add(
                    f"{award.grant_stream.name} {label} is ready to close",
                    1,
                    url_for("returns.return_close", year=label, grant=award.grant_stream.code),
                )


def _recipient(user: User, years: list[str], year: str, today: date, actions: Actions) -> None:
    due_soon = []
    for label in years:
        for row in return_queries.return_grid(user, label, today=today):
            if not row.can_edit:
                continue
            for q in (1, 2, 3, 4):
                ret = row.returns[q]
                waiting = ret is None or ret.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
                if (
                    waiting
                    and (row.overdue[q] or row.due[q] - today <= DUE_SOON)
                    and (row.has_plan or ret is not None)
                ):
                    late = " (overdue)" if row.overdue[q] else ""
                    due_soon.append(
                        (
                            row.due[q],
                            f"{row.recipient.name} {row.stream.name} "
                            f"{label} Q{q}: due {format_day(row.due[q])}{late}",
                        )
                    )
    due_soon.sort()
    actions.add(
        "returns due in the next 14 days or overdue",
        len(due_soon),
        url_for("returns.return_list", year=year),
        tuple(t for _, t in due_soon),
        urgent=any("overdue" in t for _, t in due_soon),
        one="return due in the next 14 days or overdue",
    )
    sent_back = list(
        db.session.scalars(
            scope_to_user(
                select(QuarterlyReturn).where(QuarterlyReturn.status == ReviewStatus.RETURNED),
                QuarterlyReturn.recipient_id,
                user,
            )
        )
    )
    plans_back = list(
        db.session.scalars(
            scope_to_user(
                select(DeliveryPlan).where(DeliveryPlan.status == ReviewStatus.RETURNED),
                DeliveryPlan.recipient_id,
                user,
            )
        )
    )
    actions.add(
        "returns sent back to you",
        len(sent_back),
        url_for("returns.return_list", year=year),
        tuple(
            f"{r.recipient.name} {r.grant_stream.name} {r.financial_year} Q{r.quarter}"
            for r in sent_back
        ),
        urgent=True,
        one="return sent back to you",
    )
    actions.add(
        "delivery plans sent back to you",
        len(plans_back),
        url_for("plans.plan_list", year=year),
        tuple(f"{p.recipient.name} {p.financial_year}" for p in plans_back),
        urgent=True,
        one="delivery plan sent back to you",
    )
    rows = plan_queries.plan_list_rows(user, year, today=today)
    not_done = [
        r
        for r in rows
        if r.summary is None or r.summary.plan.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
    ]
    actions.add(
        f"delivery plans for {year} to complete and submit",
        len(not_done),
        url_for("plans.plan_list", year=year),
        tuple(
            f"{r.recipient.name}: due {format_day(r.due)}" + (" (overdue)" if r.overdue else "")
            for r in not_done
            if r.due
        ),
        urgent=any(r.overdue for r in not_done),
        one=f"delivery plan for {year} to complete and submit",
    )


def _auditor(today: date, actions: Actions) -> None:
    since = datetime.combine(today - RECENT, datetime.min.time()).astimezone()
    events = [
        e
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == AuditAction.UPDATE, AuditEvent.at >= since)
            .order_by(AuditEvent.at.desc())
        )
        if (e.before or {}).get("status") in APPROVED_STATES
    ]
    actions.add(
        "changes to approved records in the last 30 days",
        len(events),
        url_for("audit.event_list"),
        tuple(f"{e.record_label or e.table_name}: {e.reason or 'changed'}" for e in events[:10]),
        one="change to an approved record in the last 30 days",
    )


def _gbp(amount: Decimal) -> str:
    return format_gbp(amount)
