"""Allocation variations (finance): the only way an allocation's amount changes after a formula run
is approved. Money moved from one recipient to another (a reallocation) or one recipient's
allocation adjusted; each recorded with its reason and decision reference, and audited.

Validates first and writes nothing when there is any problem (a ``DomainError`` lists them all,
each naming its form field); each function commits its own transaction."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from allocations.models import Allocation, AllocationStatus
from audit.listeners import set_reason
from auth.models import User
from core.financial_year import QUARTERS
from core.money import format_gbp
from core.problems import DomainError, Problems
from extensions import db
from grants.awards.models import AllocationVariation, GrantAward
from grants.awards.services import find_stream, parse_money
from grants.editing import clean_text, parse_year
from grants.vocabulary import VariationKind
from reference.models import GrantStream, Organisation

# --- allocation variations ------------------------------------------------------------------------


def record_reallocation(
    *,
    financial_year: str,
    stream_code: str,
    from_code: str,
    to_code: str,
    amount: str | Decimal | None,
    reason: str | None,
    decision_reference: str | None,
    user: User | None,
    quarter: int | str | None = None,
) -> AllocationVariation:
    """Move ``amount`` of one grant from one recipient's allocation to another's, same year.

    The stream and year total is unchanged; the amount must be more than nothing and no more than
    the source's allocation. Refused when the year's award is closed.
    """
    problems = Problems()
    year, stream = parse_year(financial_year, problems), find_stream(stream_code, problems)
    money = parse_money(amount, "amount", "the amount", problems, required=True)
    if money is not None and money <= 0:
        problems.add("the amount to move must be more than £0.00", column="amount")
    source = target = None
    if year and stream:
        _refuse_closed_year(year.label, stream, problems)
        source = _active_allocation(year.label, stream, from_code, "from_recipient", problems)
        target = _active_allocation(year.label, stream, to_code, "to_recipient", problems)
    if (from_code or "").strip() and (from_code or "").strip() == (to_code or "").strip():
        problems.add("money must move to a different recipient", column="to_recipient")
    if source is not None and money is not None and money > source.amount:
        problems.add(
            f"{source.recipient.name} has {format_gbp(source.amount)} of {stream_code} "
            f"in {financial_year}; the amount to move cannot be more than that",
            column="amount",
        )
    text, reference, quarter_number = _variation_record(
        reason, decision_reference, quarter, problems
    )
    if problems or source is None or target is None or money is None:
        raise DomainError("The reallocation was not recorded", problems)
    # The reason first: a lazy load after a change would flush it without one.
    set_reason(
        db.session,
        f"reallocation of {format_gbp(money)} from {source.recipient.code} to "
        f"{target.recipient.code} (decision {reference}): {text}",
    )
    source.amount -= money
    target.amount += money
    variation = AllocationVariation(
        kind=VariationKind.REALLOCATION,
        financial_year=source.financial_year,
        grant_stream_id=source.grant_stream_id,
        from_allocation=source,
        to_allocation=target,
        amount=money,
        quarter=quarter_number,
        reason=text,
        decision_reference=reference,
        created_by=user,
    )
    db.session.add(variation)
    db.session.commit()
    return variation


def record_adjustment(
    *,
    financial_year: str,
    stream_code: str,
    recipient_code: str,
    amount: str | Decimal | None,
    reason: str | None,
    decision_reference: str | None,
    user: User | None,
    quarter: int | str | None = None,
) -> AllocationVariation:
    """Change one recipient's allocation by ``amount`` (negative to reduce it), e.g. after the
    award is confirmed at a different figure. The allocation cannot go below nothing."""
    problems = Problems()
    year, stream = parse_year(financial_year, problems), find_stream(stream_code, problems)
    money = parse_money(amount, "amount", "the amount", problems, required=True)
    if money is not None and money == 0:
        problems.add(
            "an adjustment of £0.00 changes nothing; enter the amount to add, or a "
            "negative amount to take away",
            column="amount",
        )
    allocation = None
    if year and stream:
        _refuse_closed_year(year.label, stream, problems)
        allocation = _active_allocation(year.label, stream, recipient_code, "recipient", problems)
    if allocation is not None and money is not None and allocation.amount + money < 0:
        problems.add(
            f"{allocation.recipient.name} has {format_gbp(allocation.amount)}; taking "
            f"away {format_gbp(-money)} would leave less than nothing",
            column="amount",
        )
    text, reference, quarter_number = _variation_record(
        reason, decision_reference, quarter, problems
    )
    if problems or allocation is None or money is None:
        raise DomainError("The adjustment was not recorded", problems)
    sign = "+" if money > 0 else ""
    set_reason(
        db.session,
        f"adjustment of {sign}{format_gbp(money)} to "
        f"{allocation.recipient.code} (decision {reference}): {text}",
    )
    allocation.amount += money
    variation = AllocationVariation(
        kind=VariationKind.ADJUSTMENT,
        financial_year=allocation.financial_year,
        grant_stream_id=allocation.grant_stream_id,
        to_allocation=allocation,
        amount=money,
        quarter=quarter_number,
        reason=text,
        decision_reference=reference,
        created_by=user,
    )
    db.session.add(variation)
    db.session.commit()
    return variation


def _variation_record(
    reason: str | None,
    decision_reference: str | None,
    quarter: int | str | None,
    problems: Problems,
) -> tuple[str, str, int | None]:
    text = clean_text(reason)
    if not text:
        problems.add("enter the reason for the variation", column="reason")
    reference = clean_text(decision_reference)
    if not reference:
        problems.add("enter the decision reference", column="decision_reference")
    elif len(reference) > 100:
        problems.add(
            "the decision reference must be 100 characters or fewer", column="decision_reference"
        )
    quarter_number = None
    if quarter not in (None, ""):
        try:
            quarter_number = int(str(quarter).strip().upper().removeprefix("Q"))
        except ValueError:
            quarter_number = 0
        if quarter_number not in QUARTERS:
            problems.add(f"the quarter {quarter!r} is not 1, 2, 3 or 4", column="quarter")
    return text or "", reference or "", quarter_number


def _active_allocation(
    year: str, stream: GrantStream, code: str | None, column: str, problems: Problems
) -> Allocation | None:
    code = (code or "").strip()
    if not code:
        problems.add("choose the recipient", column=column)
        return None
    recipient = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if recipient is None:
        problems.add(f"{code!r} is not a known recipient", column=column)
        return None
    # Row locks on PostgreSQL, so two variations at once cannot both spend the same pounds.
    allocation = db.session.scalar(
        select(Allocation)
        .where(
            Allocation.financial_year == year,
            Allocation.grant_stream_id == stream.id,
            Allocation.recipient_id == recipient.id,
            Allocation.status == AllocationStatus.ACTIVE,
        )
        .order_by(Allocation.id)
        .with_for_update()
    )
    if allocation is None:
        problems.add(f"{recipient.name} has no {stream.code} allocation in {year}", column=column)
    return allocation


def _refuse_closed_year(year: str, stream: GrantStream, problems: Problems) -> None:
    award = db.session.scalar(
        select(GrantAward).where(
            GrantAward.financial_year == year, GrantAward.grant_stream_id == stream.id
        )
    )
    if award is not None and award.is_closed:
        problems.add(
            f"the {stream.code} {year} award is closed for the year; its allocations "
            f"can no longer change",
            column="financial_year",
        )
