"""Grant agreement use cases (finance): draft, edit the draft, issue, sign, vary.

An agreement is between the OPCC and one spoke for one year (the Hub's share stays with the
OPCC, so the Hub has none). A draft takes its amounts from the spoke's current (active)
allocations; a signed agreement never changes: when the allocations change, finance varies it,
which makes a new version (a draft again) and marks the old one varied, kept as history.

Every function validates first, writes nothing when there is any problem (a ``DomainError``
listing them all) and commits its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from audit.listeners import set_reason
from auth.models import User
from core.financial_year import FinancialYear
from core.money import format_gbp
from core.problems import DomainError, Problems
from extensions import db
from grants.agreements import queries
from grants.agreements.models import GrantAgreement
from grants.awards import queries as award_queries
from grants.editing import check_lock_version, clean_text, commit_or_refuse, parse_year
from grants.vocabulary import AgreementStatus, PaymentSchedule
from reference.models import Organisation, OrganisationKind

WHAT = "agreement"


@dataclass(frozen=True)
class AgreementFields:
    """What finance can set on a draft. Blank conditions mean the default text for the year."""

    payment_schedule: str = PaymentSchedule.QUARTERLY_IN_ARREARS.value
    conditions: str | None = None
    opcc_signatory: str | None = None
    recipient_signatory: str | None = None


def create_agreement(
    *, financial_year: str, recipient_code: str, fields: AgreementFields, user: User | None
) -> GrantAgreement:
    """Draft a spoke's first agreement for the year from its current allocations."""
    problems = Problems()
    year = parse_year(financial_year, problems)
    recipient = _spoke(recipient_code, problems)
    if year and recipient:
        existing = queries.agreement_versions(recipient.id, year.label)
        if existing:
            latest = existing[0]
            what_next = {
                AgreementStatus.DRAFT: "edit the draft",
                AgreementStatus.ISSUED: "record its signature, then vary it",
            }.get(latest.status, "vary it")
            problems.add(
                f"{recipient.name} already has a {year.label} agreement (version "
                f"{latest.version}, {latest.status.value}); {what_next} instead",
                column="recipient",
            )
    amounts: dict[str, Decimal] = {}
    if year and recipient:
        amounts = _amounts_and_awards(recipient, year, problems)
    schedule = _schedule(fields.payment_schedule, problems)
    if problems or year is None or recipient is None or schedule is None:
        raise DomainError("The agreement was not drafted", problems)
    conditions = clean_text(fields.conditions) or queries.default_conditions(
        year.label, grant_order(amounts), schedule
    )
    set_reason(db.session, f"agreement drafted from the {year.label} allocations")
    agreement = GrantAgreement(
        recipient=recipient,
        financial_year=year.label,
        version=1,
        status=AgreementStatus.DRAFT,
        vru_amount=amounts.get("VRU"),
        svd_amount=amounts.get("SVD"),
        payment_schedule=schedule,
        conditions=conditions,
        opcc_signatory=clean_text(fields.opcc_signatory),
        recipient_signatory=clean_text(fields.recipient_signatory),
        created_by=user,
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement


def update_agreement(
    agreement_id: int, *, fields: AgreementFields, lock_version: int | None, user: User | None
) -> GrantAgreement:
    """Change a draft; its amounts are taken again from the current allocations."""
    agreement = _get(agreement_id)
    check_lock_version(agreement, lock_version, WHAT)
    problems = Problems()
    _require_status(agreement, AgreementStatus.DRAFT, "edited", problems)
    year = FinancialYear.parse(agreement.financial_year)
    amounts = _amounts_and_awards(agreement.recipient, year, problems)
    schedule = _schedule(fields.payment_schedule, problems)
    if problems or schedule is None:
        raise DomainError("The agreement was not saved", problems)
    conditions = clean_text(fields.conditions) or queries.default_conditions(
        year.label, grant_order(amounts), schedule
    )
    set_reason(db.session, "draft agreement edited")
    agreement.vru_amount, agreement.svd_amount = amounts.get("VRU"), amounts.get("SVD")
    agreement.payment_schedule = schedule
    agreement.conditions = conditions
    agreement.opcc_signatory = clean_text(fields.opcc_signatory)
    agreement.recipient_signatory = clean_text(fields.recipient_signatory)
    commit_or_refuse(WHAT)
    return agreement


def issue_agreement(
    agreement_id: int,
    *,
    issued_on: date | None,
    opcc_signatory: str | None,
    lock_version: int | None,
    user: User | None,
) -> GrantAgreement:
    """Send a draft to the spoke for signature. Its amounts must still be the allocations."""
    agreement = _get(agreement_id)
    check_lock_version(agreement, lock_version, WHAT)
    problems = Problems()
    _require_status(agreement, AgreementStatus.DRAFT, "issued", problems)
    signatory = clean_text(opcc_signatory) or agreement.opcc_signatory
    if not signatory:
        problems.add("enter who signs for the OPCC", column="opcc_signatory")
    current = award_queries.current_amounts(agreement.recipient_id, agreement.financial_year)
    for code, stated in (("VRU", agreement.vru_amount), ("SVD", agreement.svd_amount)):
        now = current.get(code)
        if stated != now:
            problems.add(
                f"the {code} allocation is now {format_gbp(now) if now is not None else 'none'}"
                f", not the {format_gbp(stated) if stated is not None else 'none'} in this "
                f"draft; edit the draft to take the current allocations",
                column="status",
            )
    if problems:
        raise DomainError("The agreement was not issued", problems)
    day = issued_on or date.today()
    set_reason(db.session, f"agreement issued for signature on {day.isoformat()}")
    agreement.status = AgreementStatus.ISSUED
    agreement.issued_on = day
    agreement.opcc_signatory = signatory
    commit_or_refuse(WHAT)
    return agreement


def sign_agreement(
    agreement_id: int,
    *,
    signed_on: date | None,
    recipient_signatory: str | None,
    lock_version: int | None,
    user: User | None,
) -> GrantAgreement:
    """Record that an issued agreement came back signed."""
    agreement = _get(agreement_id)
    check_lock_version(agreement, lock_version, WHAT)
    problems = Problems()
    _require_status(agreement, AgreementStatus.ISSUED, "signed", problems)
    signatory = clean_text(recipient_signatory) or agreement.recipient_signatory
    if not signatory:
        problems.add(
            f"enter who signed for {agreement.recipient.name}", column="recipient_signatory"
        )
    day = signed_on or date.today()
    if agreement.issued_on and day < agreement.issued_on:
        problems.add(
            f"the agreement was issued on {agreement.issued_on:%d %B %Y}; it cannot "
            f"have been signed before that",
            column="signed_on",
        )
    if problems:
        raise DomainError("The agreement was not marked signed", problems)
    set_reason(db.session, f"agreement signed by {signatory} on {day.isoformat()}")
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = day
    agreement.recipient_signatory = signatory
    commit_or_refuse(WHAT)
    return agreement


def vary_agreement(
    agreement_id: int,
    *,
    variation_reason: str | None,
    conditions: str | None,
    lock_version: int | None,
    user: User | None,
) -> GrantAgreement:
    """Start a new version of a signed agreement (a draft with the current allocations); the
    signed one is marked varied and kept."""
    agreement = _get(agreement_id)
    check_lock_version(agreement, lock_version, WHAT)
    problems = Problems()
    _require_status(agreement, AgreementStatus.SIGNED, "varied", problems)
    reason = clean_text(variation_reason)
    if not reason:
        problems.add("enter the reason for the variation", column="variation_reason")
    year = FinancialYear.parse(agreement.financial_year)
    amounts = _amounts_and_awards(agreement.recipient, year, problems)
    if problems:
        raise DomainError("The agreement was not varied", problems)
    latest = (
        db.session.scalar(
            select(func.max(GrantAgreement.version)).where(
                GrantAgreement.recipient_id == agreement.recipient_id,
                GrantAgreement.financial_year == agreement.financial_year,
            )
        )
        or agreement.version
    )
    set_reason(db.session, f"agreement varied: {reason}")
    new = GrantAgreement(
        recipient=agreement.recipient,
        financial_year=agreement.financial_year,
        version=latest + 1,
        status=AgreementStatus.DRAFT,
        vru_amount=amounts.get("VRU"),
        svd_amount=amounts.get("SVD"),
        payment_schedule=agreement.payment_schedule,
        conditions=clean_text(conditions) or agreement.conditions,
        opcc_signatory=agreement.opcc_signatory,
        recipient_signatory=agreement.recipient_signatory,
        variation_reason=reason,
        created_by=user,
    )
    agreement.status = AgreementStatus.VARIED
    db.session.add(new)
    commit_or_refuse(WHAT)
    return new


def grant_order(codes: Iterable[str]) -> list[str]:
    """VRU first (the main grant), then the others by code."""
    return sorted(codes, key=lambda code: (code != "VRU", code))


def _amounts_and_awards(
    recipient: Organisation, year: FinancialYear, problems: Problems
) -> dict[str, Decimal]:
    amounts = award_queries.current_amounts(recipient.id, year.label)
    if not amounts:
        problems.add(
            f"{recipient.name} has no allocations in {year.label}; approve the formula run first",
            column="recipient",
        )
    awards = award_queries.awards_of(year.label)
    for code in grant_order(amounts):
        if code not in awards:
            problems.add(
                f"record the {code} {year.label} award first: the agreement's "
                f"conditions come from it",
                column="recipient",
            )
    return amounts


def _require_status(
    agreement: GrantAgreement, status: AgreementStatus, action: str, problems: Problems
) -> None:
    if agreement.status is not status:
        problems.add(
            f"version {agreement.version} is {agreement.status.value}; only a "
            f"{status.value} agreement can be {action}",
            column="status",
        )


def _spoke(code: str | None, problems: Problems) -> Organisation | None:
    code = (code or "").strip()
    if not code:
        problems.add("choose the spoke", column="recipient")
        return None
    recipient = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if recipient is None:
        problems.add(f"{code!r} is not a known recipient", column="recipient")
        return None
    if recipient.kind is not OrganisationKind.SPOKE:
        problems.add(
            f"{recipient.name} is not a spoke; only spokes have grant agreements "
            f"(the Hub's share stays with the OPCC)",
            column="recipient",
        )
        return None
    return recipient


def _schedule(value: str | None, problems: Problems) -> PaymentSchedule | None:
    try:
        return PaymentSchedule(value or PaymentSchedule.QUARTERLY_IN_ARREARS.value)
    except ValueError:
        problems.add("choose a payment schedule", column="payment_schedule")
        return None


def _get(agreement_id: int) -> GrantAgreement:
    found = db.session.get(GrantAgreement, agreement_id)
    if found is None:
        problems = Problems()
        problems.add(f"no agreement {agreement_id}", column="agreement")
        raise DomainError(f"There is no agreement {agreement_id}", problems)
    return found
