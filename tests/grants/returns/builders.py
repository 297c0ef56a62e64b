"""Builders for the quarterly return tests: an award, allocations, an approved plan, returns.

Keyword defaults everywhere, so each test sets only what matters. The default world: Bristol has
a VRU allocation of £12,000.00 for 2024-25 and an approved plan with two VRU lines, V1 staffing
(£4,000.00, £1,000.00 a quarter) and V2 interventions (£8,000.00, £2,000.00 a quarter); the
award's thresholds are 10% or £5,000.00 and its minimum match share 20%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import select

from allocations.models import Allocation, FormulaRun, FormulaVersion, IndicatorDataset, RunStatus
from auth.models import User
from auth.roles import Role
from extensions import db
from grants.awards.models import GrantAward
from grants.plans.models import DeliveryPlan, PlanLine
from grants.returns import services
from grants.returns.entries import LineEntry, MatchEntry, ReturnEntries, reach_entries
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import Category, CostType, ReviewStatus
from reference.models import GrantStream, Organisation
from tests.builders import make_grant_stream, make_hub, make_spoke, make_user

YEAR = "2024-25"
_runs = count(1)
# (ref, title, category, cost type, annual budget, profile per quarter)
DEFAULT_LINES = (
    ("V1", "Spoke coordinator", Category.STAFFING, CostType.LABOUR, "4000.00", "1000.00"),
    ("V2", "Targeted mentoring", Category.INTERVENTIONS, CostType.NON_LABOUR, "8000.00", "2000.00"),
)


def make_award(stream: str = "VRU", year: str = YEAR, **fields: Any) -> GrantAward:
    """The year's award for a grant (created once; ``fields`` set on it either way)."""
    grant = make_grant_stream(stream)
    award = db.session.scalar(
        select(GrantAward).where(
            GrantAward.grant_stream_id == grant.id, GrantAward.financial_year == year
        )
    )
    if award is None:
        award = GrantAward(
            grant_stream=grant,
            financial_year=year,
            indicative_amount=Decimal("100000.00"),
            min_match_percent=Decimal("20"),
            variance_threshold_percent=Decimal("10"),
            variance_threshold_amount=Decimal("5000.00"),
        )
        db.session.add(award)
    for name, value in fields.items():
        setattr(award, name, value)
    db.session.commit()
    return award


def _minimal_run(stream: GrantStream, year: str) -> FormulaRun:
    version = FormulaVersion(
        name="Test",
        version=f"{stream.code}-{year}-{next(_runs)}",
        source_toml="",
        grant_code=stream.code,
        financial_year=year,
    )
    dataset = IndicatorDataset(name="Test", version=next(_runs))
    run = FormulaRun(
        label="test allocations",
        formula_version=version,
        dataset=dataset,
        pot=Decimal("0.00"),
        total=Decimal("0.00"),
        result={},
        status=RunStatus.APPROVED,
        grant_stream=stream,
        financial_year=year,
        decision_reference="TEST",
    )
    db.session.add(run)
    return run


def make_allocations(
    amounts: dict[str, str], *, stream: str = "VRU", year: str = YEAR
) -> dict[str, Allocation]:
    """Active allocations by recipient code (``hub`` is the Hub, anything else a spoke)."""
    grant = make_grant_stream(stream)
    run = _minimal_run(grant, year)
    made = {}
    for code, amount in amounts.items():
        recipient = make_hub() if code == "hub" else make_spoke(code)
        made[code] = Allocation(
            financial_year=year,
            grant_stream=grant,
            recipient=recipient,
            amount=Decimal(amount),
            run=run,
            is_top_slice=code == "hub",
        )
        db.session.add(made[code])
    db.session.commit()
    return made


def make_plan(
    recipient: Organisation,
    *,
    year: str = YEAR,
    stream: str = "VRU",
    lines: tuple[tuple[str, str, Category, CostType, str, str], ...] = DEFAULT_LINES,
    status: ReviewStatus = ReviewStatus.APPROVED,
    version: int = 1,
) -> DeliveryPlan:
    """A plan (approved by default) whose lines are all on ``stream``, profiled evenly."""
    grant = make_grant_stream(stream)
    plan = DeliveryPlan(recipient=recipient, financial_year=year, version=version, status=status)
    for position, (ref, title, category, cost_type, budget, quarter) in enumerate(lines):
        plan.lines.append(
            PlanLine(
                position=position,
                line_ref=ref,
                title=title,
                category=category,
                grant_stream=grant,
                cost_type=cost_type,
                annual_budget=Decimal(budget),
                q1=Decimal(quarter),
                q2=Decimal(quarter),
                q3=Decimal(quarter),
                q4=Decimal(quarter),
                yef_strand="Mentoring" if category is Category.INTERVENTIONS else None,
            )
        )
    db.session.add(plan)
    db.session.commit()
    return plan


@dataclass
class Setup:
    recipient: Organisation
    stream: GrantStream
    award: GrantAward
    plan: DeliveryPlan
    lead: User


def make_setup(
    spoke: str = "bristol",
    *,
    stream: str = "VRU",
    year: str = YEAR,
    allocation: str = "12000.00",
    **award_fields: Any,
) -> Setup:
    """Everything a return needs: an award, an allocation, an approved plan, and the spoke's
    lead (a Hub user when ``spoke`` is ``hub``)."""
    award = make_award(stream, year, **award_fields)
    allocated = make_allocations({spoke: allocation}, stream=stream, year=year)[spoke]
    plan = make_plan(allocated.recipient, year=year, stream=stream)
    if spoke == "hub":
        lead = make_user(role=Role.HUB, name="Harriet Hub")
    else:
        lead = make_user(role=Role.SPOKE, spoke=allocated.recipient, name=f"{spoke} lead")
    return Setup(
        recipient=allocated.recipient, stream=award.grant_stream, award=award, plan=plan, lead=lead
    )


def entries(
    values: dict[str, tuple[str, str] | tuple[str, str, str]],
    *,
    match: list[tuple[str, str, str]] | None = None,
    narrative: str | None = None,
    reach: dict[str, object] | None = None,
) -> ReturnEntries:
    """Entries from ``{ref: (actual, forecast remaining[, reason])}``; ``match`` as
    (contributor, kind, amount) with an evidence reference and, for in kind, a basis."""
    return ReturnEntries(
        lines=tuple(LineEntry(ref, *value) for ref, value in values.items()),
        match_lines=None
        if match is None
        else tuple(
            MatchEntry(
                contributor,
                kind,
                amount,
                evidence_reference="INV-1",
                valuation_basis="staff hours at cost" if "kind" in kind else None,
            )
            for contributor, kind, amount in match
        ),
        reach=reach_entries(reach or {}),
        narrative=narrative,
    )


def make_return(
    setup: Setup,
    *,
    quarter: int = 1,
    status: ReviewStatus = ReviewStatus.DRAFT,
    values: dict[str, Any] | None = None,
    match: list[tuple[str, str, str]] | None = None,
    narrative: str | None = "Delivery on track.",
    finance: User | None = None,
) -> QuarterlyReturn:
    """A return through the services, taken to ``status`` (submitting and reviewing as needed).
    ``values`` default to spending exactly the profile and forecasting the rest evenly."""
    ret = services.open_return(
        recipient_id=setup.recipient.id,
        stream_code=setup.stream.code,
        financial_year=setup.award.financial_year,
        quarter=quarter,
        user=setup.lead,
    )
    if values is None:
        values = {
            line.plan_line.line_ref: (
                str(line.plan_line.profile[quarter - 1]),
                str(sum(line.plan_line.profile[quarter:], Decimal("0.00"))),
            )
            for line in ret.lines
        }
    ret = services.save_return(
        ret.id,
        entries(values, match=match, narrative=narrative),
        lock_version=ret.lock_version,
        user=setup.lead,
    )
    if status is ReviewStatus.DRAFT:
        return ret
    ret = services.submit_return(
        ret.id,
        certified_name="Sam Spoke",
        certified_role="Spoke lead",
        certify=True,
        lock_version=ret.lock_version,
        user=setup.lead,
    )
    if status is ReviewStatus.SUBMITTED:
        return ret
    finance = finance or make_user(role=Role.FINANCE)
    if status is ReviewStatus.APPROVED:
        return services.approve_return(ret.id, lock_version=ret.lock_version, user=finance)
    return services.send_back_return(
        ret.id, comment="Please check V2.", lock_version=ret.lock_version, user=finance
    )


def make_stored_return(
    setup: Setup,
    *,
    quarter: int = 1,
    status: ReviewStatus = ReviewStatus.APPROVED,
    values: dict[str, Any] | None = None,
    match: list[tuple[str, str, str]] | None = None,
) -> QuarterlyReturn:
    """A return written straight to the database, for tests about what is done with returns
    (status, close) rather than how they are made: quicker than going through every service.
    ``values`` as for ``make_return``; the default spends the profile."""
    from grants.returns.models import MatchFundingLine, ReturnLine
    from grants.vocabulary import MatchKind

    ret = QuarterlyReturn(
        recipient=setup.recipient,
        grant_stream=setup.stream,
        financial_year=setup.award.financial_year,
        quarter=quarter,
        plan=setup.plan,
        status=status,
        narrative="Delivery on track.",
        certified_name="Sam Spoke" if status is not ReviewStatus.DRAFT else None,
    )
    for line in setup.plan.lines:
        if line.grant_stream_id != setup.stream.id:
            continue
        actual, forecast, *reason = (values or {}).get(
            line.line_ref,
            (str(line.profile[quarter - 1]), str(sum(line.profile[quarter:], Decimal("0.00")))),
        )
        ret.lines.append(
            ReturnLine(
                plan_line=line,
                actual=Decimal(actual),
                forecast_remaining=Decimal(forecast),
                variance_reason=reason[0] if reason else None,
            )
        )
    for contributor, kind, amount in match or []:
        ret.match_lines.append(
            MatchFundingLine(
                contributor=contributor,
                kind=MatchKind(kind),
                amount=Decimal(amount),
                valuation_basis="staff hours at cost" if kind == "in_kind" else None,
            )
        )
    db.session.add(ret)
    db.session.commit()
    return ret


def make_year_of_returns(
    setup: Setup,
    *,
    quarters: tuple[int, ...] = (1, 2, 3, 4),
    status: ReviewStatus = ReviewStatus.APPROVED,
    q4: dict[str, Any] | None = None,
) -> list[QuarterlyReturn]:
    """Stored returns for ``quarters`` (the profile spent), ``q4`` giving Q4's values."""
    return [
        make_stored_return(setup, quarter=q, status=status, values=q4 if q == 4 else None)
        for q in quarters
    ]


# --- spreadsheets ---------------------------------------------------------------------------------


def return_workbook(
    *,
    spoke: str = "bristol",
    grant: str = "VRU",
    year: str = YEAR,
    quarter: object = 1,
    lines: list[tuple[object, ...]] | None = None,
    total: tuple[object, object] | None = None,
    match: list[tuple[object, ...]] | None = None,
    reach: list[tuple[object, object]] | None = None,
    narrative: str = "Mentoring started in May.",
    drop_sheet: str | None = None,
    spend_header: list[str] | None = None,
) -> bytes:
    """A filled-in return workbook as a spoke would send it. ``lines`` are (line_ref, actual,
    forecast remaining[, variance reason]) with cells as Excel would hold them; the default
    spends the profile of the default plan. ``total`` adds a Total row (actual, forecast)."""
    from exports.spreadsheets import write_xlsx

    if lines is None:
        lines = [
            ("V1", Decimal("1000.00"), Decimal("3000.00")),
            ("V2", Decimal("2000.00"), Decimal("6000.00")),
        ]
    spend: list[list[object]] = [
        spend_header
        or [
            "line_ref",
            "title",
            "category",
            "annual_budget",
            "profile_q1",
            "actual",
            "forecast_remaining",
            "variance_reason",
        ]
    ]
    for ref, actual, forecast, *reason in lines:
        spend.append(
            [
                ref,
                "a line",
                "Staffing",
                Decimal("4000.00"),
                Decimal("1000.00"),
                actual,
                forecast,
                reason[0] if reason else None,
            ]
        )
    if total is not None:
        spend.append(["Total", None, None, None, None, total[0], total[1], None])
    sheets: dict[str, list[list[object]]] = {
        "Return": [
            ["field", "value", "notes"],
            ["spoke", spoke, None],
            ["grant", grant, None],
            ["financial_year", year, None],
            ["quarter", quarter, None],
            ["narrative", narrative, None],
            ["risks", None, None],
        ],
        "Spend": spend,
        "Match funding": [
            ["contributor", "kind", "amount", "evidence_reference", "valuation_basis"],
            *[list(row) for row in (match or [])],
        ],
        "Reach": [
            ["band", "number"],
            *[
                list(row)
                for row in (reach or [("Young people 10 to 14", 120), ("Professionals", 15)])
            ],
        ],
    }
    if drop_sheet:
        del sheets[drop_sheet]
    return write_xlsx(sheets)


def import_args(path: object, spoke: str = "bristol", *, lead_of: str | None = None) -> list[str]:
    """``vrp returns import`` for ``path`` as the spoke's lead (the command acts as someone):
    the first spoke lead of ``lead_of`` (``spoke`` unless given), else the first Hub user."""
    lead = db.session.scalar(
        select(User)
        .join(Organisation, User.spoke_id == Organisation.id)
        .where(Organisation.code == (lead_of or spoke), User.role == Role.SPOKE)
        .order_by(User.id)
    ) or db.session.scalar(select(User).where(User.role == Role.HUB).order_by(User.id))
    email = lead.email if lead is not None else "nobody@example.org"
    return ["returns", "import", str(path), "--spoke", spoke, "--as", email]
