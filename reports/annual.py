"""The annual finance summary, like the annual report's "Summary of finances" and "Breakdown
of spending": grants received, allocated, spent and underspent per recipient (with the reasons
recorded at the close), match funding against the minimum, the share spent on interventions
(a chart) and reach. Where the annual report disagrees with itself, the recorded figure is
shown and a note says so. Read-only."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from commissioning.interventions import queries as intervention_queries
from commissioning.interventions.models import Intervention
from core.money import ZERO
from exports.charts import Series, grouped_bar_chart
from extensions import db
from grants.returns.models import QuarterlyReturn, UnderspendRecord
from grants.returns.queries import COUNTED
from grants.returns.status import status_report
from grants.vocabulary import ReviewStatus
from reference.models import GrantStream
from reports.document import (
    COUNT,
    MONEY,
    PERCENT,
    Column,
    Figure,
    Report,
    Sheet,
    Table,
    percent,
)
from reports.queries import ReportError, check_year
from web.templating import partnership_name


def _year_reach(year: str) -> tuple[Table, list[str]]:
    """Reach as the counted returns record it, against the annual report's own figures; and
    what the interventions register adds up to, which the report's spoke sections list."""
    counted = list(
        db.session.scalars(
            select(QuarterlyReturn).where(
                QuarterlyReturn.financial_year == year, QuarterlyReturn.status.in_(COUNTED)
            )
        )
    )
    young = sum(r.reach_under_10 + r.reach_10_14 + r.reach_15_17 + r.reach_18_24 for r in counted)
    parents = sum(r.reach_parents_carers for r in counted)
    professionals = sum(r.reach_professionals for r in counted)
    everyone = list(
        db.session.scalars(select(Intervention).where(Intervention.financial_year == year))
    )
    register = intervention_queries.reach_totals(everyone, year)
    table = Table(
        "Reach",
        (
            Column("Who"),
            Column("Reached (quarterly returns)", COUNT),
            Column("Interventions register", COUNT),
        ),
        [
            ("Young people", young, register.young_people),
            ("Parents and carers", parents, register.reach_parents_carers),
            ("Professionals", professionals, register.reach_professionals),
        ],
        total=False,
        note=(
            f"Reached: the sum of the year's submitted and approved returns. The register: the "
            f"sum of the {len(everyone)} interventions recorded for {year}."
        ),
    )
    recorded = {
        "young_people": young,
        "reach_parents_carers": parents,
        "reach_professionals": professionals,
        "interventions": len(everyone),
    }
    labels = {
        "young_people": "Young people reached",
        "reach_parents_carers": "Parents and carers reached",
        "reach_professionals": "Professionals reached",
        "interventions": "Interventions",
    }
    notes = []
    for key, reported in intervention_queries.REPORTED.get(year, {}).items():
        if any(figure != recorded[key] for figure in reported):
            notes.append(
                f"{labels[key]}: the annual report gives "
                + " and ".join(f"{n:,}" for n in reported)
                + f"; the records give {recorded[key]:,}, which this summary shows."
            )
    return table, notes


# --- the annual finance summary ----------------------------------------------------------------


def annual_summary(year: str, *, allow_draft: bool = False) -> Report:
    """Like the annual report's "Summary of finances" and "Breakdown of spending"."""
    check_year(year)
    report = status_report(year)
    if not report.rows:
        raise ReportError(f"No allocations or returns for {year}.")
    drafts = list(
        db.session.scalars(
            select(QuarterlyReturn).where(
                QuarterlyReturn.financial_year == year,
                QuarterlyReturn.status == ReviewStatus.DRAFT,
            )
        )
    )
    open_streams = [code for code, closed in report.closed.items() if not closed]
    reasons = []
    if drafts:
        reasons.append(f"{len(drafts)} returns for {year} are still in draft.")
    if open_streams:
        reasons.append(f"The year is not closed for {', '.join(sorted(open_streams))}.")
    if reasons and not allow_draft:
        raise ReportError(
            f"The {year} summary is not final: "
            + " ".join(reasons)
            + " Produce it as a draft (--draft) to see it marked DRAFT."
        )
    streams = {s.code: s.name for s in db.session.scalars(select(GrantStream))}
    underspend_reasons = {
        (u.grant_stream.code, u.recipient.code): u.reason
        for u in db.session.scalars(
            select(UnderspendRecord).where(UnderspendRecord.financial_year == year)
        )
    }
    received = Table(
        "Grants received",
        (Column("Grant"), Column("Received", MONEY)),
        [(streams.get(t.stream, t.stream), t.allocation) for t in report.totals],
    )
    rows = []
    for r in report.rows:
        rows.append(
            (
                report.names.get(r.recipient, r.recipient),
                streams.get(r.stream, r.stream),
                r.allocation,
                r.spent_to_date,
                r.underspend,
                underspend_reasons.get((r.stream, r.recipient)) if r.underspend else None,
            )
        )
    spending = Table(
        "Breakdown of spending",
        (
            Column("Recipient"),
            Column("Grant"),
            Column("Allocated", MONEY),
            Column("Spent", MONEY),
            Column("Underspend", MONEY),
            Column("Reason for the underspend"),
        ),
        rows,
    )
    match = Table(
        "Match funding",
        (
            Column("Grant"),
            Column("Grant spend", MONEY),
            Column("Cash", MONEY),
            Column("In kind", MONEY),
            Column("Total match", MONEY),
            Column("Share of grant spend", PERCENT),
            Column("Minimum share", PERCENT),
        ),
        [
            (
                streams.get(t.stream, t.stream),
                t.spent_to_date,
                t.match_cash,
                t.match_in_kind,
                t.match_total,
                t.match_share,
                t.min_match_percent,
            )
            for t in report.totals
        ],
    )
    per_recipient: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for r in report.rows:
        per_recipient[report.names.get(r.recipient, r.recipient)][0] += r.spent_to_date
        per_recipient[report.names.get(r.recipient, r.recipient)][1] += r.interventions_spend
    share = Table(
        "Share spent on interventions",
        (
            Column("Recipient"),
            Column("Spent", MONEY),
            Column("On interventions", MONEY),
            Column("Share", PERCENT),
        ),
        [(name, s, i, percent(i, s)) for name, (s, i) in per_recipient.items()],
    )
    reach, notes = _year_reach(year)
    caption = f"Spend and spend on interventions by recipient, {year}"
    chart = grouped_bar_chart(
        list(per_recipient),
        [
            Series("Spent", [v[0] for v in per_recipient.values()]),
            Series("On interventions", [v[1] for v in per_recipient.values()]),
        ],
        title=caption,
    )
    return Report(
        title=f"Summary of finances {year}",
        partnership=partnership_name(),
        subtitle="Grants received, allocated, spent and underspent; match funding; reach.",
        sheets=[
            Sheet("Grants received", [received]),
            Sheet("Breakdown of spending", [spending]),
            Sheet("Match funding", [match]),
            Sheet("Interventions", [share], figures=[Figure(caption, chart)]),
            Sheet("Reach", [reach]),
        ],
        is_draft=bool(reasons),
        draft_reasons=reasons,
        notes=notes,
    )
