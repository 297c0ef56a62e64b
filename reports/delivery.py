"""The delivery plan for the Home Office, per recipient (a spoke or the Hub) or consolidated
for the partnership: each recipient's latest approved plan (or, for a draft, its latest
version), its header and lines with the Q1-Q4 profile. Read-only."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from core.money import ZERO
from exports.charts import Series, grouped_bar_chart
from extensions import db
from grants.plans.queries import (
    allocations_of,
    approved_plan_for,
    latest_plan_for,
    plan_recipients_all,
    summarise_plan,
)
from grants.returns.queries import recipient_by_code
from grants.vocabulary import Category
from reference.models import GrantStream, Organisation
from reports.document import MONEY, PERCENT, Column, Figure, Report, Sheet, Table, percent
from reports.queries import ReportError, check_year
from web.templating import partnership_name

# A delivery plan's activity lines, as the Home Office template lists them.
PLAN_LINE_COLUMNS = (
    Column("Line"),
    Column("Activity"),
    Column("Category"),
    Column("Grant"),
    Column("Labour or non-labour"),
    Column("Revenue or capital"),
    Column("YEF strand"),
    Column("Provider"),
    Column("Q1", MONEY),
    Column("Q2", MONEY),
    Column("Q3", MONEY),
    Column("Q4", MONEY),
    Column("Annual budget", MONEY),
    Column("Output targets"),
)


def delivery_plan(year: str, spoke: str | None = None, *, allow_draft: bool = False) -> Report:
    check_year(year)
    if spoke:
        recipient = recipient_by_code(spoke)
        if recipient is None:
            raise ReportError(f"Unknown spoke {spoke!r}: give a spoke's or the Hub's code.")
        recipients = [recipient]
    else:
        recipients = plan_recipients_all(year)
    streams = {s.code: s.name for s in db.session.scalars(select(GrantStream))}
    reasons: list[str] = []
    sheets: list[Sheet] = []
    summary_rows = []
    chart_names, chart_allocated, chart_planned = [], [], []
    for recipient in recipients:
        plan = approved_plan_for(recipient.id, year)
        if plan is None:
            plan = latest_plan_for(recipient.id, year)
            reasons.append(
                f"{recipient.name} has no plan for {year}."
                if plan is None
                else f"{recipient.name}'s plan is {plan.status.value}, not approved."
            )
        allocations = allocations_of(recipient.id, year)
        if plan is None:
            continue
        sheets.append(_recipient_sheet(recipient, plan, streams))
        summary = summarise_plan(plan)
        for figures in summary.streams:
            summary_rows.append(
                (
                    recipient.name,
                    streams.get(figures.stream, figures.stream),
                    allocations.get(figures.stream, ZERO),
                    figures.total,
                    figures.interventions,
                    percent(figures.interventions, figures.total),
                    figures.evaluation,
                    figures.management,
                    f"Version {plan.version}, {plan.status.value}",
                )
            )
        chart_names.append(recipient.name)
        chart_allocated.append(sum(allocations.values(), ZERO))
        chart_planned.append(sum((f.total for f in summary.streams), ZERO))
    if not sheets:
        raise ReportError(f"No delivery plans for {year}" + (f" from {spoke}." if spoke else "."))
    if reasons and not allow_draft:
        raise ReportError(
            f"The {year} delivery plan is not final: "
            + " ".join(reasons)
            + " Produce it as a draft (--draft) to see it marked DRAFT."
        )
    summary_table = Table(
        "Allocations and plans",
        (
            Column("Recipient"),
            Column("Grant"),
            Column("Allocation", MONEY),
            Column("Planned", MONEY),
            Column("Interventions", MONEY),
            Column("Interventions share", PERCENT),
            Column("Evaluation", MONEY),
            Column("Management and administration", MONEY),
            Column("Plan"),
        ),
        summary_rows,
    )
    who = recipients[0].name if spoke else "the partnership"
    caption = f"Allocation and planned spend by recipient, {year}"
    chart = grouped_bar_chart(
        chart_names,
        [Series("Allocation", chart_allocated), Series("Planned", chart_planned)],
        title=caption,
    )
    return Report(
        title=f"Delivery plan {year}: {who}",
        partnership=partnership_name(),
        subtitle="For the Home Office: activity lines with the quarterly profile.",
        sheets=[
            Sheet("Allocations and plans", [summary_table], figures=[Figure(caption, chart)]),
            *sheets,
        ],
        is_draft=bool(reasons),
        draft_reasons=reasons,
    )


def _recipient_sheet(recipient: Organisation, plan: object, streams: dict[str, str]) -> Sheet:
    rows = []
    for line in plan.lines:  # type: ignore[attr-defined]
        rows.append(
            (
                line.line_ref,
                line.title,
                line.category.label,
                streams.get(line.grant_stream.code, line.grant_stream.code),
                line.cost_type.label,
                line.spend_type.label,
                line.yef_strand,
                line.provider,
                line.q1,
                line.q2,
                line.q3,
                line.q4,
                line.annual_budget,
                line.output_targets,
            )
        )
    by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in plan.lines:  # type: ignore[attr-defined]
        by_category[line.category.label] += line.annual_budget
    lines = Table(
        f"{recipient.name}: activity lines",
        PLAN_LINE_COLUMNS,
        rows,
        sheet_name=recipient.name,
    )
    categories = Table(
        f"{recipient.name}: by category",
        (Column("Category"), Column("Annual budget", MONEY)),
        [(c.label, by_category[c.label]) for c in Category if c.label in by_category],
        sheet_name=f"{recipient.name[:18].strip()} by category",
    )
    return Sheet(
        recipient.name,
        [lines, categories],
        intro=(
            ("Lead", plan.lead_name or "–"),  # type: ignore[attr-defined]
            ("s151 contact", plan.s151_contact or "–"),  # type: ignore[attr-defined]
            ("Priorities", plan.priorities or "–"),  # type: ignore[attr-defined]
        ),
    )
