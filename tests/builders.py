"""Test data builders: keyword defaults for everything, so each test sets only what matters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from itertools import count
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import create_app
from audit.models import AuditAction, AuditEvent
from auth.models import User
from auth.roles import Role
from core.financial_year import FinancialYear
from extensions import db
from reference.models import FinancialYearRecord, GrantStream, Organisation, OrganisationKind

DEFAULT_PASSWORD = "correct-horse-battery"


@cache
def cheap_password_hash(password: str) -> str:
    """A real werkzeug hash, but a cheap one: the production scrypt costs ~0.1 s per hash and per
    sign-in, which hundreds of tests would pay twice. ``check_password_hash`` reads the method
    from the hash, so sign-in works unchanged; tests of ``User.set_password`` use the real one."""
    return generate_password_hash(password, method="pbkdf2:sha256:1")


_sequence = count(1)

SPOKES = (
    ("banes", "Bath & North East Somerset"),
    ("bristol", "Bristol"),
    ("north-somerset", "North Somerset"),
    ("somerset", "Somerset"),
    ("south-glos", "South Gloucestershire"),
)


def make_organisation(
    *,
    code: str | None = None,
    name: str | None = None,
    kind: OrganisationKind = OrganisationKind.SPOKE,
    **fields: Any,
) -> Organisation:
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
    return make_organisation(
        code=code, name=name or dict(SPOKES).get(code, code.title()), kind=OrganisationKind.SPOKE
    )


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


def make_user(
    *,
    role: Role | str = Role.FINANCE,
    email: str | None = None,
    spoke: Organisation | None = None,
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    name: str | None = None,
) -> User:
    role = Role(role)
    if role is Role.SPOKE and spoke is None:
        spoke = make_spoke()
    n = next(_sequence)
    user = User(
        email=email or f"{role.value}{n}@example.org",
        name=name or f"{role.label} {n}",
        role=role,
        spoke=spoke,
        active=active,
    )
    user.password_hash = cheap_password_hash(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_financial_year(label: str = "2024-25", *, current: bool = True) -> FinancialYearRecord:
    """A financial year record; ``current`` unmarks any other current year."""
    record = db.session.scalar(
        select(FinancialYearRecord).where(FinancialYearRecord.label == label)
    )
    if record is None:
        record = FinancialYearRecord.for_year(FinancialYear.parse(label))
        db.session.add(record)
    if current:
        for other in db.session.scalars(
            select(FinancialYearRecord).where(FinancialYearRecord.is_current.is_(True))
        ):
            other.is_current = False
    record.is_current = current
    db.session.commit()
    return record


def make_audit_event(
    *,
    table_name: str = "organisations",
    record_id: str = "1",
    action: AuditAction = AuditAction.CREATE,
    actor_label: str = "system",
    **fields: Any,
) -> AuditEvent:
    """An audit event written directly (the listeners write real ones as records change)."""
    event = AuditEvent(
        table_name=table_name, record_id=record_id, action=action, actor_label=actor_label, **fields
    )
    db.session.add(event)
    db.session.commit()
    return event


TEST_CONFIG = {
    "APP_ENV": "testing",
    "SECRET_KEY": "test-secret-key",
    "WTF_CSRF_ENABLED": False,
}


@contextmanager
def make_app(database_url: str, **overrides: Any) -> Iterator[Flask]:
    """A second app on the test database, configured like the ``app`` fixture unless overridden.

    For tests that must change the app before its first request (a throwaway route) or its
    config (CSRF on, production cookies). No app context is pushed: each request gets its own.
    """
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- funding formula: formula versions, indicator datasets, runs ---------------------------------

# Population per spoke for the default dataset: bristol counts twice, so with the default
# formula (pot 1000.00, hub 10%, base 0.4) the hub gets 100.00, each spoke 72.00 of base, and
# the 540.00 of need is shared 1:2:1:1:1: bristol 252.00, every other spoke 162.00.
DEFAULT_POPULATION = {
    "banes": "1",
    "bristol": "2",
    "north-somerset": "1",
    "somerset": "1",
    "south-glos": "1",
}


def formula_toml(**overrides: Any) -> str:
    """Formula TOML text; each keyword replaces one top-level key (``None`` removes it).

    ``base_share`` sets ``[base] share``; ``weights`` the ``[indicators]`` table; ``top_slice``
    a list of tables; ``damping`` a table such as ``{"floor": "-0.05"}``.
    """
    import tomli_w

    document: dict[str, Any] = {
        "name": "Test formula",
        "version": "1",
        "grant": "VRU",
        "financial_year": "2024-25",
        "pot": "1000.00",
        "rounding_unit": "0.01",
        "top_slice": [{"recipient": "hub", "percent": "10"}],
        "base": {"share": overrides.pop("base_share", "0.4")},
        "indicators": overrides.pop("weights", {"population": "1"}),
    }
    document.update(overrides)
    return tomli_w.dumps({k: v for k, v in document.items() if v is not None})


def indicator_csv(
    rows: list[tuple[str, ...]] | None = None, *, population: dict[str, str] | None = None
) -> bytes:
    """An indicator file: ``rows`` of (recipient, indicator, value[, source[, as_of]]) or, by
    default, one population row per spoke from ``population``."""
    if rows is None:
        rows = [
            (code, "population", value)
            for code, value in (population or DEFAULT_POPULATION).items()
        ]
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["recipient", "indicator", "value", "source", "as_of"])
    for row in rows:
        recipient, indicator, value, *rest = row
        source = rest[0] if rest else "ONS mid-year estimate"
        as_of = rest[1] if len(rest) > 1 else "2021-06-30"
        writer.writerow([recipient, indicator, value, source, as_of])
    return out.getvalue().encode()


def make_dataset(
    *,
    name: str = "Needs",
    rows: list[tuple[str, ...]] | None = None,
    population: dict[str, str] | None = None,
    user: User | None = None,
    filename: str = "indicators.csv",
) -> Any:
    """An indicator dataset imported through the service (the next version of ``name``)."""
    from allocations.services import import_indicator_dataset

    return import_indicator_dataset(
        indicator_csv(rows, population=population), filename=filename, name=name, user=user
    )


def make_formula_version(
    *,
    user: User | None = None,
    change_note: str | None = None,
    filename: str = "formula.toml",
    **overrides: Any,
) -> Any:
    """A formula version saved through the service; keywords as for ``formula_toml``. The grant
    stream it names is created first."""
    from allocations.services import create_formula_version

    grant = overrides.get("grant", "VRU")
    if grant:
        make_grant_stream(grant)
    return create_formula_version(
        formula_toml(**overrides), user=user, filename=filename, change_note=change_note
    )


def make_run(
    *,
    formula: Any = None,
    dataset: Any = None,
    user: User | None = None,
    label: str = "",
    pot: str | None = None,
    previous: Any = None,
    **formula_overrides: Any,
) -> Any:
    """A draft run through the service. The spokes and the hub are created so that the run can
    be approved. ``previous`` is an earlier run (its allocations become the previous amounts)
    or ``allocations.services.PreviousChoice``."""
    from allocations.services import PreviousChoice, run_formula

    make_spokes()
    make_hub()
    formula = formula or make_formula_version(**formula_overrides)
    dataset = dataset or make_dataset()
    if previous is not None and not isinstance(previous, PreviousChoice):
        previous = PreviousChoice(run_id=previous.id)
    return run_formula(
        formula_version_id=formula.id,
        dataset_id=dataset.id,
        user=user,
        label=label,
        pot=pot,
        previous=previous,
    )


def make_approved_run(
    *, decision_reference: str = "PCC-DN-TEST", approver: User | None = None, **run_fields: Any
) -> Any:
    """A run approved by a finance officer (made when not given)."""
    from allocations.services import approve_run

    run = make_run(**run_fields)
    return approve_run(
        run.id, decision_reference=decision_reference, user=approver or make_user(role=Role.FINANCE)
    )
