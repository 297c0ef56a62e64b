"""Provider use cases: register a provider (an organisation of kind ``provider`` with its legal
details) and record a due-diligence check. Each validates everything, writes nothing when there is
any problem (a ``DomainError`` naming each form field) and commits its own transaction.

Identifiers follow 360Giving's org-id: ``GB-CHC-<charity number>``, ``GB-COH-<company number>``;
one is made from the numbers when none is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from auth.models import User
from commissioning.providers.diligence import CHECK_NAMES
from commissioning.providers.models import LEGAL_STATUSES, DueDiligenceCheck, Provider
from core.problems import DomainError, Problems
from extensions import db
from grants.editing import clean_text
from reference.models import Organisation, OrganisationKind

ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,5}-[A-Za-z0-9]+$")


@dataclass(frozen=True)
class ProviderInput:
    name: str | None
    legal_status: str | None = "other"
    charity_number: str | None = None
    company_number: str | None = None
    other_number: str | None = None
    org_identifier: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class CheckInput:
    evidence: str | None
    checked_on: date | None
    expires_on: date | None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30] or "provider"


def create_provider(data: ProviderInput, *, user: User | None) -> Provider:
    provider = Provider(organisation=Organisation(code="", name="", kind=OrganisationKind.PROVIDER))
    _apply(provider, data, new=True)
    db.session.add(provider)
    db.session.commit()
    return provider


def update_provider(provider_id: int, data: ProviderInput, *, user: User | None) -> Provider:
    """Change a provider's name, legal details, identifiers and contact."""
    provider = db.session.get(Provider, provider_id)
    if provider is None:
        raise DomainError("No such provider")
    _apply(provider, data, new=False)
    db.session.commit()
    return provider


def _apply(provider: Provider, data: ProviderInput, *, new: bool) -> None:
    problems = Problems()
    name = clean_text(data.name)
    if name is None:
        problems.add("enter the provider's name", column="name")
    elif db.session.scalar(
        select(Organisation.id).where(
            Organisation.name == name, Organisation.id != (provider.organisation_id or -1)
        )
    ):
        problems.add(f"{name} is already registered", column="name")
    if data.legal_status not in dict(LEGAL_STATUSES):
        problems.add("choose the provider's legal status", column="legal_status")
    charity = clean_text(data.charity_number)
    company = clean_text(data.company_number)
    org_identifier = clean_text(data.org_identifier)
    if org_identifier is None and charity:
        org_identifier = f"GB-CHC-{charity}"
    elif org_identifier is None and company:
        org_identifier = f"GB-COH-{company}"
    if org_identifier is not None and not ORG_ID.match(org_identifier):
        problems.add(
            "enter an org identifier like GB-CHC-1234567 or GB-COH-01234567",
            column="org_identifier",
        )
    email = clean_text(data.contact_email)
    if email is not None and "@" not in email:
        problems.add(
            "enter the contact's email address, like name@example.org", column="contact_email"
        )
    if problems or name is None:
        raise DomainError("The provider was not saved", problems)
    if new:
        provider.organisation.code = _unique_code(f"provider-{_slug(name)}")
    provider.organisation.name = name
    provider.organisation.org_id = org_identifier
    provider.legal_status = data.legal_status or "other"
    provider.charity_number = charity
    provider.company_number = company
    provider.other_number = clean_text(data.other_number)
    provider.contact_name = clean_text(data.contact_name)
    provider.contact_email = email
    provider.contact_phone = clean_text(data.contact_phone)


def _unique_code(base: str) -> str:
    code, n = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
        n += 1
        code = f"{base}-{n}"
    return code


def record_check(
    provider_id: int, kind: str, data: CheckInput, *, user: User | None, today: date
) -> DueDiligenceCheck:
    """Record (or re-record) one due-diligence item: its evidence, when it was checked and, for
    items that lapse (insurance, DBS), when it expires. The checker is the signed-in user."""
    provider = db.session.get(Provider, provider_id)
    if provider is None:
        raise DomainError("No such provider")
    problems = Problems()
    if kind not in CHECK_NAMES:
        problems.add("choose one of the due-diligence checks", column="kind")
    evidence = clean_text(data.evidence)
    if evidence is None:
        problems.add("say what evidence was seen", column="evidence")
    if data.checked_on is None:
        problems.add("enter the date it was checked", column="checked_on")
    elif data.checked_on > today:
        problems.add("the check date cannot be in the future", column="checked_on")
    if data.checked_on and data.expires_on and data.expires_on < data.checked_on:
        problems.add("the expiry date must be after the check date", column="expires_on")
    if problems:
        raise DomainError("The check was not saved", problems)
    check = next((c for c in provider.checks if c.kind == kind), None)
    if check is None:
        check = DueDiligenceCheck(kind=kind)
        provider.checks.append(check)
    check.evidence = evidence
    check.checked_on = data.checked_on
    check.expires_on = data.expires_on
    check.checked_by = user
    db.session.commit()
    return check
