"""The records behind each Home Office output, gathered into plain ``document.Report`` values.

Read-only. Each builder raises ``ReportError`` (exit status 1 on the command line, 404 on the
web) for an unknown grant, spoke, year or quarter, and for returns or plans still in draft
unless the caller asks for a draft (which is then marked DRAFT on every page and sheet).
Figures come from the existing arithmetic: ``grants.returns.queries.build_return_figures``
and ``grants.returns.status.status_report`` (allocation, spend, forecast, underspend, match),
and the interventions register (reach).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allocations.models import Allocation, AllocationStatus
from commissioning.interventions.models import Intervention
from core.money import ZERO
from core.problems import DomainError
from extensions import db
from grants.returns.models import QuarterlyReturn
from grants.returns.queries import (
    COUNTED,
    build_return_figures,
    recipient_order,
    stream_by_code,
)
from grants.vocabulary import Category
from reference.models import FinancialYearRecord, GrantStream, Organisation
from reports.document import COUNT, MONEY, PERCENT, Column, Report, Sheet, Table, percent
from web.templating import partnership_name

SIGN_OFF = ("OPCC chief finance officer (s151)", "Police and Crime Commissioner or delegate")


class ReportError(DomainError):
    """An output cannot be produced as asked (unknown year, grant, spoke or quarter; drafts)."""


def check_year(year: str) -> None:
    known = set(db.session.scalars(select(FinancialYearRecord.label)))
    if year not in known:
        raise ReportError(
            f"Unknown financial year {year!r}: the years are {', '.join(sorted(known)) or 'none'}."
        )


def report_years() -> list[str]:
    """The partnership's financial years, newest first."""
    return sorted(db.session.scalars(select(FinancialYearRecord.label)), reverse=True)


def check_stream(code: str) -> GrantStream:
    stream = stream_by_code(code)
    if stream is None:
        codes = ", ".join(db.session.scalars(select(GrantStream.code).order_by(GrantStream.code)))
        raise ReportError(f"Unknown grant {code!r}: the grants are {codes}.")
    return stream


def check_quarter(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise ReportError(f"Unknown quarter {quarter}: a quarter is 1, 2, 3 or 4.")


def _allocated_recipients(stream_id: int, year: str) -> list[Organisation]:
    statement = (
        select(Organisation)
        .join(Allocation, Allocation.recipient_id == Organisation.id)
        .where(
            Allocation.financial_year == year,
            Allocation.grant_stream_id == stream_id,
            Allocation.status == AllocationStatus.ACTIVE,
        )
        .distinct()
    )
    return sorted(db.session.scalars(statement), key=recipient_order)


# --- the quarterly Home Office spend return ------------------------------------------------------


def quarterly_return(code: str, year: str, quarter: int, *, allow_draft: bool = False) -> Report:
    """One grant's return for a quarter, consolidated across its recipients."""
    stream = check_stream(code)
    check_year(year)
    check_quarter(quarter)
    returns = list(
        db.session.scalars(
            select(QuarterlyReturn)
            .where(
                QuarterlyReturn.grant_stream_id == stream.id,
                QuarterlyReturn.financial_year == year,
                QuarterlyReturn.quarter == quarter,
            )
            .options(selectinload(QuarterlyReturn.recipient))
        )
    )
    returns.sort(key=lambda r: recipient_order(r.recipient))
    expected = _allocated_recipients(stream.id, year)
    if not returns and not expected:
        raise ReportError(f"No {stream.name} allocations or returns for {year} Q{quarter}.")
    reasons = []
    have = {r.recipient_id for r in returns}
    missing = [o.name for o in expected if o.id not in have]
    if missing:
        reasons.append(f"No return yet from {', '.join(missing)}.")
    drafts = [r.recipient.name for r in returns if r.status not in COUNTED]
    if drafts:
        reasons.append(f"Returns still in draft: {', '.join(drafts)}.")
    if reasons and not allow_draft:
        raise ReportError(
            f"The {stream.name} return for {year} Q{quarter} is not complete: "
            + " ".join(reasons)
            + " Produce it as a draft (--draft) to see it marked DRAFT."
        )
    figures = [(r, build_return_figures(r)) for r in returns]

    by_category: dict[Category, list[Decimal]] = defaultdict(lambda: [ZERO] * 6)
    by_cost: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 4)
    reasons_by_category: dict[Category, list[str]] = defaultdict(list)
    for ret, fig in figures:
        for row in fig.rows:
            f = row.figures
            sums = by_category[row.plan_line.category]
            for i, v in enumerate(
                (
                    f.annual_budget,
                    f.profile,
                    f.actual,
                    f.year_to_date,
                    f.forecast_outturn,
                    f.variance,
                )
            ):
                sums[i] += v
            cost = by_cost[row.plan_line.cost_type.label]
            for i, v in enumerate((f.annual_budget, f.actual, f.year_to_date, f.forecast_outturn)):
                cost[i] += v
            if (row.line.variance_reason or "").strip():
                reasons_by_category[row.plan_line.category].append(
                    f"{ret.recipient.name}: {row.line.variance_reason.strip()}"
                )
    finance = Table(
        "Finance by category",
        (
            Column("Category"),
            Column("Annual budget", MONEY),
            Column(f"Q{quarter} profile", MONEY),
            Column(f"Q{quarter} actual", MONEY),
            Column("Year to date", MONEY),
            Column("Forecast outturn", MONEY),
            Column("Variance (actual less profile)", MONEY),
            Column("Variance reason"),
        ),
        [
            (c.label, *by_category[c], "; ".join(reasons_by_category[c]) or None)
            for c in Category
            if c in by_category
        ],
    )
    labour = Table(
        "Labour and non-labour",
        (
            Column("Cost type"),
            Column("Annual budget", MONEY),
            Column(f"Q{quarter} actual", MONEY),
            Column("Year to date", MONEY),
            Column("Forecast outturn", MONEY),
        ),
        [(name, *values) for name, values in sorted(by_cost.items())],
    )
    match_rows = []
    for ret, fig in figures:
        rf = fig.recipient
        match_rows.append(
            (
                ret.recipient.name,
                rf.spent_to_date,
                rf.match_cash,
                rf.match_in_kind,
                rf.match_total,
                rf.match_share,
                rf.min_match_percent,
                "Yes"
                if rf.meets_match_minimum
                else "No"
                if rf.meets_match_minimum is False
                else "–",
            )
        )
    match = Table(
        "Match funding (year to date)",
        (
            Column("Recipient"),
            Column("Grant spend to date", MONEY),
            Column("Cash", MONEY),
            Column("In kind", MONEY),
            Column("Total match", MONEY),
            Column("Share of grant spend", PERCENT),
            Column("Minimum share", PERCENT),
            Column("Meets the minimum"),
        ),
        match_rows,
    )
    claim_rows = []
    for ret, fig in figures:
        claim = next((c for c in fig.recipient.claims if c.quarter == quarter), None)
        claim_rows.append(
            (
                ret.recipient.name,
                ret.status.value.replace("_", " "),
                claim.eligible_spend if claim else ZERO,
                claim.amount if claim else ZERO,
                claim.cumulative if claim else ZERO,
                fig.recipient.allocation,
                ret.certified_name,
                ret.certified_role,
            )
        )
    claims = Table(
        f"Claim for Q{quarter}",
        (
            Column("Recipient"),
            Column("Return status"),
            Column("Eligible spend in the quarter", MONEY),
            Column("Claimed", MONEY),
            Column("Claimed to date", MONEY),
            Column("Allocation", MONEY),
            Column("Certified by"),
            Column("Role"),
        ),
        claim_rows,
    )
    recipients = {r.recipient_id for r in returns} | {o.id for o in expected}
    interventions = _intervention_table(year, quarter, recipients)
    shares = []
    for ret, fig in figures:
        ytd = {c: ZERO for c in (Category.INTERVENTIONS, Category.EVALUATION)}
        total = ZERO
        for row in fig.rows:
            total += row.figures.year_to_date
            if row.plan_line.category in ytd:
                ytd[row.plan_line.category] += row.figures.year_to_date
        spent_on = ytd[Category.INTERVENTIONS]
        shares.append(
            (
                ret.recipient.name,
                total,
                spent_on,
                percent(spent_on, total),
                ytd[Category.EVALUATION],
                percent(ytd[Category.EVALUATION], spent_on),
            )
        )
    evaluation = Table(
        "Interventions and evaluation spend",
        (
            Column("Recipient"),
            Column("Spend to date", MONEY),
            Column("On interventions", MONEY),
            Column("Interventions share", PERCENT),
            Column("On evaluation", MONEY),
            Column("Evaluation share of interventions", PERCENT),
        ),
        shares,
        sheet_name="Interventions and evaluation",
    )
    reach_table = Table(
        "Reach by age band",
        (
            Column("Recipient"),
            Column("Under 10", COUNT),
            Column("10 to 14", COUNT),
            Column("15 to 17", COUNT),
            Column("18 to 24", COUNT),
            Column("Parents and carers", COUNT),
            Column("Professionals", COUNT),
        ),
        [
            (
                r.recipient.name,
                r.reach_under_10,
                r.reach_10_14,
                r.reach_15_17,
                r.reach_18_24,
                r.reach_parents_carers,
                r.reach_professionals,
            )
            for r in returns
        ],
        note=f"Children and young people reached in Q{quarter}, as each return records them.",
    )
    return Report(
        title=f"{stream.name}: quarterly spend return {year} Q{quarter}",
        partnership=partnership_name(),
        subtitle=f"Consolidated across {len(recipients)} recipients for the Home Office.",
        sheets=[
            Sheet("Finance", [finance, labour]),
            Sheet("Match funding", [match]),
            Sheet("Interventions", [evaluation, interventions, reach_table]),
            Sheet("Claim", [claims]),
            Sheet(
                "Narrative",
                [
                    Table(
                        "Narrative",
                        (Column("Recipient"), Column("Delivery progress"), Column("Risks")),
                        [(r.recipient.name, r.narrative, r.risks) for r in returns],
                        total=False,
                    )
                ],
            ),
        ],
        is_draft=bool(reasons),
        draft_reasons=reasons,
        sign_off=SIGN_OFF,
    )


def _intervention_table(year: str, quarter: int | None, recipient_ids: set[int]) -> Table:
    rows = []
    statement = (
        select(Intervention)
        .where(Intervention.financial_year == year)
        .options(selectinload(Intervention.spokes), selectinload(Intervention.reach))
        .order_by(Intervention.name)
    )
    for item in db.session.scalars(statement):
        spokes = [s for s in item.spokes if s.id in recipient_ids]
        if not spokes:
            continue
        bands = [0, 0, 0, 0]
        for reach in item.reach:
            if reach.financial_year == year and (quarter is None or reach.quarter <= quarter):
                for i, name in enumerate(
                    ("reach_under_10", "reach_10_14", "reach_15_17", "reach_18_24")
                ):
                    bands[i] += getattr(reach, name)
        rows.append(
            (
                item.name,
                ", ".join(s.name for s in spokes),
                item.yef_strand.name if item.yef_strand else None,
                item.annual_cost,
                *bands,
                item.status.value.replace("_", " "),
            )
        )
    return Table(
        "Interventions",
        (
            Column("Intervention"),
            Column("Spokes"),
            Column("YEF strand"),
            Column("Annual cost", MONEY),
            Column("Under 10", COUNT),
            Column("10 to 14", COUNT),
            Column("15 to 17", COUNT),
            Column("18 to 24", COUNT),
            Column("Status"),
        ),
        rows,
        note="Reach year to date from the interventions register.",
    )
