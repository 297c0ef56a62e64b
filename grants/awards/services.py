"""Grant award and allocation variation use cases (finance).

Awards: create and edit a year's Home Office grant with its conditions, and confirm it.
Variations: the only way an allocation's amount changes after a formula run is approved, either
money moved from one recipient to another (a reallocation) or one recipient's allocation
adjusted; each is recorded with its reason and decision reference and audited.

Every function validates first and writes nothing when there is any problem (a ``DomainError``
lists them all, each naming the form field it belongs to); each commits its own transaction.
Amounts and percentages arrive as the text finance typed and are parsed here: amounts with more
than two decimals are refused, never rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from audit.listeners import set_reason
from auth.models import User
from core.cells import whole_number
from core.money import MoneyError, format_gbp, to_money
from core.problems import DomainError, Problems
from extensions import db
from grants.awards.models import GrantAward
from grants.editing import check_lock_version, clean_text, commit_or_refuse, parse_year
from grants.vocabulary import AwardStatus
from reference.models import GrantStream

SVD = "SVD"
HUNDRED = Decimal(100)


# --- grant awards ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardFields:
    """An award as finance enters it: amounts and percentages as typed (text or Decimal)."""

    indicative_amount: str | Decimal | None
    confirmed_amount: str | Decimal | None = None
    status: str = AwardStatus.INDICATIVE.value
    award_reference: str | None = None
    offer_date: date | None = None
    confirmed_date: date | None = None
    min_match_percent: str | Decimal | None = "20"
    min_interventions_percent: str | Decimal | None = None
    evaluation_percent: str | Decimal | None = None
    admin_cap_percent: str | Decimal | None = None
    variance_threshold_percent: str | Decimal | None = "10"
    variance_threshold_amount: str | Decimal | None = "5000.00"
    svd_labour_amount: str | Decimal | None = None
    svd_non_labour_amount: str | Decimal | None = None
    return_due_days: str | int | None = None
    plan_due_on: date | None = None
    notes: str | None = None


def create_award(
    *, financial_year: str, stream_code: str, fields: AwardFields, user: User | None
) -> GrantAward:
    """Record a year's award of one grant; one award per grant and year."""
    problems = Problems()
    year = parse_year(financial_year, problems)
    stream = find_stream(stream_code, problems)
    if (
        year
        and stream
        and db.session.scalar(
            select(GrantAward.id).where(
                GrantAward.grant_stream_id == stream.id, GrantAward.financial_year == year.label
            )
        )
    ):
        problems.add(
            f"there is already a {stream.code} award for {year.label}; edit it instead",
            column="grant_stream",
        )
    values = _parse_award_fields(fields, stream.code if stream else None, problems)
    if problems or year is None or stream is None:
        raise DomainError("The award was not saved", problems)
    # The reason first: a lazy load after a change would flush it without one.
    set_reason(db.session, f"{stream.code} {year.label} award recorded")
    award = GrantAward(grant_stream=stream, financial_year=year.label, **values)
    db.session.add(award)
    db.session.commit()
    return award


def update_award(
    award_id: int, *, fields: AwardFields, lock_version: int | None, user: User | None
) -> GrantAward:
    """Change an award's amounts, dates or conditions (not its grant or year)."""
    award = _get(GrantAward, award_id, "award")
    check_lock_version(award, lock_version, "award")
    problems = Problems()
    _refuse_closed(award, problems)
    values = _parse_award_fields(fields, award.grant_stream.code, problems)
    was = award.status
    if was is AwardStatus.CONFIRMED and values["status"] is AwardStatus.INDICATIVE:
        problems.add("a confirmed award cannot go back to indicative", column="status")
    if problems:
        raise DomainError("The award was not saved", problems)
    if was is AwardStatus.INDICATIVE and values["status"] is AwardStatus.CONFIRMED:
        set_reason(
            db.session,
            _confirmation_reason(award, values["confirmed_amount"], values["indicative_amount"]),
        )
    else:
        set_reason(db.session, "award details edited")
    for name, value in values.items():
        setattr(award, name, value)
    commit_or_refuse("award")
    return award


def confirm_award(
    award_id: int,
    *,
    confirmed_amount: str | Decimal | None,
    confirmed_date: date | None,
    lock_version: int | None,
    user: User | None,
    svd_labour_amount: str | Decimal | None = None,
    svd_non_labour_amount: str | Decimal | None = None,
) -> GrantAward:
    """Indicative to confirmed, with the confirmed amount (and, for SVD, its labour split)."""
    award = _get(GrantAward, award_id, "award")
    check_lock_version(award, lock_version, "award")
    problems = Problems()
    _refuse_closed(award, problems)
    if award.status is AwardStatus.CONFIRMED:
        problems.add(f"the {award.reference} award is already confirmed", column="status")
    amount = parse_money(
        confirmed_amount, "confirmed_amount", "the confirmed amount", problems, required=True
    )
    if amount is not None and amount <= 0:
        problems.add("the confirmed amount must be more than £0.00", column="confirmed_amount")
    labour, non_labour = award.svd_labour_amount, award.svd_non_labour_amount
    if award.grant_stream.code == SVD:
        labour = (
            parse_money(svd_labour_amount, "svd_labour_amount", "the labour amount", problems)
            if _given(svd_labour_amount)
            else labour
        )
        non_labour = (
            parse_money(
                svd_non_labour_amount, "svd_non_labour_amount", "the non-labour amount", problems
            )
            if _given(svd_non_labour_amount)
            else non_labour
        )
        _check_svd_split(labour, non_labour, amount, problems)
    if problems:
        raise DomainError("The award was not confirmed", problems)
    set_reason(db.session, _confirmation_reason(award, amount, award.indicative_amount))
    award.status = AwardStatus.CONFIRMED
    award.confirmed_amount = amount
    award.confirmed_date = confirmed_date or date.today()
    award.svd_labour_amount, award.svd_non_labour_amount = labour, non_labour
    commit_or_refuse("award")
    return award


def _confirmation_reason(award: GrantAward, confirmed: Decimal, indicative: Decimal) -> str:
    return (
        f"{award.reference} award confirmed at {format_gbp(confirmed)} (indicative "
        f"{format_gbp(indicative)}); re-run the formula on the confirmed pot"
    )


def _parse_award_fields(
    fields: AwardFields, stream_code: str | None, problems: Problems
) -> dict[str, Any]:
    try:
        status = AwardStatus(fields.status or AwardStatus.INDICATIVE.value)
    except ValueError:
        problems.add("choose indicative or confirmed", column="status")
        status = AwardStatus.INDICATIVE
    indicative = parse_money(
        fields.indicative_amount,
        "indicative_amount",
        "the indicative amount",
        problems,
        required=True,
    )
    if indicative is not None and indicative <= 0:
        problems.add("the indicative amount must be more than £0.00", column="indicative_amount")
    confirmed = parse_money(
        fields.confirmed_amount, "confirmed_amount", "the confirmed amount", problems
    )
    if confirmed is not None and confirmed <= 0:
        problems.add("the confirmed amount must be more than £0.00", column="confirmed_amount")
    if (
        status is AwardStatus.CONFIRMED
        and confirmed is None
        and not _has_problem(problems, "confirmed_amount")
    ):
        problems.add("enter the confirmed amount of a confirmed award", column="confirmed_amount")
    if status is AwardStatus.INDICATIVE and confirmed is not None:
        problems.add(
            "an indicative award has no confirmed amount yet: set the status to "
            "confirmed, or leave the confirmed amount blank",
            column="confirmed_amount",
        )
    if fields.offer_date and fields.confirmed_date and fields.confirmed_date < fields.offer_date:
        problems.add("the confirmed date is before the offer date", column="confirmed_date")
    reference = clean_text(fields.award_reference)
    if reference and len(reference) > 100:
        problems.add(
            "the award reference must be 100 characters or fewer", column="award_reference"
        )
    labour = parse_money(
        fields.svd_labour_amount, "svd_labour_amount", "the labour amount", problems
    )
    non_labour = parse_money(
        fields.svd_non_labour_amount, "svd_non_labour_amount", "the non-labour amount", problems
    )
    if stream_code is not None and stream_code != SVD:
        for value, column in ((labour, "svd_labour_amount"), (non_labour, "svd_non_labour_amount")):
            if value is not None:
                problems.add(
                    f"only the SVD grant is split into labour and non-labour; leave "
                    f"this blank for {stream_code}",
                    column=column,
                )
    if stream_code == SVD:
        _check_svd_split(
            labour, non_labour, confirmed if confirmed is not None else indicative, problems
        )
    return {
        "status": status,
        "indicative_amount": indicative,
        "confirmed_amount": confirmed,
        "award_reference": reference,
        "offer_date": fields.offer_date,
        "confirmed_date": fields.confirmed_date,
        "min_match_percent": _percent(
            fields.min_match_percent,
            "min_match_percent",
            "the minimum match share",
            problems,
            required=True,
        ),
        "min_interventions_percent": _percent(
            fields.min_interventions_percent,
            "min_interventions_percent",
            "the minimum interventions share",
            problems,
        ),
        "evaluation_percent": _percent(
            fields.evaluation_percent, "evaluation_percent", "the evaluation share", problems
        ),
        "admin_cap_percent": _percent(
            fields.admin_cap_percent, "admin_cap_percent", "the admin cap", problems
        ),
        "variance_threshold_percent": _percent(
            fields.variance_threshold_percent,
            "variance_threshold_percent",
            "the variance threshold percentage",
            problems,
            required=True,
        ),
        "variance_threshold_amount": _non_negative_money(
            fields.variance_threshold_amount,
            "variance_threshold_amount",
            "the variance threshold amount",
            problems,
        ),
        "svd_labour_amount": labour,
        "svd_non_labour_amount": non_labour,
        "return_due_days": _due_days(fields.return_due_days, problems),
        "plan_due_on": fields.plan_due_on,
        "notes": clean_text(fields.notes),
    }


def _due_days(value: str | int | None, problems: Problems) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    days = whole_number(text)
    if days is None or not 1 <= days <= 180:
        problems.add(
            "enter the days after the quarter ends as a whole number from 1 to 180",
            column="return_due_days",
        )
        return None
    return int(text)


def _check_svd_split(
    labour: Decimal | None,
    non_labour: Decimal | None,
    award_amount: Decimal | None,
    problems: Problems,
) -> None:
    for value, column, what in (
        (labour, "svd_labour_amount", "labour"),
        (non_labour, "svd_non_labour_amount", "non-labour"),
    ):
        if value is not None and value < 0:
            problems.add(f"the {what} amount must not be negative", column=column)
    if (
        labour is not None
        and non_labour is not None
        and award_amount is not None
        and labour + non_labour != award_amount
    ):
        problems.add(
            f"labour {format_gbp(labour)} and non-labour {format_gbp(non_labour)} add up to "
            f"{format_gbp(labour + non_labour)}, not the award's {format_gbp(award_amount)}",
            column="svd_labour_amount",
        )


def _refuse_closed(award: GrantAward, problems: Problems) -> None:
    if award.is_closed:
        problems.add(
            f"the {award.reference} award is closed for the year; nothing in it can change",
            column="status",
        )


# --- parsing what was typed -----------------------------------------------------------------------


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def parse_money(
    value: str | Decimal | None,
    column: str,
    what: str,
    problems: Problems,
    *,
    required: bool = False,
) -> Decimal | None:
    if not _given(value):
        if required:
            problems.add(f"enter {what}", column=column)
        return None
    try:
        return to_money(value, field=what)
    except MoneyError as error:
        problems.add(str(error), column=column)
        return None


def _non_negative_money(
    value: str | Decimal | None, column: str, what: str, problems: Problems
) -> Decimal | None:
    amount = parse_money(value, column, what, problems, required=True)
    if amount is not None and amount < 0:
        problems.add(f"{what} must not be negative", column=column)
    return amount


def _percent(
    value: str | Decimal | None,
    column: str,
    what: str,
    problems: Problems,
    *,
    required: bool = False,
) -> Decimal | None:
    if not _given(value):
        if required:
            problems.add(f"enter {what}", column=column)
        return None
    if isinstance(value, float):
        problems.add(f"{what} must be given as text or Decimal, not a float", column=column)
        return None
    try:
        percent = Decimal(str(value).strip().removesuffix("%").strip())
    except InvalidOperation:
        problems.add(f"{what}: {value!r} is not a number", column=column)
        return None
    if not percent.is_finite() or not 0 <= percent <= HUNDRED:
        problems.add(f"{what} must be between 0 and 100 percent", column=column)
        return None
    return percent


def find_stream(code: str | None, problems: Problems) -> GrantStream | None:
    stream = db.session.scalar(
        select(GrantStream).where(GrantStream.code == (code or "").strip().upper())
    )
    if stream is None:
        known = ", ".join(db.session.scalars(select(GrantStream.code).order_by(GrantStream.code)))
        problems.add(
            f"{code!r} is not a grant; known grants: {known or 'none set up'}",
            column="grant_stream",
        )
    return stream


def _has_problem(problems: Problems, column: str) -> bool:
    return any(p.column == column for p in problems)


def _one(message: str, column: str) -> Problems:
    problems = Problems()
    problems.add(message, column=column)
    return problems


def _get(model: Any, id_: int, what: str) -> Any:
    found = db.session.get(model, id_)
    if found is None:
        raise DomainError(f"There is no {what} {id_}", _one(f"no {what} {id_}", what))
    return found
