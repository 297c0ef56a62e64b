"""Test data builders: keyword defaults for everything, so each test sets only what matters."""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlalchemy import select

from auth.models import User
from auth.roles import Role
from extensions import db
from reference.models import GrantStream, Organisation, OrganisationKind

DEFAULT_PASSWORD = "correct-horse-battery"
_sequence = count(1)

SPOKES = (
    ("banes", "Bath & North East Somerset"),
    ("bristol", "Bristol"),
    ("north-somerset", "North Somerset"),
    ("somerset", "Somerset"),
    ("south-glos", "South Gloucestershire"),
)


def make_organisation(*, code: str | None = None, name: str | None = None,
                      kind: OrganisationKind = OrganisationKind.SPOKE, **fields: Any) -> Organisation:
    n = next(_sequence)
    code = code or f"org-{n}"
    existing = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if existing is not None:
        return existing
    org = Organisation(code=code, name=name or f"Organisation {n}", kind=kind, **fields)
    db.session.add(org)
    db.session.commit()
    return org


def make_spoke(code: str = "bristol", name: str | None = None) -> Organisation:
    return make_organisation(code=code, name=name or dict(SPOKES).get(code, code.title()),
                             kind=OrganisationKind.SPOKE)


def make_spokes() -> dict[str, Organisation]:
    return {code: make_spoke(code, name) for code, name in SPOKES}


def make_hub() -> Organisation:
    return make_organisation(code="hub", name="VRP Hub", kind=OrganisationKind.HUB)


def make_grant_stream(code: str = "VRU", name: str | None = None) -> GrantStream:
    stream = db.session.scalar(select(GrantStream).where(GrantStream.code == code))
    if stream is None:
        stream = GrantStream(code=code, name=name or f"{code} grant")
        db.session.add(stream)
        db.session.commit()
    return stream


def make_user(*, role: Role | str = Role.FINANCE, email: str | None = None,
              spoke: Organisation | None = None, password: str = DEFAULT_PASSWORD,
              active: bool = True, name: str | None = None) -> User:
    role = Role(role)
    if role is Role.SPOKE and spoke is None:
        spoke = make_spoke()
    n = next(_sequence)
    user = User(email=email or f"{role.value}{n}@example.org", name=name or f"{role.label} {n}",
                role=role, spoke=spoke, active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user
