"""Delivery plan checks (pure: plain frozen dataclasses in, problems out; no Flask, no database).

Each check is a plain function that returns a list of problems instead of raising on the first
(the beancount validation style), so a plan page can list every problem before submission and a
refused submission can say all that is wrong at once. Each problem names its line (``line_ref``)
or its grant stream, and the field (``column``).

The shares, and why they are worked out per grant stream: the conditions (minimum interventions
share, evaluation share, admin cap) are settings of each grant's award for the year, so the VRU
award's conditions apply to the VRU lines and the SVD award's to the SVD lines.

- **interventions share** = interventions lines of the stream / all lines of the stream x 100;
  at least the award's ``min_interventions_percent``;
- **evaluation share** = evaluation lines of the stream / interventions lines of the stream
  x 100 (a share of intervention spend, as the Home Office states it); at least the award's
  ``evaluation_percent``; not checked when the stream has no interventions spend (there is
  nothing to evaluate, and a minimum interventions share catches a plan without any);
- **admin share** = management and administration lines of the stream / all lines of the stream
  x 100; at most the award's ``admin_cap_percent``.

A condition of ``None`` is not checked. The denominators are the plan's own totals, which equal
the allocation once the lines add up to it (itself a check). Comparisons are exact (no share is
rounded before it is compared); the percentages in messages are rounded towards the side that
failed, so a share just short of a 60% minimum reads 59.99%, never 60.00%.

Worked example, a spoke with £1,000.00 of VRU and the conditions 60% interventions, 5%
evaluation, 10% admin cap::

    >>> conditions = [StreamConditions("VRU", Decimal("1000.00"), Decimal("60"),
    ...                                Decimal("5"), Decimal("10"))]
    >>> lines = [
    ...     build_line("STF-01", Category.STAFFING, "300.00"),
    ...     build_line("INT-01", Category.INTERVENTIONS, "550.00", yef_strand="Mentoring"),
    ...     build_line("EVL-01", Category.EVALUATION, "20.00"),
    ...     build_line("ADM-01", Category.MANAGEMENT, "130.00"),
    ... ]
    >>> for problem in check_plan(lines, conditions):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(problem)
    VRU, column category: interventions are 55.00% of the VRU lines (£550.00 of £1,000.00); the
    minimum is 60%: plan at least £600.00 on interventions
    VRU, column category: evaluation is 3.63% of VRU interventions spend (£20.00 of £550.00);
    the minimum is 5%: plan at least £27.50 on evaluation
    VRU, column category: management and administration is 13.00% of the VRU lines (£130.00 of
    £1,000.00); the cap is 10%: plan at most £100.00 on it
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_UP, Decimal

from core.money import PENNY, ZERO, format_gbp, round_to_unit
from core.problems import Problem, Problems
from grants.plans.figures import (
    HUNDRED,
    PlanLineFigures,
    StreamConditions,
    StreamFigures,
    build_line,
    figures_by_stream,
    format_share,
    percent_of,
    split_evenly,
    sum_amounts,
    total_by_stream,
)
from grants.vocabulary import Category, SpendType

# The figures the checks read are defined with the arithmetic in ``plan_figures``; they are
# named here too so that callers can take the checks and their inputs from one place.
__all__ = [
    "LINE_CHECKS",
    "PLAN_CHECKS",
    "PlanHeader",
    "PlanLineFigures",
    "PlanProblem",
    "StreamConditions",
    "StreamFigures",
    "build_line",
    "check_admin_cap",
    "check_allocations",
    "check_amounts",
    "check_capital",
    "check_evaluation_share",
    "check_header",
    "check_interventions_share",
    "check_line",
    "check_line_refs",
    "check_lines",
    "check_plan",
    "check_profile",
    "check_yef_strand",
    "figures_by_stream",
    "format_share",
    "percent_of",
    "plan_warnings",
    "split_evenly",
    "total_by_stream",
]

QUARTER_FIELDS = ("q1", "q2", "q3", "q4")


@dataclass(frozen=True)
class PlanHeader:
    lead_name: str | None
    s151_contact: str | None


@dataclass(frozen=True)
class PlanProblem(Problem):
    """A problem with a plan, naming the line (or the grant stream) it is about.

    >>> str(PlanProblem("a YEF strand is required", column="yef_strand", line_ref="INT-01"))
    'line INT-01, column yef_strand: a YEF strand is required'
    """

    line_ref: str | None = None
    stream: str | None = None

    @property
    def where(self) -> str:
        parts = []
        if self.line_ref:
            parts.append(f"line {self.line_ref}")
        elif self.stream:
            parts.append(self.stream)
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


# --- checks of one line ------------------------------------------------------------------------


def check_amounts(item: PlanLineFigures) -> list[PlanProblem]:
    """No negative amounts: a plan budgets spending, and a credit is not a plan.

    >>> refund = build_line("A", Category.STAFFING, "-5.00", profile=["-5.00", "0", "0", "0"])
    >>> [p.column for p in check_amounts(refund)]
    ['annual_budget', 'q1']
    """
    problems = []
    if item.annual_budget < 0:
        problems.append(
            PlanProblem(
                f"the annual budget is {format_gbp(item.annual_budget)}; amounts must not be "
                "negative",
                column="annual_budget",
                line_ref=item.ref,
            )
        )
    for name, amount in zip(QUARTER_FIELDS, item.profile, strict=True):
        if amount < 0:
            problems.append(
                PlanProblem(
                    f"{name.upper()} is {format_gbp(amount)}; amounts must not be negative",
                    column=name,
                    line_ref=item.ref,
                )
            )
    return problems


def check_profile(item: PlanLineFigures) -> list[PlanProblem]:
    """Q1 to Q4 add up to the annual budget exactly.

    >>> short = build_line("STF-01", Category.STAFFING, "100.00",
    ...                    profile=["25.00", "25.00", "25.00", "24.99"])
    >>> print(check_profile(short)[0])  # doctest: +NORMALIZE_WHITESPACE
    line STF-01, column profile: Q1 to Q4 add up to £99.99, £0.01 less than the annual budget of
    £100.00
    """
    profiled = sum_amounts(item.profile)
    if profiled == item.annual_budget:
        return []
    return [
        PlanProblem(
            f"Q1 to Q4 add up to {format_gbp(profiled)}, "
            f"{_more_or_less(profiled - item.annual_budget)} the annual budget of "
            f"{format_gbp(item.annual_budget)}",
            column="profile",
            line_ref=item.ref,
        )
    ]


def check_yef_strand(item: PlanLineFigures) -> list[PlanProblem]:
    """An interventions line names its Youth Endowment Fund Toolkit strand.

    >>> print(check_yef_strand(build_line("INT-01", Category.INTERVENTIONS, "1.00"))[0])
    line INT-01, column yef_strand: an interventions line needs its YEF Toolkit strand
    """
    if item.category is Category.INTERVENTIONS and not (item.yef_strand or "").strip():
        return [
            PlanProblem(
                "an interventions line needs its YEF Toolkit strand",
                column="yef_strand",
                line_ref=item.ref,
            )
        ]
    return []


def check_capital(item: PlanLineFigures) -> list[PlanProblem]:
    """A capital line is capital spend (the other way round is only a warning: see
    ``plan_warnings``).

    >>> revenue = build_line("CAP-01", Category.CAPITAL, "1.00", spend_type=SpendType.REVENUE)
    >>> print(check_capital(revenue)[0])
    line CAP-01, column spend_type: a capital line must be capital spend, not revenue
    """
    if item.category is Category.CAPITAL and item.spend_type is not SpendType.CAPITAL:
        return [
            PlanProblem(
                "a capital line must be capital spend, not revenue",
                column="spend_type",
                line_ref=item.ref,
            )
        ]
    return []


LINE_CHECKS: tuple[Callable[[PlanLineFigures], list[PlanProblem]], ...] = (
    check_amounts,
    check_profile,
    check_yef_strand,
    check_capital,
)


def check_line(item: PlanLineFigures) -> Problems:
    """Every check of one line on its own (what saving a line refuses)."""
    problems = Problems()
    for check in LINE_CHECKS:
        problems.extend(check(item))
    return problems


# --- checks of the whole plan --------------------------------------------------------------------


def check_line_refs(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[PlanProblem]:
    """Each line has a reference, used once in the plan (returns name lines by reference).

    >>> print(check_line_refs([build_line("A", Category.STAFFING, "1.00"),
    ...                        build_line("A", Category.TRAINING, "1.00")], [])[0])
    line A, column line_ref: the reference A is used by 2 lines; give each line its own
    """
    problems = []
    counts = Counter(x.ref.strip() for x in lines)
    if counts.get(""):
        problems.append(PlanProblem("every line needs a reference", column="line_ref"))
    for ref, count in counts.items():
        if ref and count > 1:
            problems.append(
                PlanProblem(
                    f"the reference {ref} is used by {count} lines; give each line its own",
                    column="line_ref",
                    line_ref=ref,
                )
            )
    return problems


def check_lines(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[PlanProblem]:
    """The one-line checks, for every line."""
    return [problem for item in lines for check in LINE_CHECKS for problem in check(item)]


def check_allocations(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[PlanProblem]:
    """For each grant, the lines add up to the recipient's allocation exactly; a line on a grant
    the recipient has no allocation of is refused.

    >>> conditions = [StreamConditions("VRU", Decimal("1000.00")),
    ...               StreamConditions("SVD", Decimal("200.00"))]
    >>> lines = [build_line("A", Category.STAFFING, "1000.01"),
    ...          build_line("B", Category.STAFFING, "5.00", stream="X")]
    >>> for p in check_allocations(lines, conditions):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(p)
    VRU, column annual_budget: the VRU lines add up to £1,000.01, £0.01 more than the VRU
    allocation of £1,000.00
    SVD, column annual_budget: the SVD lines add up to £0.00, £200.00 less than the SVD
    allocation of £200.00
    X, column grant_stream: line B is on X, but there is no X allocation for this recipient and year
    """
    problems = []
    for figures in figures_by_stream(lines, conditions):
        stream = figures.stream
        if figures.allocation is None:
            refs = [x.ref for x in lines if x.stream == stream]
            if refs:
                problems.append(
                    PlanProblem(
                        f"{_line_list(refs)} on {stream}, but there is no {stream} allocation for "
                        "this recipient and year",
                        column="grant_stream",
                        stream=stream,
                    )
                )
            continue
        if figures.total != figures.allocation:
            problems.append(
                PlanProblem(
                    f"the {stream} lines add up to {format_gbp(figures.total)}, "
                    f"{_more_or_less(figures.total - figures.allocation)} the {stream} allocation "
                    f"of {format_gbp(figures.allocation)}",
                    column="annual_budget",
                    stream=stream,
                )
            )
    return problems


def check_interventions_share(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[PlanProblem]:
    """Interventions are at least the award's minimum share of the stream's lines.

    >>> conditions = [StreamConditions("VRU", None, min_interventions_percent=Decimal("60"))]
    >>> lines = [build_line("I", Category.INTERVENTIONS, "60.00", yef_strand="M"),
    ...          build_line("S", Category.STAFFING, "40.00")]
    >>> check_interventions_share(lines, conditions)
    []
    """
    problems = []
    for figures, condition in _with_conditions(lines, conditions):
        minimum = condition.min_interventions_percent
        if minimum is None or figures.total == 0:
            continue
        if figures.interventions * HUNDRED < minimum * figures.total:
            share = _shown(figures.interventions_percent, ROUND_DOWN)
            needed = round_to_unit(minimum * figures.total / HUNDRED, rounding=ROUND_CEILING)
            problems.append(
                PlanProblem(
                    f"interventions are {share}% of the {figures.stream} lines "
                    f"({format_gbp(figures.interventions)} of {format_gbp(figures.total)}); the "
                    f"minimum is {_percent(minimum)}%: plan at least {format_gbp(needed)} on "
                    "interventions",
                    column="category",
                    stream=figures.stream,
                )
            )
    return problems


def check_evaluation_share(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[PlanProblem]:
    """Evaluation is at least the award's share of the stream's interventions spend (not
    checked when there is no interventions spend).

    >>> conditions = [StreamConditions("SVD", None, evaluation_percent=Decimal("5"))]
    >>> lines = [build_line("E", Category.EVALUATION, "10.00", stream="SVD")]
    >>> check_evaluation_share(lines, conditions)
    []
    """
    problems = []
    for figures, condition in _with_conditions(lines, conditions):
        minimum = condition.evaluation_percent
        if minimum is None or figures.interventions == 0:
            continue
        if figures.evaluation * HUNDRED < minimum * figures.interventions:
            share = _shown(figures.evaluation_percent, ROUND_DOWN)
            needed = round_to_unit(
                minimum * figures.interventions / HUNDRED, rounding=ROUND_CEILING
            )
            problems.append(
                PlanProblem(
                    f"evaluation is {share}% of {figures.stream} interventions spend "
                    f"({format_gbp(figures.evaluation)} of {format_gbp(figures.interventions)}); "
                    f"the minimum is {_percent(minimum)}%: plan at least {format_gbp(needed)} on "
                    "evaluation",
                    column="category",
                    stream=figures.stream,
                )
            )
    return problems


def check_admin_cap(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> list[PlanProblem]:
    """Management and administration is at most the award's cap of the stream's lines.

    >>> conditions = [StreamConditions("VRU", None, admin_cap_percent=Decimal("10"))]
    >>> lines = [build_line("A", Category.MANAGEMENT, "10.00"),
    ...          build_line("S", Category.STAFFING, "90.00")]
    >>> check_admin_cap(lines, conditions)
    []
    """
    problems = []
    for figures, condition in _with_conditions(lines, conditions):
        cap = condition.admin_cap_percent
        if cap is None or figures.total == 0:
            continue
        if figures.management * HUNDRED > cap * figures.total:
            share = _shown(figures.management_percent, ROUND_UP)
            allowed = round_to_unit(cap * figures.total / HUNDRED, rounding=ROUND_DOWN)
            problems.append(
                PlanProblem(
                    f"management and administration is {share}% of the {figures.stream} lines "
                    f"({format_gbp(figures.management)} of {format_gbp(figures.total)}); the cap "
                    f"is {_percent(cap)}%: plan at most {format_gbp(allowed)} on it",
                    column="category",
                    stream=figures.stream,
                )
            )
    return problems


PLAN_CHECKS: tuple[
    Callable[[Sequence[PlanLineFigures], Sequence[StreamConditions]], list[PlanProblem]], ...
] = (
    check_line_refs,
    check_lines,
    check_allocations,
    check_interventions_share,
    check_evaluation_share,
    check_admin_cap,
)


def check_plan(
    lines: Sequence[PlanLineFigures], conditions: Sequence[StreamConditions]
) -> Problems:
    """Every check of a plan's lines against its allocations and conditions, in order: line
    references, each line, the totals against the allocations, then the shares."""
    problems = Problems()
    for check in PLAN_CHECKS:
        problems.extend(check(lines, conditions))
    return problems


def check_header(header: PlanHeader) -> Problems:
    """A plan names its lead and its section 151 (chief finance officer) contact before it is
    submitted.

    >>> [p.column for p in check_header(PlanHeader(lead_name=" ", s151_contact=None))]
    ['lead_name', 's151_contact']
    """
    problems = Problems()
    if not (header.lead_name or "").strip():
        problems.extend([PlanProblem("enter the name of the plan's lead", column="lead_name")])
    if not (header.s151_contact or "").strip():
        problems.extend(
            [PlanProblem("enter the section 151 officer contact", column="s151_contact")]
        )
    return problems


def plan_warnings(lines: Sequence[PlanLineFigures]) -> Problems:
    """Things worth a second look that do not stop a submission: capital spend on a line whose
    category is not capital (equipment for an intervention, say, is allowed, but check it).

    >>> kit = build_line("INT-02", Category.INTERVENTIONS, "1.00", yef_strand="M",
    ...                  spend_type=SpendType.CAPITAL)
    >>> print(plan_warnings([kit])[0])  # doctest: +NORMALIZE_WHITESPACE
    line INT-02, column spend_type: capital spend in the category Interventions: check the grant
    agreement allows it, or make it a capital line
    """
    problems = Problems()
    for item in lines:
        if item.spend_type is SpendType.CAPITAL and item.category is not Category.CAPITAL:
            problems.extend(
                [
                    PlanProblem(
                        f"capital spend in the category {item.category.label}: check the grant "
                        "agreement allows it, or make it a capital line",
                        column="spend_type",
                        line_ref=item.ref,
                    )
                ]
            )
    return problems


# --- helpers -------------------------------------------------------------------------------------


def _with_conditions(
    lines: Sequence[PlanLineFigures],
    conditions: Sequence[StreamConditions],
) -> list[tuple[StreamFigures, StreamConditions]]:
    by_stream = {c.stream: c for c in conditions}
    return [
        (figures, by_stream[figures.stream])
        for figures in figures_by_stream(lines, conditions)
        if figures.stream in by_stream
    ]


def _more_or_less(difference: Decimal) -> str:
    word = "more than" if difference > 0 else "less than"
    return f"{format_gbp(abs(difference))} {word}"


def _line_list(refs: Sequence[str]) -> str:
    if len(refs) == 1:
        return f"line {refs[0]} is"
    return "lines " + ", ".join(refs[:-1]) + f" and {refs[-1]} are"


def _shown(percent: Decimal | None, rounding: str) -> str:
    """A share to two decimals, rounded towards the side of the limit it failed."""
    return str((percent or ZERO).quantize(PENNY, rounding=rounding))


def _percent(value: Decimal) -> str:
    """A condition as it was set: ``60`` rather than ``60.00``."""
    return format(value.normalize(), "f")
