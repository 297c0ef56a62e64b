"""``vrp demo`` loads the Avon and Somerset demonstration data, and running it again is harmless."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from auth.models import User
from auth.roles import Role
from demo import data
from extensions import db
from reference.models import FinancialYearRecord, GrantStream, Organisation, OrganisationKind
from tests.builders import cheap_password_hash

DEMO_EMAILS = (
    "admin@asvrp.example",
    "finance@asvrp.example",
    "hub@asvrp.example",
    "panel@asvrp.example",
    "panel2@asvrp.example",  # the commissioning panel (demo/commissioning_data.py)
    "panel3@asvrp.example",
    "auditor@asvrp.example",
    "banes@asvrp.example",
    "bristol@asvrp.example",
    "north-somerset@asvrp.example",
    "somerset@asvrp.example",
    "south-glos@asvrp.example",
)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    # Ten demo users at ~0.1 s of scrypt each, per run: these tests are about the data loaded.
    monkeypatch.setattr("auth.models.generate_password_hash", cheap_password_hash)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def counts() -> dict[str, int]:
    return {
        "organisations": count(Organisation),
        "spokes": count(Organisation, Organisation.kind == OrganisationKind.SPOKE),
        "streams": count(GrantStream),
        "years": count(FinancialYearRecord),
        "users": count(User),
        "audit events": count(AuditEvent),
    }


def test_demo_loads_the_partnership(demo):
    loaded = counts()
    assert {k: loaded[k] for k in ("organisations", "spokes", "streams", "years", "users")} == {
        "organisations": 15,  # the OPCC, the Hub, five spokes and eight providers
        "spokes": 5,
        "streams": 2,
        "years": 2,
        "users": 12,
    }
    assert set(db.session.scalars(select(GrantStream.code))) == {"VRU", "SVD"}
    assert set(
        db.session.scalars(
            select(Organisation.code).where(Organisation.kind == OrganisationKind.SPOKE)
        )
    ) == {"banes", "bristol", "north-somerset", "somerset", "south-glos"}
    current = db.session.scalars(
        select(FinancialYearRecord).where(FinancialYearRecord.is_current.is_(True))
    ).all()
    assert [year.label for year in current] == ["2024-25"]


def test_demo_users_have_their_roles_and_spokes(demo):
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert set(users) == set(DEMO_EMAILS)
    assert users["auditor@asvrp.example"].role is Role.AUDITOR
    assert users["bristol@asvrp.example"].role is Role.SPOKE
    assert users["bristol@asvrp.example"].spoke.code == "bristol"
    assert users["finance@asvrp.example"].spoke is None
    assert all(u.check_password(data.DEMO_PASSWORD) for u in users.values())
    assert all(u.password_hash != data.DEMO_PASSWORD for u in users.values())


def test_vrp_demo_loads_prints_the_sign_ins_and_is_safe_to_run_twice(runner):
    first = runner.invoke(args=["demo"])
    after_first = counts()

    second = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    assert "Loaded" in first.output
    for email in DEMO_EMAILS:
        line = next(line for line in first.output.splitlines() if email in line)
        assert data.DEMO_PASSWORD in line
    assert "Spoke lead" in first.output and "Auditor" in first.output
    assert after_first["users"] == 12
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    assert "Loaded" not in second.output
    assert counts() == after_first
    assert "admin@asvrp.example" in second.output  # the sign-ins are shown again


def test_the_demo_sign_ins_work(demo, client):
    # The session's demo copy stores cheap hashes of the demo password; checking is the same.
    response = client.post(
        "/sign-in", data={"email": "bristol@asvrp.example", "password": data.DEMO_PASSWORD}
    )

    assert response.status_code == 302
