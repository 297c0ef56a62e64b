"""Reading a delivery plan line as it was typed: text amounts through ``to_money`` (more than
two decimals refused, never rounded), the quarters split evenly when all four are blank, the next
free reference when none is given, and the one-line checks of ``grants.plans.checks``.

Used by ``plan_services``, which owns the transaction; nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.money import MoneyError, to_money
from core.problems import Problems
from extensions import db
from grants.editing import clean_text
from grants.plans.checks import PlanLineFigures, check_line, split_evenly
from grants.vocabulary import Category, CostType, SpendType
from reference.models import GrantStream

# Line references as people and spreadsheets use them: INT-01, V2, SVD.3.
LINE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
CATEGORY_CODES = {
    Category.STAFFING: "STF",
    Category.DATA: "DAT",
    Category.INTERVENTIONS: "INT",
    Category.EVALUATION: "EVL",
    Category.ENGAGEMENT: "ENG",
    Category.TRAINING: "TRN",
    Category.COMMUNICATIONS: "COM",
    Category.MANAGEMENT: "ADM",
    Category.CAPITAL: "CAP",
}


@dataclass(frozen=True)
class LineInput:
    """A plan line as typed. Amounts are text (or Decimal); leave all four quarters blank to split
    the annual budget evenly, or leave ``line_ref`` blank for the next free reference of the
    category (INT-01, INT-02...)."""

    title: str
    category: str
    grant_stream: str
    annual_budget: object
    cost_type: str = CostType.NON_LABOUR.value
    spend_type: str = SpendType.REVENUE.value
    line_ref: str | None = None
    yef_strand: str | None = None
    provider: str | None = None
    q1: object = None
    q2: object = None
    q3: object = None
    q4: object = None
    output_targets: str | None = None


@dataclass(frozen=True)
class ParsedLine:
    """A line that reads: its figures (what the checks see) and the rest of what it stores."""

    figures: PlanLineFigures
    stream: GrantStream
    title: str
    provider: str | None
    output_targets: str | None


def parse_line(
    data: LineInput, *, other_refs: Iterable[str], problems: Problems
) -> ParsedLine | None:
    """``data`` as a line, having added every problem with it to ``problems`` (``None`` when it
    cannot be read at all). ``other_refs`` are the references of the plan's other lines."""
    category = _choice(Category, data.category, "category", "choose a category", problems)
    cost_type = _choice(
        CostType, data.cost_type, "cost_type", "choose labour or non-labour", problems
    )
    spend_type = _choice(
        SpendType, data.spend_type, "spend_type", "choose revenue or capital", problems
    )
    stream = _stream(data.grant_stream, problems)
    title = clean_text(data.title)
    if title is None:
        problems.add("enter a title for the line", column="title")
    for name, limit in (("title", 300), ("yef_strand", 100), ("provider", 200)):
        value = clean_text(getattr(data, name))
        if value is not None and len(value) > limit:
            problems.add(f"use {limit} characters or fewer", column=name)
    ref = _line_ref(data.line_ref, category, {r.upper() for r in other_refs}, problems)
    budget = _money(
        data.annual_budget, "annual_budget", "the annual budget", problems, required=True
    )
    profile = _profile(data, budget, problems)
    if (
        category is None
        or cost_type is None
        or spend_type is None
        or budget is None
        or profile is None
    ):
        return None
    # The one-line checks run even when the reference or the grant is wrong, so every problem
    # with the line is listed at once.
    figures = PlanLineFigures(
        ref=ref or clean_text(data.line_ref) or "new",
        stream=stream.code if stream else "",
        category=category,
        cost_type=cost_type,
        spend_type=spend_type,
        annual_budget=budget,
        profile=profile,
        yef_strand=clean_text(data.yef_strand),
    )
    problems.extend(check_line(figures))
    if ref is None or stream is None or title is None:
        return None
    return ParsedLine(
        figures=figures,
        stream=stream,
        title=title,
        provider=clean_text(data.provider),
        output_targets=clean_text(data.output_targets),
    )


def _line_ref(
    given: str | None, category: Category | None, others: set[str], problems: Problems
) -> str | None:
    ref = clean_text(given)
    if ref is None:
        if category is None:
            return None
        code = CATEGORY_CODES[category]
        number = 1
        while f"{code}-{number:02d}" in others:
            number += 1
        return f"{code}-{number:02d}"
    if not LINE_REF.match(ref):
        problems.add(
            "use up to 20 letters, digits, dots, dashes or underscores, starting with "
            "a letter or digit (for example INT-01)",
            column="line_ref",
        )
        return None
    if ref.upper() in others:
        problems.add(
            f"another line of this plan is already {ref}; give each line its own reference",
            column="line_ref",
        )
        return None
    return ref


def _profile(
    data: LineInput, budget: Decimal | None, problems: Problems
) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """Q1 to Q4 as typed (a blank quarter is £0.00), or the budget split evenly when all four
    are blank."""
    given = [data.q1, data.q2, data.q3, data.q4]
    if not any(is_given(q) for q in given):
        if budget is None or budget < 0:
            return None
        return split_evenly(budget)
    quarters = []
    for number, value in enumerate(given, start=1):
        amount = (
            _money(value, f"q{number}", f"Q{number}", problems)
            if is_given(value)
            else Decimal("0.00")
        )
        quarters.append(amount)
    if any(q is None for q in quarters):
        return None
    q1, q2, q3, q4 = (q for q in quarters if q is not None)
    return (q1, q2, q3, q4)


def _money(
    value: object, column: str, what: str, problems: Problems, *, required: bool = False
) -> Decimal | None:
    if not is_given(value):
        if required:
            problems.add(f"enter {what}", column=column)
        return None
    try:
        return to_money(value, field=what)
    except MoneyError as error:
        reason = str(error).removeprefix(f"{what}: ")
        problems.add(f"enter {what} in pounds and pence, like 1234.56: {reason}", column=column)
        return None


def _choice(enum_class: Any, value: object, column: str, message: str, problems: Problems) -> Any:
    try:
        return enum_class(value)
    except ValueError:
        problems.add(message, column=column)
        return None


def _stream(code: str | None, problems: Problems) -> GrantStream | None:
    stream = db.session.scalar(
        select(GrantStream).where(GrantStream.code == (code or "").strip().upper())
    )
    if stream is None:
        problems.add("choose the grant this line is paid from", column="grant_stream")
    return stream


def is_given(value: object) -> bool:
    """Whether something was typed (blank text is nothing)."""
    return value is not None and not (isinstance(value, str) and not value.strip())
