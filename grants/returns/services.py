"""Quarterly return use cases: open, save, submit, approve, send back, reopen; year-end close.

Every function checks everything first and writes nothing when there is any problem (a
``DomainError`` lists them all, each naming its line and field, or its sheet, row and column);
each one commits its own transaction on success. ``user`` is the signed-in user, or ``None``
for the command line (an operator on the server, recorded as the CLI actor).

The rules, decided here:

- A return reports against the recipient's approved delivery plan: it cannot be opened without
  one, and it starts with one line for every plan line of its grant.
- A quarter's return cannot be submitted until every earlier quarter of the same grant has a
  submitted or approved return: otherwise the year to date, the forecast and the claim would
  silently leave out spend. A later quarter may be opened and saved early.
- A variance against profile above either of the award's thresholds needs a reason before the
  return is submitted. A save keeps what was typed (a spoke lead may save a half-filled draft);
  the return's page lists the lines still needing a reason.
- A new return's forecast remaining starts at what the plan's profile leaves for the rest of the
  year (nothing in Q4); the spoke lead changes it where they expect otherwise.
- In Q4 nothing is left to forecast: forecast remaining must be 0.
- Only finance (``REVIEW_RETURNS``) approves, sends back (with a comment) or reopens (an approved
  return, with a reason); a reopened return goes back to the recipient as ``returned``. Reasons
  and comments go on the audit events (``set_reason``).
- Once finance has closed a grant's year its returns are locked: nothing is opened, saved,
  submitted, reviewed or reopened.
- Concurrent edits: a change names the ``lock_version`` the user loaded; if the return has been
  saved since, the change is refused with ``STALE_MESSAGE`` and nothing is written (a race that
  slips between the check and the write is caught as SQLAlchemy's ``StaleDataError``). The
  command line passes ``None``: it loaded no form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from audit.listeners import set_reason
from auth.models import User
from auth.roles import Permission
from auth.scoping import can_edit_for
from core.money import ZERO, format_gbp
from core.problems import DomainError, Problem, Problems
from database import utcnow
from extensions import db
from grants.awards.models import GrantAward
from grants.editing import parse_year
from grants.figures import Thresholds
from grants.plans.queries import approved_plan_for
from grants.returns import queries, status
from grants.returns.entries import (
    CheckedEntries,
    CheckedMatch,
    ReturnEntries,
    check_entries,
    missing_reasons,
    profile_left_after,
)
from grants.returns.models import MatchFundingLine, QuarterlyReturn, ReturnLine, UnderspendRecord
from grants.vocabulary import ReviewStatus
from reference.models import GrantStream, Organisation

STALE_MESSAGE = (
    "Someone else saved this return since you opened it. Reload the page to see "
    "their changes; nothing of yours was saved."
)


# --- open ------------------------------------------------------------------------------------


def open_return(
    *, recipient_id: int, stream_code: str, financial_year: str, quarter: int, user: User | None
) -> QuarterlyReturn:
    """Start a draft return for a recipient, grant, year and quarter, with a line for every plan
    line of the grant in the recipient's approved plan."""
    problems = Problems()
    recipient = db.session.get(Organisation, recipient_id)
    stream = queries.stream_by_code(stream_code or "")
    year = parse_year(financial_year, problems)
    if quarter not in (1, 2, 3, 4):
        problems.add(f"quarter {quarter!r} is not 1, 2, 3 or 4", column="quarter")
    if recipient is None:
        problems.add("choose a spoke or the Hub", column="recipient")
    elif user is not None and not may_edit(user, recipient):
        problems.add(f"you may not fill in returns for {recipient.name}", column="recipient")
    if stream is None:
        problems.add(f"unknown grant {stream_code!r}", column="grant")
    if problems or recipient is None or stream is None or year is None:
        raise DomainError("The return was not started", problems)
    ret = new_return(recipient, stream, year.label, quarter, problems)
    if problems or ret is None:
        raise DomainError("The return was not started", problems)
    db.session.add(ret)
    commit_new(ret)
    return ret


def new_return(
    recipient: Organisation,
    stream: GrantStream,
    financial_year: str,
    quarter: int,
    problems: Problems,
    *,
    where: Mapping[str, Any] | None = None,
) -> QuarterlyReturn | None:
    """A new draft return (not yet in the session) with a line for every plan line of the
    grant, or ``None`` with the reasons in ``problems``. ``where`` locates the problems (a
    spreadsheet's sheet and row)."""
    where = dict(where or {})
    label = f"{stream.code} {financial_year}"
    if queries.find_return(recipient.id, stream.id, financial_year, quarter) is not None:
        problems.add(
            f"{recipient.name} already has a {label} Q{quarter} return",
            **{"column": "quarter", **where},
        )
    award = queries.award_for(stream.id, financial_year)
    if award is None:
        problems.add(
            f"the {label} grant award is not set up yet; finance sets it up first",
            **{"column": "grant", **where},
        )
    elif award.is_closed:
        problems.add(
            f"the {label} year is closed; no returns can be started", **{"column": "grant", **where}
        )
    plan = approved_plan_for(recipient.id, financial_year)
    plan_lines = queries.plan_lines_for(plan, stream.id) if plan is not None else []
    if plan is None:
        problems.add(
            f"{recipient.name} has no approved delivery plan for {financial_year}; a "
            "return reports against the approved plan",
            **{"column": "recipient", **where},
        )
    elif not plan_lines:
        problems.add(
            f"{recipient.name}'s approved plan for {financial_year} has no {stream.code} lines",
            **{"column": "grant", **where},
        )
    if plan is None or not plan_lines:
        return None
    return QuarterlyReturn(
        recipient=recipient,
        grant_stream=stream,
        financial_year=financial_year,
        quarter=quarter,
        plan=plan,
        status=ReviewStatus.DRAFT,
        lines=[
            ReturnLine(
                plan_line=line,
                actual=ZERO,
                forecast_remaining=profile_left_after(line.profile, quarter),
            )
            for line in plan_lines
        ],
    )


def commit_new(ret: QuarterlyReturn) -> None:
    try:
        db.session.commit()
    except IntegrityError:  # opened by someone else between the check and the write
        db.session.rollback()
        raise DomainError(
            "The return was not started",
            [
                Problem(
                    f"{ret.recipient.name} already has a {ret.grant_stream.code} "
                    f"{ret.financial_year} Q{ret.quarter} return",
                    column="quarter",
                )
            ],
        ) from None


# --- save ------------------------------------------------------------------------------------


def save_return(
    return_id: int, entries: ReturnEntries, *, lock_version: int | None, user: User | None
) -> QuarterlyReturn:
    """Save lines, match funding, reach and narrative of a draft (or returned) return."""
    ret = _get(return_id)
    _check_editor(ret, user)
    check_lock(ret, lock_version)
    problems = Problems()
    _check_editable(ret, problems)
    lines = {line.plan_line.line_ref: line for line in ret.lines}
    entry_problems, checked = check_entries(
        entries,
        {ref: line.plan_line.profile[ret.quarter - 1] for ref, line in lines.items()},
        quarter=ret.quarter,
    )
    problems.extend(entry_problems)
    if problems:
        raise DomainError(f"The {title_of(ret)} was not saved", problems)
    apply_entries(ret, entries, checked)
    commit_change(ret)
    return ret


def apply_entries(ret: QuarterlyReturn, entries: ReturnEntries, checked: CheckedEntries) -> None:
    """Write checked entries onto the return (no commit)."""
    lines = {line.plan_line.line_ref: line for line in ret.lines}
    for ref, values in checked.lines.items():
        line = lines[ref]
        line.actual = values.actual
        line.forecast_remaining = values.forecast_remaining
        line.variance_reason = values.variance_reason
    if entries.match_lines is not None:
        _replace_match_lines(ret, checked.match_lines)
    for band, number in checked.reach.items():
        setattr(ret, band, number)
    if entries.narrative is not None:
        ret.narrative = entries.narrative.strip() or None
    if entries.risks is not None:
        ret.risks = entries.risks.strip() or None


# --- submit and review -----------------------------------------------------------------------


def submit_return(
    return_id: int,
    *,
    certified_name: str,
    certified_role: str,
    certify: bool,
    lock_version: int | None,
    user: User | None,
) -> QuarterlyReturn:
    """The spoke lead certifies the return: draft (or returned) -> submitted."""
    ret = _get(return_id)
    _check_editor(ret, user)
    check_lock(ret, lock_version)
    problems = Problems()
    _check_editable(ret, problems)
    if not certify:
        problems.add("tick the box to certify that the return is correct", column="certify")
    name = (certified_name or "").strip()
    role = (certified_role or "").strip()
    if not name:
        problems.add("enter the name of the person certifying", column="certified_name")
    if not role:
        problems.add(
            "enter your role (for example spoke lead or s151 officer)", column="certified_role"
        )
    if not (ret.narrative or "").strip():
        problems.add(
            "describe the quarter's delivery in the narrative before submitting", column="narrative"
        )
    thresholds = _thresholds(queries.award_for(ret.grant_stream_id, ret.financial_year), problems)
    for message in missing_reasons(
        {
            line.plan_line.line_ref: (
                line.plan_line.profile[ret.quarter - 1],
                line.actual,
                line.variance_reason,
            )
            for line in ret.lines
        },
        thresholds,
    ):
        problems.add(message, column="variance_reason")
    for quarter in range(1, ret.quarter):
        earlier = queries.find_return(
            ret.recipient_id, ret.grant_stream_id, ret.financial_year, quarter
        )
        if earlier is None:
            problems.add(
                f"there is no Q{quarter} return yet: submit Q{quarter} first", column="quarter"
            )
        elif earlier.status.is_editable:
            problems.add(
                f"the Q{quarter} return is still {earlier.status.value}: submit Q{quarter} first",
                column="quarter",
            )
    if problems:
        raise DomainError(f"The {title_of(ret)} was not submitted", problems)
    ret.status = ReviewStatus.SUBMITTED
    ret.certified_by_id = user.id if user is not None else None
    ret.certified_name = name
    ret.certified_role = role
    ret.submitted_at = utcnow()
    set_reason(db.session, f"certified by {name}, {role}")
    commit_change(ret)
    return ret


def approve_return(
    return_id: int, *, lock_version: int | None, user: User | None, comment: str | None = None
) -> QuarterlyReturn:
    """Finance approves a submitted return, which locks it."""
    ret = _get(return_id)
    _check_reviewer(user)
    check_lock(ret, lock_version)
    problems = Problems()
    _check_status(ret, ReviewStatus.SUBMITTED, "approved", problems)
    check_year_open(ret, problems)
    if problems:
        raise DomainError(f"The {title_of(ret)} was not approved", problems)
    _review(ret, ReviewStatus.APPROVED, user, (comment or "").strip() or None)
    set_reason(db.session, ret.review_comment or "approved")
    commit_change(ret)
    return ret


def send_back_return(
    return_id: int, *, comment: str, lock_version: int | None, user: User | None
) -> QuarterlyReturn:
    """Finance returns a submitted return to the recipient with a comment saying what to fix."""
    ret = _get(return_id)
    _check_reviewer(user)
    check_lock(ret, lock_version)
    problems = Problems()
    _check_status(ret, ReviewStatus.SUBMITTED, "returned", problems)
    check_year_open(ret, problems)
    text = (comment or "").strip()
    if not text:
        problems.add("say what needs changing", column="comment")
    if problems:
        raise DomainError(f"The {title_of(ret)} was not returned", problems)
    _review(ret, ReviewStatus.RETURNED, user, text)
    set_reason(db.session, f"returned: {text}")
    commit_change(ret)
    return ret


def reopen_return(
    return_id: int, *, reason: str, lock_version: int | None, user: User | None
) -> QuarterlyReturn:
    """Finance reopens an approved return, with a reason (audited); it goes back to the
    recipient as ``returned``."""
    ret = _get(return_id)
    _check_reviewer(user)
    check_lock(ret, lock_version)
    problems = Problems()
    _check_status(ret, ReviewStatus.APPROVED, "reopened", problems)
    check_year_open(ret, problems)
    text = (reason or "").strip()
    if not text:
        problems.add("give the reason for reopening the return", column="reason")
    if problems:
        raise DomainError(f"The {title_of(ret)} was not reopened", problems)
    _review(ret, ReviewStatus.RETURNED, user, text)
    ret.reopened_reason = text
    set_reason(db.session, f"reopened: {text}")
    commit_change(ret)
    return ret


# --- year-end close ------------------------------------------------------------------------------


def close_year(
    *, stream_code: str, financial_year: str, reasons: Mapping[str, str], user: User | None
) -> list[UnderspendRecord]:
    """Close a grant's year: record each recipient's final underspend (with a reason where it is
    above zero) and lock the year's returns. Nothing carries into the next year: the underspend
    is recorded, never added to a later allocation.

    ``reasons`` maps recipient codes to reasons. Refused while any recipient with an allocation
    lacks an approved return for any quarter."""
    _check_reviewer(user)
    problems = Problems()
    preview = status.close_preview(stream_code, financial_year)
    problems.extend(preview.problems)
    records = []
    for row in preview.rows:
        reason = (reasons.get(row.recipient.code) or "").strip() or None
        if row.final_underspend > 0 and reason is None:
            problems.add(
                f"{row.recipient.name}: give the reason for the underspend of "
                f"{format_gbp(row.final_underspend)}",
                column=f"reason-{row.recipient.code}",
            )
        records.append(
            UnderspendRecord(
                financial_year=preview.financial_year,
                grant_stream=preview.stream,
                recipient=row.recipient,
                amount=row.final_underspend,
                reason=reason,
                recorded_by_id=user.id if user is not None else None,
            )
        )
    if problems or preview.award is None:
        raise DomainError(f"The {stream_code} {financial_year} year was not closed", problems)
    award: GrantAward = preview.award
    for record in records:
        db.session.add(record)
    award.closed_at = utcnow()
    award.closed_by_id = user.id if user is not None else None
    set_reason(db.session, f"year-end close of {award.reference}")
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise DomainError(
            "The year was not closed",
            [
                Problem(
                    "someone else closed or changed this grant's year at the same time; "
                    "reload the page",
                    column="grant",
                )
            ],
        ) from None
    return records


# --- helpers ---------------------------------------------------------------------------------


def title_of(ret: QuarterlyReturn) -> str:
    """``Bristol VRU 2024-25 Q1 return``."""
    return (
        f"{ret.recipient.name} {ret.grant_stream.code} {ret.financial_year} Q{ret.quarter} return"
    )


def _get(return_id: int) -> QuarterlyReturn:
    ret = queries.get_return(return_id)
    if ret is None:
        raise DomainError(
            f"There is no return {return_id}", [Problem(f"no return {return_id}", column="return")]
        )
    return ret


def may_edit(user: User, recipient: Organisation) -> bool:
    return user.can(Permission.EDIT_RETURNS) and can_edit_for(user, recipient)


def _check_editor(ret: QuarterlyReturn, user: User | None) -> None:
    if user is not None and not may_edit(user, ret.recipient):
        raise DomainError(
            "You may not change this return",
            [
                Problem(
                    f"only {ret.recipient.name}'s own lead fills in and submits its returns",
                    column="recipient",
                )
            ],
        )


def _check_reviewer(user: User | None) -> None:
    if user is not None and not user.can(Permission.REVIEW_RETURNS):
        raise DomainError(
            "Only finance reviews returns",
            [Problem("only a finance officer approves, returns, reopens or closes", column="user")],
        )


def check_lock(ret: QuarterlyReturn, lock_version: int | None) -> None:
    if lock_version is not None and int(lock_version) != ret.lock_version:
        raise DomainError(STALE_MESSAGE, [Problem(STALE_MESSAGE, column="lock_version")])


def _check_editable(ret: QuarterlyReturn, problems: Problems) -> None:
    if not ret.status.is_editable:
        problems.add(
            f"the return is {ret.status.value}, so it cannot be changed"
            + (
                " unless finance reopens it"
                if ret.status is ReviewStatus.APPROVED
                else " unless finance returns it"
            ),
            column="status",
        )
    check_year_open(ret, problems)


def _check_status(
    ret: QuarterlyReturn, wanted: ReviewStatus, verb: str, problems: Problems
) -> None:
    if ret.status is not wanted:
        problems.add(
            f"the return is {ret.status.value}; only a {wanted.value} return can be {verb}",
            column="status",
        )


def check_year_open(ret: QuarterlyReturn, problems: Problems) -> None:
    award = queries.award_for(ret.grant_stream_id, ret.financial_year)
    if award is not None and award.is_closed:
        problems.add(
            f"the {ret.grant_stream.code} {ret.financial_year} year is closed, so its "
            "returns are locked",
            column="status",
        )


def _thresholds(award: GrantAward | None, problems: Problems) -> Thresholds:
    if award is None:
        problems.add(
            "the grant award for this year is not set up, so there are no variance "
            "thresholds to check against",
            column="grant",
        )
        return Thresholds(Decimal(0), ZERO)
    return queries.thresholds_of(award)


def _review(
    ret: QuarterlyReturn, status: ReviewStatus, user: User | None, comment: str | None
) -> None:
    ret.status = status
    ret.reviewed_by_id = user.id if user is not None else None
    ret.reviewed_at = utcnow()
    ret.review_comment = comment


def commit_change(ret: QuarterlyReturn) -> None:
    """Commit, bumping the return's lock version even when only its lines changed (the
    version is on the return row, so a change to lines alone would not otherwise move it)."""
    flag_modified(ret, "status")
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise DomainError(STALE_MESSAGE, [Problem(STALE_MESSAGE, column="lock_version")]) from None


def _replace_match_lines(ret: QuarterlyReturn, wanted: Sequence[CheckedMatch]) -> None:
    """Make the return's match lines ``wanted``, changing lines in place (so the audit log shows
    what changed, not a delete and a create of every line on every save)."""
    existing = list(ret.match_lines)
    for index, match in enumerate(wanted):
        if index < len(existing):
            line = existing[index]
        else:
            line = MatchFundingLine()
            ret.match_lines.append(line)
        for name in ("contributor", "kind", "amount", "evidence_reference", "valuation_basis"):
            setattr(line, name, getattr(match, name))
    for line in existing[len(wanted) :]:
        ret.match_lines.remove(line)
