"""An approved bid becomes a contract with its provider, paid from a line of a spoke's (or the
Hub's) delivery plan.

Refused, with every reason: a bid that was not approved or already has a contract; a provider
whose due diligence is incomplete or expired on the start date or today (each blocking item
named); funding from VRU, SVD and match funding that does not add up to the value; grant money
(VRU and SVD) that, with the line's other contracts, exceeds the plan line's budget. A contract
also enters the bid into the interventions register for the round's year, as planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from auth.models import User
from commissioning.interventions.models import Intervention
from commissioning.providers.queries import blockers_for
from commissioning.rounds.models import Bid, Contract
from commissioning.rounds.services import read_money
from commissioning.vocabulary import InterventionStatus
from core.problems import DomainError, Problems
from extensions import db
from grants.editing import clean_text
from grants.plans.models import PlanLine


@dataclass(frozen=True)
class ContractInput:
    reference: str | None
    plan_line_id: int | None
    value: str | None
    vru_amount: str | None
    svd_amount: str | None
    match_amount: str | None
    starts_on: date | None
    ends_on: date | None


def committed_on_line(line: PlanLine) -> Decimal:
    """Grant money already contracted against a plan line."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Contract.vru_amount + Contract.svd_amount), 0)).where(
            Contract.plan_line_id == line.id
        )
    )
    return (Decimal(int(total or 0)) / 100).quantize(Decimal("0.01"))


def create_contract(
    bid_id: int, data: ContractInput, *, user: User | None, today: date
) -> Contract:
    bid = db.session.get(Bid, bid_id)
    if bid is None:
        raise DomainError("No such bid")
    problems = Problems()
    if bid.decision is None or not bid.decision.is_approval:
        problems.add("only an approved bid becomes a contract", column="bid")
    if db.session.scalar(select(Contract.id).where(Contract.bid_id == bid.id)):
        problems.add("this bid already has a contract", column="bid")
    for blocker in blockers_for(bid.provider, max(today, data.starts_on or today)):
        problems.add(
            f"{bid.provider.name} fails due diligence: {blocker.message}", column="provider"
        )
    reference = clean_text(data.reference)
    if reference is None:
        problems.add("enter the contract reference", column="reference")
    elif db.session.scalar(select(Contract.id).where(Contract.reference == reference)):
        problems.add(f"there is already a contract {reference}", column="reference")
    line = db.session.get(PlanLine, data.plan_line_id) if data.plan_line_id else None
    if line is None:
        problems.add("choose the delivery plan line that pays for it", column="plan_line")
    value = read_money(data.value, "value", problems, required=True)
    vru = read_money(data.vru_amount, "vru_amount", problems, required=False)
    svd = read_money(data.svd_amount, "svd_amount", problems, required=False)
    match = read_money(data.match_amount, "match_amount", problems, required=False)
    if value <= 0:
        problems.add("the value must be more than £0.00", column="value")
    if min(vru, svd, match) < 0:
        problems.add("funding amounts cannot be negative", column="vru_amount")
    if vru + svd + match != value:
        problems.add(
            f"VRU, SVD and match funding add up to £{vru + svd + match:,}, not the value of "
            f"£{value:,}",
            column="vru_amount",
        )
    if line is not None:
        available = line.annual_budget - committed_on_line(line)
        if vru + svd > available:
            problems.add(
                f"the grant money (£{vru + svd:,}) is more than is left on plan line "
                f"{line.line_ref} ({line.title}): £{available:,} of £{line.annual_budget:,}",
                column="plan_line",
            )
    if data.starts_on is None:
        problems.add("enter the start date", column="starts_on")
    if data.ends_on is None:
        problems.add("enter the end date", column="ends_on")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.add("the contract must end after it starts", column="ends_on")
    if problems or line is None or reference is None or not data.starts_on or not data.ends_on:
        raise DomainError("The contract was not made", problems)
    contract = Contract(
        bid=bid,
        provider=bid.provider,
        plan_line=line,
        reference=reference,
        value=value,
        vru_amount=vru,
        svd_amount=svd,
        match_amount=match,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by_id=user.id if user else None,
    )
    db.session.add(contract)
    db.session.add(_register_intervention(bid, contract))
    db.session.commit()
    return contract


def _register_intervention(bid: Bid, contract: Contract) -> Intervention:
    """A contracted bid joins the interventions register for the round's year (one entry, in
    every spoke it serves, under its first type), so the gap map and reach totals include it."""
    return Intervention(
        name=bid.title,
        financial_year=bid.round.financial_year,
        intervention_type=bid.type_codes[0],
        yef_strand=bid.yef_strand,
        level=bid.level,
        commitments="interventions",
        provider=bid.provider,
        cohort=bid.cohort,
        age_band=bid.age_band,
        setting=bid.setting,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        status=InterventionStatus.PLANNED,
        annual_cost=contract.value,
        output_target=bid.participants,
        output_description="participants" if bid.participants else None,
        bid_id=bid.id,
        spokes=list(bid.spokes),
    )
