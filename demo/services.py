"""Load the demo: safe to run twice (everything is matched on its code or email first)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from auth.models import User
from demo import commissioning_data, data
from demo.allocations import load_demo_allocations
from demo.commissioning import load_commissioning
from demo.grants import load_agreements, load_awards, load_payments, load_plans, load_returns
from extensions import db
from partnership.services import apply_setup
from partnership.setup_file import PartnershipSpec, parse_setup_file
from reference.models import Organisation, OrganisationKind, Partnership


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)


def foreign_records() -> list[str]:
    """What in the database is not the demo's: another partnership, its spokes, its people."""
    spec = _demo_spec()
    found = []
    name = db.session.scalar(select(Partnership.name).limit(1))
    if name is not None and name != spec.name:
        found.append(f"the partnership {name}")
    codes = {spec.opcc.code, spec.hub.code, *(s.code for s in spec.spokes)}
    for org in db.session.scalars(
        select(Organisation).where(Organisation.kind != OrganisationKind.PROVIDER)
    ):
        if org.code not in codes:
            found.append(f"{org.kind.label.lower()} {org.name}")
    emails = {email for email, *_ in data.USERS} | {email for email, *_ in commissioning_data.PANEL}
    found.extend(
        f"the account {email}"
        for email in db.session.scalars(select(User.email).order_by(User.email))
        if email not in emails
    )
    return found


def _demo_spec() -> PartnershipSpec:
    return parse_setup_file(data.SETUP_FILE.read_text(encoding="utf-8"), data.SETUP_FILE.name)


def load_demo() -> DemoReport:
    report = DemoReport()
    setup = apply_setup(_demo_spec())
    report.created.extend(setup.created)
    organisations = {o.code: o for o in db.session.scalars(select(Organisation))}
    db.session.flush()
    for email, name, role, spoke_code in data.USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=name,
                role=role,
                spoke=organisations[spoke_code] if spoke_code else None,
            )
            user.set_password(data.DEMO_PASSWORD)
            db.session.add(user)
            report.created.append(f"user {email}")
        report.sign_ins.append((email, data.DEMO_PASSWORD, role.label))
    db.session.commit()
    finance = db.session.scalar(select(User).where(User.email == data.FINANCE_EMAIL))
    report.created.extend(load_demo_allocations(finance))
    report.created.extend(load_awards(finance))
    report.created.extend(load_plans(finance))
    report.created.extend(load_agreements(finance))
    report.created.extend(load_returns(finance))
    report.created.extend(load_payments(finance))
    report.created.extend(load_commissioning(report.sign_ins))
    return report
