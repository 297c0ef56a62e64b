"""Round and bid use cases: open a round (budget, dates, criteria with weights, panel and
chair), and enter a bid against it (by Hub staff on the web, or from the bid spreadsheet).

Every function validates everything and writes nothing when there is any problem: a
``DomainError`` lists them all, each naming its form field. Amounts are read with ``to_money``
(more than two decimals is refused, never rounded). The rules for bids: the round must be open
on the day the bid was submitted; the cost must be more than nothing, within the round's budget,
and equal to its quarterly profile, whose quarters, like the match funding, are 0 or more; its
spokes must be among the round's; a provider has one bid of a title in a round (a second, on the
form or in a spreadsheet, is refused naming the first). The form and the import share these
rules: both go through ``bid_problems``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from auth.models import User
from auth.roles import Role
from commissioning.interventions.models import YefStrand
from commissioning.providers.models import Provider
from commissioning.rounds.limits import BID_TEXT_LIMITS
from commissioning.rounds.models import Bid, CommissioningRound, PanelMember, RoundCriterion
from commissioning.rounds.scoring import Criterion, weight_problems
from commissioning.vocabulary import AGE_BAND_NAMES, INTERVENTION_TYPE_NAMES, Level
from core.money import MoneyError, format_gbp, to_money
from core.problems import DomainError, Problems
from core.uploads import count_too_large
from extensions import db
from grants.editing import clean_text, parse_year
from reference.models import GrantStream, Organisation, OrganisationKind
from web.templating import format_day

PANEL_ROLES = (Role.PANEL, Role.HUB)


@dataclass(frozen=True)
class CriterionInput:
    name: str | None
    weight: str | None
    max_score: str | None


@dataclass(frozen=True)
class RoundInput:
    name: str | None
    financial_year: str | None
    grant_stream_id: int | None
    budget: str | None
    opens_on: date | None
    closes_on: date | None
    eligibility: str | None = None
    disagreement_margin: str | None = "15"
    recipient_ids: list[int] = field(default_factory=list)
    criteria: list[CriterionInput] = field(default_factory=list)
    panel_user_ids: list[int] = field(default_factory=list)
    chair_user_id: int | None = None


@dataclass(frozen=True)
class BidInput:
    provider_id: int | None
    title: str | None
    intervention_types: list[str]
    level: str | None
    cost: str | None
    q1: str | None = None
    q2: str | None = None
    q3: str | None = None
    q4: str | None = None
    spoke_ids: list[int] = field(default_factory=list)
    submitted_on: date | None = None
    reference: str | None = None
    summary: str | None = None
    yef_strand_id: int | None = None
    cohort: str | None = None
    age_band: str | None = None
    setting: str | None = None
    output_targets: str | None = None
    participants: str | None = None
    match_funding: str | None = None


# How a money field is named in its messages, when its column's name does not say it plainly.
MONEY_LABELS = {"q1": "Q1", "q2": "Q2", "q3": "Q3", "q4": "Q4", "vru_amount": "the VRU amount"}
MONEY_EXAMPLE = "for example 45,000.00"


def money_label(column: str) -> str:
    """``cost`` -> ``the cost``: the field as a message names it."""
    return MONEY_LABELS.get(column, f"the {column.replace('_', ' ')}")


def read_money(text: str | None, column: str, problems: Problems, *, required: bool) -> Decimal:
    """An amount as typed (``£12,500.00`` too); one problem on ``column``, naming the field, when
    it is not one. A blank amount is £0.00 unless it is ``required``.

    >>> problems = Problems()
    >>> read_money("abc", "cost", problems, required=True), [str(p) for p in problems]
    (Decimal('0.00'), ['column cost: enter the cost in pounds and pence, for example 45,000.00'])
    """
    cleaned = (text or "").replace("£", "").replace(",", "").strip()
    label = money_label(column)
    if not cleaned:
        if required:
            problems.add(f"enter {label} in pounds and pence, {MONEY_EXAMPLE}", column=column)
        return Decimal("0.00")
    try:
        return to_money(cleaned, field=column)
    except (MoneyError, InvalidOperation, ValueError) as error:
        reason = str(error).removeprefix(f"{column}: ")
        detail = "" if "is not a number" in reason else f" ({reason})"
        problems.add(f"enter {label} in pounds and pence, {MONEY_EXAMPLE}{detail}", column=column)
        return Decimal("0.00")


def _read_decimal(text: str | None, column: str, problems: Problems) -> Decimal | None:
    try:
        value = Decimal((text or "").strip().rstrip("%"))
    except InvalidOperation:
        problems.add(f"{text!r} is not a number", column=column)
        return None
    if not value.is_finite():
        problems.add(f"{text!r} is not a number", column=column)
        return None
    return value


# --- rounds ---------------------------------------------------------------------------------------


def create_round(data: RoundInput, *, user: User | None) -> CommissioningRound:
    problems = Problems()
    name = clean_text(data.name)
    if name is None:
        problems.add("enter the round's name", column="name")
    elif db.session.scalar(select(CommissioningRound.id).where(CommissioningRound.name == name)):
        problems.add(f"there is already a round called {name}", column="name")
    year = parse_year(data.financial_year, problems)
    stream = db.session.get(GrantStream, data.grant_stream_id) if data.grant_stream_id else None
    if stream is None:
        problems.add("choose the grant that pays for the round", column="grant_stream")
    budget = read_money(data.budget, "budget", problems, required=True)
    if budget <= 0 and not any(p.column == "budget" for p in problems):
        problems.add("the budget must be more than £0.00", column="budget")
    if data.opens_on is None:
        problems.add("enter the date the round opens", column="opens_on")
    if data.closes_on is None:
        problems.add("enter the date the round closes", column="closes_on")
    if data.opens_on and data.closes_on and data.closes_on < data.opens_on:
        problems.add("the round must close on or after the day it opens", column="closes_on")
    margin = _read_decimal(data.disagreement_margin, "disagreement_margin", problems)
    if margin is not None and not Decimal("0") <= margin <= Decimal("100"):
        problems.add(
            "the margin is in points out of 100: from 0 to 100", column="disagreement_margin"
        )
    recipients = [db.session.get(Organisation, i) for i in data.recipient_ids]
    chosen = [
        r for r in recipients if r and r.kind in (OrganisationKind.SPOKE, OrganisationKind.HUB)
    ]
    if not chosen or len(chosen) != len(recipients):
        problems.add(
            "choose the spokes (or the Hub) the round commissions for", column="recipients"
        )
    criteria = _read_criteria(data.criteria, problems)
    panel = _read_panel(data.panel_user_ids, data.chair_user_id, problems)
    if (
        problems
        or name is None
        or year is None
        or margin is None
        or stream is None
        or data.opens_on is None
        or data.closes_on is None
    ):
        raise DomainError("The round was not saved", problems)
    round_ = CommissioningRound(
        name=name,
        financial_year=year.label,
        grant_stream=stream,
        budget=budget,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        eligibility=clean_text(data.eligibility),
        disagreement_margin=margin,
        recipients=chosen,
        criteria=criteria,
        panel=panel,
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def _read_criteria(rows: list[CriterionInput], problems: Problems) -> list[RoundCriterion]:
    criteria = []
    plain = []
    for position, row in enumerate(rows, start=1):
        name = clean_text(row.name)
        if name is None and not clean_text(row.weight) and not clean_text(row.max_score):
            continue  # a blank row of the form
        column = f"criteria-{position - 1}"
        if name is None:
            problems.add(f"criterion {position}: enter its name", column=column)
            continue
        weight = _read_decimal(row.weight, column, problems)
        try:
            max_score = int((row.max_score or "").strip())
        except ValueError:
            problems.add(f"{name}: the maximum score must be a whole number", column=column)
            continue
        if weight is None:
            continue
        criteria.append(
            RoundCriterion(position=position, name=name, weight=weight, max_score=max_score)
        )
        plain.append(Criterion(str(position), name, weight, max_score))
    for message in weight_problems(plain):
        problems.add(message, column="criteria")
    return criteria


def _read_panel(user_ids: list[int], chair_id: int | None, problems: Problems) -> list[PanelMember]:
    members = []
    for user_id in dict.fromkeys(user_ids):
        member = db.session.get(User, user_id)
        if member is None or member.role not in PANEL_ROLES or not member.active:
            problems.add("panel members are panel or Hub accounts", column="panel")
            continue
        members.append(PanelMember(user=member, is_chair=user_id == chair_id))
    if not members:
        problems.add("choose the panel members", column="panel")
    elif not any(m.is_chair for m in members):
        problems.add("choose a chair from the panel members", column="chair")
    return members


# --- bids -----------------------------------------------------------------------------------------


def create_bid(round_id: int, data: BidInput, *, user: User | None, today: date) -> Bid:
    round_ = db.session.get(CommissioningRound, round_id)
    if round_ is None:
        raise DomainError("No such round")
    bid = build_bid(round_, data, today=today)
    bid.entered_by_id = user.id if user else None
    db.session.add(bid)
    db.session.commit()
    return bid


def build_bid(
    round_: CommissioningRound, data: BidInput, *, today: date, taken: set[str] | None = None
) -> Bid:
    """A new bid, validated but not added to the session: the spreadsheet import builds every
    row before adding any. ``taken``: references already used by earlier rows of the same file."""
    problems = bid_problems(round_, data, today=today, taken=taken or set())
    if problems:
        raise DomainError("The bid was not saved", problems)
    reference = clean_text(data.reference) or _next_reference(round_, taken or set())
    strand = db.session.get(YefStrand, data.yef_strand_id) if data.yef_strand_id else None
    scratch = Problems()
    cost = read_money(data.cost, "cost", scratch, required=True)
    quarters = [read_money(q, "q", scratch, required=False) for q in _profile(data, cost)]
    bid = Bid(
        reference=reference,
        provider=db.session.get(Provider, data.provider_id),
        title=clean_text(data.title),
        summary=clean_text(data.summary),
        intervention_types=",".join(data.intervention_types),
        yef_strand=strand,
        level=Level(data.level),
        cohort=clean_text(data.cohort),
        age_band=clean_text(data.age_band),
        setting=clean_text(data.setting),
        output_targets=clean_text(data.output_targets),
        participants=int(data.participants) if clean_text(data.participants) else None,
        cost=cost,
        q1=quarters[0],
        q2=quarters[1],
        q3=quarters[2],
        q4=quarters[3],
        match_funding=read_money(data.match_funding, "match_funding", scratch, required=False),
        submitted_on=data.submitted_on or today,
        spokes=[s for s in (db.session.get(Organisation, i) for i in data.spoke_ids) if s],
    )
    round_.bids.append(bid)
    return bid


def _profile(data: BidInput, cost: Decimal) -> list[str | None]:
    quarters = [data.q1, data.q2, data.q3, data.q4]
    if not any(clean_text(q) for q in quarters):
        return [str(cost), None, None, None]  # no profile given: all in Q1 is refused below
    return quarters


def bid_problems(
    round_: CommissioningRound, data: BidInput, *, today: date, taken: set[str]
) -> Problems:
    problems = Problems()
    for name, limit in BID_TEXT_LIMITS.items():
        text = getattr(data, name)
        if text is not None and len(text) > limit:
            problems.add(
                f"the {name.replace('_', ' ')} is {len(text):,} characters long; at most {limit:,}",
                column=name,
            )
    submitted = data.submitted_on or today
    if submitted > round_.closes_on:
        problems.add(
            f"the round closed on {format_day(round_.closes_on)}; a bid made on "
            f"{format_day(submitted)} is too late",
            column="submitted_on",
        )
    elif submitted < round_.opens_on:
        problems.add(
            f"the round opens on {format_day(round_.opens_on)}; a bid made on "
            f"{format_day(submitted)} is too early",
            column="submitted_on",
        )
    provider = db.session.get(Provider, data.provider_id) if data.provider_id else None
    if provider is None:
        problems.add("choose the provider", column="provider")
    if clean_text(data.title) is None:
        problems.add("enter the intervention's name", column="title")
    if not data.intervention_types:
        problems.add("choose at least one intervention type", column="intervention_types")
    for code in data.intervention_types:
        if code not in INTERVENTION_TYPE_NAMES:
            problems.add(
                f"{code} is not one of the 14 intervention types", column="intervention_types"
            )
    if data.level not in {level.value for level in Level}:
        problems.add("choose universal, targeted or specialist", column="level")
    if data.age_band and data.age_band not in AGE_BAND_NAMES:
        problems.add(f"{data.age_band} is not an age band", column="age_band")
    if data.yef_strand_id and db.session.get(YefStrand, data.yef_strand_id) is None:
        problems.add("choose a YEF Toolkit strand", column="yef_strand")
    _money_problems(round_, data, problems)
    participants = (data.participants or "").strip()
    if participants and not (participants.isascii() and participants.isdigit()):
        problems.add("the number of participants must be a whole number", column="participants")
    elif participants and count_too_large(participants):
        problems.add(
            f"the number of participants {count_too_large(participants)}", column="participants"
        )
    allowed = {o.id for o in round_.recipients}
    hub_round = any(o.kind is OrganisationKind.HUB for o in round_.recipients)
    if not data.spoke_ids:
        problems.add("choose the spokes the bid would serve", column="spokes")
    for spoke_id in data.spoke_ids:
        spoke = db.session.get(Organisation, spoke_id)
        if spoke is None or spoke.kind is not OrganisationKind.SPOKE:
            problems.add("choose spokes", column="spokes")
        elif spoke.id not in allowed and not hub_round:
            problems.add(f"this round does not commission for {spoke.name}", column="spokes")
    reference = clean_text(data.reference)
    if reference is not None and (
        reference in taken or any(b.reference == reference for b in round_.bids)
    ):
        problems.add(f"the round already has a bid {reference}", column="reference")
    if provider is not None and (title := clean_text(data.title)) is not None:
        same = next((b for b in round_.bids if _same_bid(b, provider, title)), None)
        if same is not None:
            problems.add(
                f"{provider.name} already has a bid called {same.title!r} in this round: "
                f"{same.reference}",
                column="title",
            )
    return problems


def _same_bid(bid: Bid, provider: Provider, title: str) -> bool:
    """Whether ``bid`` is the same provider's bid under the same title (case and spacing aside)."""
    return bid.provider is provider and plain_title(bid.title) == plain_title(title)


def plain_title(title: str) -> str:
    """A title as two bids' titles are compared: case and spacing aside."""
    return " ".join(title.split()).casefold()


def _money_problems(round_: CommissioningRound, data: BidInput, problems: Problems) -> None:
    """The cost, its quarterly profile and the match funding: one problem per field, and no
    sum check while the cost or a quarter is not an amount at all."""
    before = len(problems)
    cost = read_money(data.cost, "cost", problems, required=True)
    cost_read = len(problems) == before
    if cost_read and cost <= 0:
        problems.add("the cost must be more than £0.00", column="cost")
    if cost > round_.budget:
        problems.add(
            f"the cost of £{cost:,} is more than the round's budget of £{round_.budget:,}",
            column="cost",
        )
    quarters = [data.q1, data.q2, data.q3, data.q4]
    if any(clean_text(q) for q in quarters):
        before = len(problems)
        amounts = [
            read_money(q, f"q{n}", problems, required=False) for n, q in enumerate(quarters, 1)
        ]
        quarters_read = len(problems) == before
        for n, amount in enumerate(amounts, 1):
            if amount < 0:
                problems.add(
                    f"{format_gbp(amount)} is negative; amounts must be 0 or more", column=f"q{n}"
                )
        total = sum(amounts, Decimal("0.00"))
        if cost_read and quarters_read and total != cost:
            problems.add(
                f"the quarters add up to £{total:,}, not the cost of £{cost:,}", column="q1"
            )
    if read_money(data.match_funding, "match_funding", problems, required=False) < 0:
        problems.add("match funding is negative; amounts must be 0 or more", column="match_funding")


def _next_reference(round_: CommissioningRound, taken: set[str]) -> str:
    used = {b.reference for b in round_.bids} | taken
    n = len(used) + 1
    while f"B{n:03d}" in used:
        n += 1
    return f"B{n:03d}"


def update_panel(
    round_id: int, user_ids: list[int], chair_user_id: int | None, *, user: User | None
) -> CommissioningRound:
    """Change a round's panel and chair. A member who has declared or scored on any of its bids
    stays on it: the decision record must keep who took part."""
    round_ = db.session.get(CommissioningRound, round_id)
    if round_ is None:
        raise DomainError("No such round")
    problems = Problems()
    wanted = _read_panel(user_ids, chair_user_id, problems)
    kept = {m.user.id for m in wanted}
    involved = {d.user_id for b in round_.bids for d in b.declarations} | {
        s.user_id for b in round_.bids for s in b.scores
    }
    for member in round_.panel:
        if member.user_id in involved and member.user_id not in kept:
            problems.add(
                f"{member.user.name} has declared or scored on this round's bids, so stays on "
                "its panel",
                column="panel",
            )
    if problems:
        raise DomainError("The panel was not changed", problems)
    current = {m.user_id: m for m in round_.panel}
    for member in list(round_.panel):
        if member.user_id not in kept:
            round_.panel.remove(member)
    for member in wanted:
        if member.user.id in current:
            current[member.user.id].is_chair = member.is_chair
        else:
            round_.panel.append(member)
    db.session.commit()
    return round_
