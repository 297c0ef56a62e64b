"""The demo's grant years: awards, delivery plans, quarterly returns and the 2023-24 close.

2023-24 is complete for the Hub and all five spokes, consistent with the annual report (VRU
£1,528,667.00 and SVD £157,181.26; Somerset allocated £439,194; underspends £1,530.04 VRU in the
Hub and £5,702.48 SVD in Bristol; match funding £2,127,311). 2024-25 is under way: Q1 approved,
Q2 submitted, and some Q2 returns still in draft. Every step goes through the same services as
the web pages, so the demo passes the same checks a user's data would.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from allocations.models import Allocation, AllocationStatus
from auth.models import User
from core.financial_year import FinancialYear
from core.money import ZERO, split_largest_remainder
from demo import grants_data as data
from extensions import db
from grants.agreements import services as agreement_services
from grants.agreements.models import GrantAgreement
from grants.awards import services as award_services
from grants.awards.models import GrantAward
from grants.plans import services as plan_services
from grants.plans.line_input import LineInput
from grants.plans.models import DeliveryPlan
from grants.returns import services as return_services
from grants.returns.entries import LineEntry, MatchEntry, ReachEntry, ReturnEntries
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import MatchKind
from reference.models import GrantStream, Organisation

RECIPIENTS = ("hub", "banes", "bristol", "north-somerset", "somerset", "south-glos")
LEADS = {
    "hub": ("Harper Hub (VRP director)", "OPCC chief finance officer"),
    "banes": ("Bea (B&NES lead)", "B&NES s151 officer"),
    "bristol": ("Bo (Bristol lead)", "Bristol s151 officer"),
    "north-somerset": ("Nia (North Somerset lead)", "North Somerset s151 officer"),
    "somerset": ("Sam (Somerset lead)", "Somerset s151 officer"),
    "south-glos": ("Sol (South Gloucestershire lead)", "South Gloucestershire s151 officer"),
}
PRIORITIES = (
    "Knife crime hotspots; child criminal exploitation; school exclusions and "
    "transitions (needs assessment 2021)."
)

# Award conditions (illustrative: the Home Office's figures are not published).
VRU_CONDITIONS = {
    "min_match_percent": "20",
    "min_interventions_percent": "40",
    "evaluation_percent": "10",
    "admin_cap_percent": "10",
}
SVD_CONDITIONS = {"min_match_percent": "20"}
AWARDS = (
    # year, stream, indicative, confirmed, reference, offer date, confirmed date
    (
        "2023-24",
        "VRU",
        "1528667.00",
        "1528667.00",
        "HO-VRU-2023-24 (illustrative)",
        date(2023, 3, 1),
        date(2023, 4, 20),
    ),
    (
        "2023-24",
        "SVD",
        "157181.26",
        "157181.26",
        "HO-SVD-2023-24 (illustrative)",
        date(2023, 3, 1),
        date(2023, 4, 20),
    ),
    (
        "2024-25",
        "VRU",
        "1528667.00",
        "1546911.00",
        "HO-VRU-2024-25 (illustrative)",
        date(2024, 2, 12),
        date(2024, 5, 2),
    ),
    (
        "2024-25",
        "SVD",
        "157181.26",
        "157181.26",
        "HO-SVD-2024-25 (illustrative)",
        date(2024, 2, 12),
        date(2024, 5, 2),
    ),
)


def _allocation(year: str, stream: str, recipient: str) -> Decimal:
    amount = db.session.scalar(
        select(Allocation.amount)
        .join(GrantStream, Allocation.grant_stream_id == GrantStream.id)
        .join(Organisation, Allocation.recipient_id == Organisation.id)
        .where(
            Allocation.financial_year == year,
            GrantStream.code == stream,
            Organisation.code == recipient,
            Allocation.status == AllocationStatus.ACTIVE,
        )
    )
    if amount is None:
        raise LookupError(f"no {stream} {year} allocation for {recipient}")
    return amount


def _svd_split(year: str) -> tuple[Decimal, Decimal]:
    labour = non_labour = Decimal("0.00")
    for code in RECIPIENTS:
        for line in data.plan_lines(code, "SVD", _allocation(year, "SVD", code)):
            if line.cost_type.value == "labour":
                labour += line.budget
            else:
                non_labour += line.budget
    return labour, non_labour


def load_awards(finance: User | None) -> list[str]:
    created = []
    for year, stream, indicative, confirmed, reference, offered, confirmed_on in AWARDS:
        stream_id = db.session.scalar(select(GrantStream.id).where(GrantStream.code == stream))
        if db.session.scalar(
            select(GrantAward.id).where(
                GrantAward.financial_year == year, GrantAward.grant_stream_id == stream_id
            )
        ):
            continue
        conditions = VRU_CONDITIONS if stream == "VRU" else SVD_CONDITIONS
        award = award_services.create_award(
            financial_year=year,
            stream_code=stream,
            user=finance,
            fields=award_services.AwardFields(
                indicative_amount=indicative,
                award_reference=reference,
                offer_date=offered,
                **conditions,
            ),
        )
        labour = non_labour = None
        if stream == "SVD":
            labour, non_labour = _svd_split(year)
        award_services.confirm_award(
            award.id,
            confirmed_amount=confirmed,
            confirmed_date=confirmed_on,
            lock_version=award.lock_version,
            user=finance,
            svd_labour_amount=labour,
            svd_non_labour_amount=non_labour,
        )
        created.append(f"award {stream} {year}")
    return created


def load_plan(code: str, year: str, finance: User | None) -> DeliveryPlan | None:
    """An approved delivery plan for the recipient and year, unless one exists."""
    recipient = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if recipient is None or db.session.scalar(
        select(DeliveryPlan.id).where(
            DeliveryPlan.recipient_id == recipient.id, DeliveryPlan.financial_year == year
        )
    ):
        return None
    lead, s151 = LEADS[code]
    plan = plan_services.create_plan(
        recipient_id=recipient.id,
        financial_year=year,
        user=None,
        header=plan_services.HeaderInput(lead_name=lead, s151_contact=s151, priorities=PRIORITIES),
    )
    for stream in ("VRU", "SVD"):
        for line in data.plan_lines(code, stream, _allocation(year, stream, code)):
            plan_services.add_line(
                plan.id,
                LineInput(
                    title=line.title,
                    category=line.category.value,
                    grant_stream=stream,
                    annual_budget=line.budget,
                    cost_type=line.cost_type.value,
                    line_ref=line.ref,
                    yef_strand=line.yef_strand,
                    provider=line.provider,
                    q1=line.profile[0],
                    q2=line.profile[1],
                    q3=line.profile[2],
                    q4=line.profile[3],
                    output_targets=line.output_targets,
                ),
                lock_version=plan.lock_version,
                user=None,
            )
    plan_services.submit_plan(plan.id, lock_version=plan.lock_version, user=None)
    plan_services.approve_plan(plan.id, lock_version=plan.lock_version, user=finance)
    return plan


def load_plans(finance: User | None) -> list[str]:
    created = []
    for year in ("2023-24", "2024-25"):
        for code in RECIPIENTS:
            if load_plan(code, year, finance) is not None:
                created.append(f"delivery plan {code} {year}")
    return created


def load_agreements(finance: User | None) -> list[str]:
    """Each spoke's agreement for each year: issued in the spring and signed."""
    created = []
    for year, issued, signed in (
        ("2023-24", date(2023, 4, 28), date(2023, 5, 15)),
        ("2024-25", date(2024, 5, 10), date(2024, 5, 31)),
    ):
        for code in RECIPIENTS:
            if code == "hub":
                continue  # the Hub is the OPCC's own: no agreement with itself
            recipient_id = db.session.scalar(
                select(Organisation.id).where(Organisation.code == code)
            )
            if db.session.scalar(
                select(GrantAgreement.id).where(
                    GrantAgreement.recipient_id == recipient_id,
                    GrantAgreement.financial_year == year,
                )
            ):
                continue
            agreement = agreement_services.create_agreement(
                financial_year=year,
                recipient_code=code,
                user=finance,
                fields=agreement_services.AgreementFields(),
            )
            agreement_services.issue_agreement(
                agreement.id,
                issued_on=issued,
                opcc_signatory="OPCC chief executive",
                lock_version=agreement.lock_version,
                user=finance,
            )
            agreement_services.sign_agreement(
                agreement.id,
                signed_on=signed,
                recipient_signatory=LEADS[code][1],
                lock_version=agreement.lock_version,
                user=finance,
            )
            created.append(f"grant agreement {code} {year}")
    return created


# 2024-25 so far: Q1 approved everywhere; Q2 submitted, except these still in draft.
DRAFTS_2024_25_Q2 = {("somerset", "VRU"), ("north-somerset", "SVD"), ("hub", "SVD")}
MATCH_EXPECTED_2024_25 = Decimal("2208500.00")  # illustrative: the year's expected match


def _return_entries(
    code: str,
    stream: str,
    quarter: int,
    lines: list[data.DemoLine],
    actuals: dict[int, dict[str, Decimal]],
    match: list[tuple[str, MatchKind, Decimal, str | None]],
    reach: dict[str, int] | None,
) -> ReturnEntries:
    reasons = {(who, which, ref, q): why for who, which, ref, q, _, why in data.UNDERSPENDS_2023_24}
    entries = []
    for line in lines:
        remaining = sum((line.profile[q - 1] for q in range(quarter + 1, 5)), Decimal("0.00"))
        entries.append(
            LineEntry(
                line.ref,
                actuals[quarter][line.ref],
                remaining,
                variance_reason=reasons.get((code, stream, line.ref, quarter)),
            )
        )
    return ReturnEntries(
        lines=tuple(entries),
        match_lines=tuple(
            MatchEntry(
                contributor,
                kind.value,
                amount,
                evidence_reference=(f"{code.upper()}-{stream}-Q{quarter}-{index + 1}"),
                valuation_basis=basis,
            )
            for index, (contributor, kind, amount, basis) in enumerate(match)
        ),
        reach=tuple(ReachEntry(band, number) for band, number in (reach or {}).items()),
        narrative=f"Delivery in Q{quarter} went to plan."
        if not any(key[0] == code and key[1] == stream and key[3] == quarter for key in reasons)
        else "Spend fell short of the profile; see the variance reasons.",
    )


def _match_share(
    match: list[tuple[str, MatchKind, Decimal, str | None]], stream: str
) -> list[tuple[str, MatchKind, Decimal, str | None]]:
    shares = []
    for contributor, kind, amount, basis in match:
        vru, svd = split_largest_remainder(amount, [Decimal(9), Decimal(1)])
        shares.append((contributor, kind, vru if stream == "VRU" else svd, basis))
    return shares


def _file_return(
    code: str,
    stream: str,
    year: str,
    quarter: int,
    finance: User | None,
    entries: ReturnEntries,
    *,
    submit: bool,
    approve: bool,
) -> None:
    recipient_id = db.session.scalar(select(Organisation.id).where(Organisation.code == code))
    ret = return_services.open_return(
        recipient_id=recipient_id,
        stream_code=stream,
        financial_year=year,
        quarter=quarter,
        user=None,
    )
    return_services.save_return(ret.id, entries, lock_version=ret.lock_version, user=None)
    if submit:
        return_services.submit_return(
            ret.id,
            certified_name=LEADS[code][0],
            certified_role="Spoke lead" if code != "hub" else "VRP director",
            certify=True,
            lock_version=ret.lock_version,
            user=None,
        )
    if approve:
        return_services.approve_return(ret.id, lock_version=ret.lock_version, user=finance)


def load_returns(finance: User | None) -> list[str]:
    """Every quarter of 2023-24 approved and the year closed; 2024-25 Q1 approved and Q2 in."""
    if db.session.scalar(select(QuarterlyReturn.id).limit(1)) is not None:
        return []
    match_2023 = data.match_funding()
    match_2024 = data.match_funding(MATCH_EXPECTED_2024_25)
    reach = data.reach()
    for year, quarters in (("2023-24", (1, 2, 3, 4)), ("2024-25", (1, 2))):
        underspends = data.UNDERSPENDS_2023_24 if year == "2023-24" else ()
        for quarter in quarters:
            for code in RECIPIENTS:
                for stream in ("VRU", "SVD"):
                    lines = data.plan_lines(code, stream, _allocation(year, stream, code))
                    actuals = data.quarter_actuals(code, stream, lines, underspends)
                    # Match funding is shared 90:10 between the VRU and SVD returns; reach
                    # is reported once, on the VRU return.
                    source = match_2023 if year == "2023-24" else match_2024
                    match = _match_share(source[code][quarter], stream)
                    band_reach = reach.get(code, {}).get(quarter) if stream == "VRU" else None
                    entries = _return_entries(
                        code, stream, quarter, lines, actuals, match, band_reach
                    )
                    draft = (
                        year == "2024-25" and quarter == 2 and (code, stream) in DRAFTS_2024_25_Q2
                    )
                    _file_return(
                        code,
                        stream,
                        year,
                        quarter,
                        finance,
                        entries,
                        submit=not draft,
                        approve=year == "2023-24" or quarter == 1,
                    )
    for stream, reasons in (
        ("VRU", {"hub": data.UNDERSPENDS_2023_24[0][5]}),
        ("SVD", {"bristol": data.UNDERSPENDS_2023_24[1][5]}),
    ):
        return_services.close_year(
            stream_code=stream, financial_year="2023-24", reasons=reasons, user=finance
        )
    return ["quarterly returns 2023-24 (closed) and 2024-25 Q1-Q2"]


def load_payments(finance: User | None) -> list[str]:
    """Every approved 2023-24 claim paid a month after it was due, and 2024-25 Q1's VRU claims;
    2024-25 Q1's SVD claims are still to pay (so finance has something to do)."""
    from grants.deadlines import last_day_of_month_after, return_due_on
    from grants.payments import queries as payment_queries
    from grants.payments.models import GrantPayment
    from grants.payments.services import PaymentFields, record_payment

    if db.session.scalar(select(GrantPayment.id).limit(1)) is not None:
        return []
    created = []
    for year, quarters, streams in (
        ("2023-24", (1, 2, 3, 4), ("VRU", "SVD")),
        ("2024-25", (1,), ("VRU",)),
    ):
        fy = FinancialYear.parse(year)
        for quarter in quarters:
            for code in RECIPIENTS:
                for stream in streams:
                    recipient = db.session.scalar(
                        select(Organisation).where(Organisation.code == code)
                    )
                    grant = db.session.scalar(select(GrantStream).where(GrantStream.code == stream))
                    allocated = _allocation(year, stream, code)
                    to_now = payment_queries.approved_claims_to(
                        recipient, grant, year, quarter, allocated
                    )
                    before = (
                        payment_queries.approved_claims_to(
                            recipient, grant, year, quarter - 1, allocated
                        )
                        if quarter > 1
                        else ZERO
                    )
                    if to_now - before <= ZERO:
                        continue
                    reference = f"ASVRP-{year[2:4]}{year[5:7]}-{code.upper()}-{stream}-Q{quarter}"
                    record_payment(
                        PaymentFields(
                            recipient_code=code,
                            stream_code=stream,
                            financial_year=year,
                            quarter=quarter,
                            paid_on=last_day_of_month_after(return_due_on(fy, quarter)),
                            amount=to_now - before,
                            payment_reference=reference,
                        ),
                        user=finance,
                    )
                    created.append(f"payment {reference}")
    return created
