"""Delivery plan use cases: start a plan (or a new version of an approved one), fill in its header
and lines while it is a draft or returned, submit it, and approve or return it (finance).

Every function checks who is asking, then that the form was loaded from the plan as it is now
(``lock_version``), then the rules; it writes nothing when there is any problem (a
``DomainError`` lists them all, each naming the form field it belongs to) and commits its own
transaction on success. Lines arrive as the text people typed (``LineInput``) and are read by
``plan_line_input``: amounts with more than two decimals are refused, never rounded.

Concurrent edits: every change to a plan or to one of its lines also updates the plan's row, whose
``lock_version`` SQLAlchemy checks and increments, so of two saves made from the same version of
the plan the second is refused with ``StalePlan`` (nothing of it is written) whether the
versions differ when it is checked here or only when its update reaches the database.

``user=None`` is the system (the demo loader, commands): no role or recipient check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from audit.listeners import set_reason
from auth.models import User
from auth.roles import Permission
from auth.scoping import can_edit_for
from core.financial_year import FinancialYear, FinancialYearError
from core.problems import DomainError, Problem, Problems
from database import utcnow
from extensions import db
from grants.editing import StaleRecord, check_lock_version, clean_text, stale_error
from grants.plans.line_input import LineInput, parse_line
from grants.plans.models import DeliveryPlan, PlanLine
from grants.plans.queries import latest_plan_for, summarise_plan
from grants.vocabulary import ReviewStatus
from reference.models import Organisation, OrganisationKind

AUDIT_REASON_LENGTH = 500  # the audit log's reason column


__all__ = [  # LineInput is read in plan_line_input, but callers build it to call this module
    "HeaderInput",
    "LineInput",
    "StalePlan",
    "add_line",
    "approve_plan",
    "create_plan",
    "delete_line",
    "return_plan",
    "start_new_version",
    "submission_problems",
    "submit_plan",
    "update_header",
    "update_line",
]


class StalePlan(StaleRecord):
    """The plan changed after the form was loaded: reload, nothing was saved."""


@dataclass(frozen=True)
class HeaderInput:
    lead_name: str | None = None
    s151_contact: str | None = None
    priorities: str | None = None


# --- starting a plan ------------------------------------------------------------------------------


def create_plan(
    *,
    recipient_id: int,
    financial_year: str,
    user: User | None,
    header: HeaderInput | None = None,
    change_reason: str | None = None,
) -> DeliveryPlan:
    """Start a recipient's plan for a year: version 1, or, when the latest version is approved,
    the next version (a copy of it, with ``change_reason`` required). Refused while a version is
    still a draft, submitted or returned: carry on with that one."""
    problems = Problems()
    recipient = db.session.get(Organisation, recipient_id)
    if recipient is None or recipient.kind not in (OrganisationKind.HUB, OrganisationKind.SPOKE):
        raise DomainError(
            "The plan was not started", _one("choose the Hub or a spoke", "recipient")
        )
    _ensure_editor(user, recipient, "start")
    year = _parse_year(financial_year, problems)
    if problems or year is None:
        raise DomainError("The plan was not started", problems)
    latest = latest_plan_for(recipient.id, year.label)
    if latest is not None:
        if latest.status is not ReviewStatus.APPROVED:
            raise DomainError(
                "The plan was not started",
                _one(
                    f"{recipient.name} already has version {latest.version} of its {year.label} "
                    f"plan, {latest.status.value}; carry on with that one",
                    "financial_year",
                ),
            )
        return _copy_as_new_version(latest, change_reason, user)
    header = header or HeaderInput()
    plan = DeliveryPlan(
        recipient=recipient,
        financial_year=year.label,
        version=1,
        status=ReviewStatus.DRAFT,
        created_by=user,
        lines=[],
    )
    _apply_header(plan, header, problems)
    if problems:
        raise DomainError("The plan was not started", problems)
    db.session.add(plan)
    _commit(already_started=True)
    return plan


def start_new_version(
    plan_id: int, *, reason: str | None, lock_version: int | None, user: User | None
) -> DeliveryPlan:
    """A change after approval: a copy of the approved plan as the next version, a draft, with
    the reason for the change."""
    plan = _get_plan(plan_id)
    _ensure_editor(user, plan.recipient, "change")
    _ensure_current(plan, lock_version)
    return _copy_as_new_version(plan, reason, user)


def _copy_as_new_version(plan: DeliveryPlan, reason: str | None, user: User | None) -> DeliveryPlan:
    problems = Problems()
    reason = clean_text(reason)
    if reason is None:
        problems.add("say why the approved plan is changing", column="change_reason")
    if plan.status is not ReviewStatus.APPROVED:
        problems.add(
            f"version {plan.version} is {plan.status.value}; only an approved plan "
            "is changed by a new version",
            column="status",
        )
    latest = latest_plan_for(plan.recipient_id, plan.financial_year)
    if latest is not None and latest.id != plan.id:
        problems.add(
            f"version {latest.version} of this plan already exists; carry on with it",
            column="change_reason",
        )
    if problems:
        raise DomainError("No new version was started", problems)
    copy = DeliveryPlan(
        recipient_id=plan.recipient_id,
        financial_year=plan.financial_year,
        version=plan.version + 1,
        status=ReviewStatus.DRAFT,
        lead_name=plan.lead_name,
        s151_contact=plan.s151_contact,
        priorities=plan.priorities,
        change_reason=reason,
        created_by=user,
        lines=[
            PlanLine(
                position=line.position,
                line_ref=line.line_ref,
                title=line.title,
                category=line.category,
                grant_stream_id=line.grant_stream_id,
                cost_type=line.cost_type,
                spend_type=line.spend_type,
                yef_strand=line.yef_strand,
                provider=line.provider,
                annual_budget=line.annual_budget,
                q1=line.q1,
                q2=line.q2,
                q3=line.q3,
                q4=line.q4,
                output_targets=line.output_targets,
            )
            for line in plan.lines
        ],
    )
    db.session.add(copy)
    set_reason(db.session, _audit_reason(f"version {copy.version}: {reason}"))
    _commit(already_started=True)
    return copy


# --- filling it in --------------------------------------------------------------------------------


def update_header(
    plan_id: int, header: HeaderInput, *, lock_version: int | None, user: User | None
) -> DeliveryPlan:
    """Change the plan's lead, section 151 contact and priorities."""
    plan = _editable_plan(plan_id, lock_version, user)
    problems = Problems()
    _apply_header(plan, header, problems)
    if problems:
        raise DomainError("The plan was not saved", problems)
    _touch(plan)
    _commit()
    return plan


def add_line(
    plan_id: int, data: LineInput, *, lock_version: int | None, user: User | None
) -> PlanLine:
    """Add a line at the end of the plan."""
    plan = _editable_plan(plan_id, lock_version, user)
    line = PlanLine(position=max((x.position for x in plan.lines), default=0) + 1)
    _apply_line(plan, line, data)
    plan.lines.append(line)
    _touch(plan)
    _commit()
    return line


def update_line(
    plan_id: int, line_id: int, data: LineInput, *, lock_version: int | None, user: User | None
) -> PlanLine:
    plan = _editable_plan(plan_id, lock_version, user)
    line = _line_of(plan, line_id)
    _apply_line(plan, line, data)
    _touch(plan)
    _commit()
    return line


def delete_line(plan_id: int, line_id: int, *, lock_version: int | None, user: User | None) -> None:
    plan = _editable_plan(plan_id, lock_version, user)
    line = _line_of(plan, line_id)
    plan.lines.remove(line)
    _touch(plan)
    _commit()


# --- review ---------------------------------------------------------------------------------------


def submit_plan(plan_id: int, *, lock_version: int | None, user: User | None) -> DeliveryPlan:
    """Send the plan to finance: refused, with every problem, unless it passes every check."""
    plan = _editable_plan(plan_id, lock_version, user, action="submit")
    problems = submission_problems(plan)
    if problems:
        raise DomainError("The plan was not submitted: fix these problems first", problems)
    plan.status = ReviewStatus.SUBMITTED
    plan.submitted_by = user
    plan.submitted_at = utcnow()
    _commit()
    return plan


def approve_plan(
    plan_id: int, *, lock_version: int | None, user: User | None, comment: str | None = None
) -> DeliveryPlan:
    """Finance approves a submitted plan, which locks it. Refused if it no longer passes its
    checks (an allocation varied since it was submitted, say): return it instead."""
    plan = _submitted_plan(plan_id, lock_version, user, "approve")
    problems = submission_problems(plan)
    if problems:
        raise DomainError(
            "The plan was not approved: it no longer passes its checks, so return it with comments",
            problems,
        )
    plan.status = ReviewStatus.APPROVED
    plan.reviewed_by = user
    plan.reviewed_at = utcnow()
    plan.review_comment = clean_text(comment)
    set_reason(
        db.session,
        _audit_reason(f"approved: {plan.review_comment}") if plan.review_comment else "approved",
    )
    _commit()
    return plan


def return_plan(
    plan_id: int, *, comment: str | None, lock_version: int | None, user: User | None
) -> DeliveryPlan:
    """Finance sends a submitted plan back with comments; it can be edited and resubmitted."""
    plan = _submitted_plan(plan_id, lock_version, user, "return")
    text = clean_text(comment)
    if text is None:
        raise DomainError(
            "The plan was not returned",
            _one("say what needs to change before it can be approved", "comment"),
        )
    plan.status = ReviewStatus.RETURNED
    plan.reviewed_by = user
    plan.reviewed_at = utcnow()
    plan.review_comment = text
    set_reason(db.session, _audit_reason(f"returned: {text}"))
    _commit()
    return plan


def submission_problems(plan: DeliveryPlan) -> Problems:
    """What stops ``plan`` being submitted or approved: the header, then the plan checks."""
    return Problems(summarise_plan(plan).problems)


# --- rules shared by the use cases -------------------------------------------------------------


def _editable_plan(
    plan_id: int, lock_version: int | None, user: User | None, *, action: str = "change"
) -> DeliveryPlan:
    plan = _get_plan(plan_id)
    _ensure_editor(user, plan.recipient, action)
    _ensure_current(plan, lock_version)
    if not plan.status.is_editable:
        raise DomainError(
            "The plan was not saved",
            _one(
                f"version {plan.version} is {plan.status.value}, so it is locked; "
                + (
                    "start a new version to change it"
                    if plan.status is ReviewStatus.APPROVED
                    else "finance must approve it or return it first"
                ),
                "status",
            ),
        )
    return plan


def _submitted_plan(
    plan_id: int, lock_version: int | None, user: User | None, action: str
) -> DeliveryPlan:
    plan = _get_plan(plan_id)
    done = "approved" if action == "approve" else "returned"
    if user is not None and not user.can(Permission.REVIEW_PLANS):
        raise DomainError(
            f"The plan was not {done}", _one(f"only finance can {action} a plan", "status")
        )
    _ensure_current(plan, lock_version)
    if plan.status is not ReviewStatus.SUBMITTED:
        raise DomainError(
            f"The plan was not {done}",
            _one(
                f"version {plan.version} is {plan.status.value}; only a submitted plan can be "
                f"{done}",
                "status",
            ),
        )
    return plan


def _ensure_editor(user: User | None, recipient: Organisation, action: str) -> None:
    if user is None:
        return
    if not user.can(Permission.EDIT_PLANS) or not can_edit_for(user, recipient):
        raise DomainError(
            f"You cannot {action} this plan",
            _one(f"only {recipient.name}'s own staff can {action} its plan", "recipient"),
        )


def _ensure_current(plan: DeliveryPlan, lock_version: int | None) -> None:
    check_lock_version(plan, lock_version, "plan", StalePlan)


def _touch(plan: DeliveryPlan) -> None:
    """Make the flush update the plan's row, so its ``lock_version`` is checked and moves on
    even when only its lines changed."""
    flag_modified(plan, "status")


def _commit(*, already_started: bool = False) -> None:
    """Commit; if another save got in between our read and our write, refuse cleanly."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise stale_error("plan", StalePlan) from None
    except IntegrityError:
        # Two people starting the same version at once: the unique version number stops one.
        db.session.rollback()
        if not already_started:
            raise
        raise StalePlan(
            "The plan was not started",
            _one(
                "someone else has just started this plan. Reload the page to see it; nothing of "
                "yours was saved.",
                "lock_version",
            ),
        ) from None


def _apply_header(plan: DeliveryPlan, header: HeaderInput, problems: Problems) -> None:
    for name, limit in (("lead_name", 200), ("s151_contact", 200)):
        value = clean_text(getattr(header, name))
        if value is not None and len(value) > limit:
            problems.add(f"use {limit} characters or fewer", column=name)
    if problems:
        return
    plan.lead_name = clean_text(header.lead_name)
    plan.s151_contact = clean_text(header.s151_contact)
    plan.priorities = clean_text(header.priorities)


def _apply_line(plan: DeliveryPlan, line: PlanLine, data: LineInput) -> None:
    """Read ``data`` onto ``line``, or raise with every problem (``line`` left untouched)."""
    problems = Problems()
    parsed = parse_line(
        data, other_refs=[x.line_ref for x in plan.lines if x is not line], problems=problems
    )
    if parsed is None or problems:
        raise DomainError("The line was not saved", problems)
    figures = parsed.figures
    line.line_ref, line.title, line.category = figures.ref, parsed.title, figures.category
    line.grant_stream, line.cost_type, line.spend_type = (
        parsed.stream,
        figures.cost_type,
        figures.spend_type,
    )
    line.yef_strand, line.provider = figures.yef_strand, parsed.provider
    line.annual_budget = figures.annual_budget
    line.q1, line.q2, line.q3, line.q4 = figures.profile
    line.output_targets = parsed.output_targets


def _parse_year(text: str | None, problems: Problems) -> FinancialYear | None:
    try:
        return FinancialYear.parse(text or "")
    except FinancialYearError as error:
        problems.add(str(error), column="financial_year")
        return None


def _get_plan(plan_id: int) -> DeliveryPlan:
    plan = db.session.get(DeliveryPlan, plan_id)
    if plan is None:
        raise DomainError(f"There is no plan {plan_id}", _one(f"no plan {plan_id}", "plan"))
    return plan


def _line_of(plan: DeliveryPlan, line_id: int) -> PlanLine:
    for line in plan.lines:
        if line.id == line_id:
            return line
    raise DomainError(
        f"There is no line {line_id} in this plan",
        _one(f"no line {line_id} in {plan.reference}", "line"),
    )


def _audit_reason(text: str) -> str:
    return text if len(text) <= AUDIT_REASON_LENGTH else text[: AUDIT_REASON_LENGTH - 1] + "…"


def _one(message: str, column: str) -> list[Problem]:
    return [Problem(message, column=column)]
