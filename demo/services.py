"""Load the demo: safe to run twice (everything is matched on its code or email first)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from auth.models import User
from core.financial_year import FinancialYear
from demo import data
from demo.allocations import load_demo_allocations
from demo.commissioning import load_commissioning
from demo.grants import load_agreements, load_awards, load_plans, load_returns
from extensions import db
from reference.models import FinancialYearRecord, GrantStream, Organisation


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)


def load_demo() -> DemoReport:
    report = DemoReport()
    organisations = {}
    for code, name, kind, org_id, gss in data.ORGANISATIONS:
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if org is None:
            org = Organisation(code=code, name=name, kind=kind, org_id=org_id, gss_code=gss)
            db.session.add(org)
            report.created.append(f"organisation {code}")
        organisations[code] = org
    for code, name, description in data.GRANT_STREAMS:
        if db.session.scalar(select(GrantStream).where(GrantStream.code == code)) is None:
            db.session.add(GrantStream(code=code, name=name, description=description))
            report.created.append(f"grant stream {code}")
    for label in data.FINANCIAL_YEARS:
        record = db.session.scalar(
            select(FinancialYearRecord).where(FinancialYearRecord.label == label)
        )
        if record is None:
            record = FinancialYearRecord.for_year(FinancialYear.parse(label))
            db.session.add(record)
            report.created.append(f"financial year {label}")
        record.is_current = label == data.CURRENT_YEAR
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
    report.created.extend(load_commissioning(report.sign_ins))
    return report
