"""Set-up use cases: apply a set-up file, and add, change and close spokes and grant streams.

Rules, decided here:
- Applying a set-up file is idempotent: everything is matched on its code; what is new is
  created, what differs is updated, and what the file does not mention is left as it is (a spoke
  is never deleted by leaving it out). All of it in one transaction, or nothing.
- Nothing with records is deleted. A spoke or grant stream is *closed from a year*: it takes part
  in the years before that one and not after. A spoke with an open delivery plan or quarterly
  return (not yet approved) cannot be closed; the refusal names them.
- A code, once given, belongs to one kind of organisation: the set-up file cannot turn the Hub's
  code into a spoke's.
Every change is audited (the models are ``__audited__``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from audit.listeners import set_reason
from core.financial_year import FinancialYear, FinancialYearError
from core.problems import DomainError, Problem, Problems
from extensions import db
from grants.plans.models import DeliveryPlan
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import ReviewStatus
from partnership.setup_file import (
    CODE_PATTERN,
    COLOUR_PATTERN,
    GSS_PATTERN,
    ORG_ID_PATTERN,
    STREAM_CODE_PATTERN,
    OrganisationSpec,
    PartnershipSpec,
    StreamSpec,
)
from reference.models import (
    FinancialYearRecord,
    GrantStream,
    Organisation,
    OrganisationKind,
    Partnership,
)


@dataclass
class SetupReport:
    """What applying a set-up file did, a line per record."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def apply_setup(spec: PartnershipSpec, *, dry_run: bool = False) -> SetupReport:
    """Create or update the partnership from a checked set-up file. ``dry_run`` checks it against
    the database and reports what would change, writing nothing."""
    report = SetupReport()
    problems = Problems()
    set_reason(db.session, "partnership set-up file")
    _check_kinds(spec, problems)
    if problems:
        raise DomainError("Nothing was set up", problems)

    partnership = db.session.scalar(select(Partnership).limit(1))
    if partnership is None:
        db.session.add(Partnership(name=spec.name, short_name=spec.short_name))
        report.created.append(f"partnership {spec.name}")
    else:
        _update(
            partnership,
            {"name": spec.name, "short_name": spec.short_name},
            f"partnership {spec.name}",
            report,
        )

    _apply_organisation(spec.opcc, OrganisationKind.OPCC, report, problems)
    _apply_organisation(spec.hub, OrganisationKind.HUB, report, problems)
    for spoke in spec.spokes:
        _apply_organisation(spoke, OrganisationKind.SPOKE, report, problems)
    listed = {s.code for s in spec.spokes}
    for spoke in db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.SPOKE)
    ):
        if spoke.code not in listed:
            report.left_alone.append(f"spoke {spoke.name} ({spoke.code}), not in the file")
    for stream in spec.grant_streams:
        _apply_stream(stream, report, problems)
    for label in spec.years:
        if _year_record(label) is None:
            db.session.add(FinancialYearRecord.for_year(FinancialYear.parse(label)))
            report.created.append(f"financial year {label}")
    db.session.flush()
    if spec.current_year is not None:
        _mark_current(spec.current_year, report)

    if problems:
        db.session.rollback()
        raise DomainError("Nothing was set up", problems)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _check_kinds(spec: PartnershipSpec, problems: Problems) -> None:
    wanted = [(spec.opcc, OrganisationKind.OPCC), (spec.hub, OrganisationKind.HUB)]
    wanted += [(s, OrganisationKind.SPOKE) for s in spec.spokes]
    for org_spec, kind in wanted:
        existing = _organisation(org_spec.code)
        if existing is not None and existing.kind is not kind:
            problems.add(
                f"the code {org_spec.code!r} already belongs to {existing.name} "
                f"({existing.kind.label}); it cannot become a {kind.label.lower()}",
                column="code",
            )
    for kind in (OrganisationKind.OPCC, OrganisationKind.HUB):
        code = spec.opcc.code if kind is OrganisationKind.OPCC else spec.hub.code
        other = db.session.scalar(
            select(Organisation).where(Organisation.kind == kind, Organisation.code != code)
        )
        if other is not None:
            problems.add(
                f"this partnership's {kind.label} is already set up with the code "
                f"{other.code!r}; use that code in the file",
                column="code",
            )


def _apply_organisation(
    spec: OrganisationSpec, kind: OrganisationKind, report: SetupReport, problems: Problems
) -> None:
    values = {
        "name": spec.name,
        "org_id": spec.org_id,
        "gss_code": spec.gss_code,
        "colour": spec.colour,
        "active_from": spec.active_from,
        "closed_from": spec.closed_from,
        "active": spec.closed_from is None,
    }
    what = {
        OrganisationKind.OPCC: f"the OPCC: {spec.name} ({spec.code})",
        OrganisationKind.HUB: f"the Hub: {spec.name} ({spec.code})",
    }.get(kind, f"spoke {spec.name} ({spec.code})")
    org = _organisation(spec.code)
    if org is None:
        db.session.add(Organisation(code=spec.code, kind=kind, **values))
        report.created.append(what)
        return
    if spec.closed_from and spec.closed_from != org.closed_from:
        problems.extend(_closing_problems(org))
    _update(org, values, what, report)


def _apply_stream(spec: StreamSpec, report: SetupReport, problems: Problems) -> None:
    values = {
        "name": spec.name,
        "description": spec.description,
        "active_from": spec.active_from,
        "closed_from": spec.closed_from,
        "active": spec.closed_from is None,
    }
    what = f"grant stream {spec.name} ({spec.code})"
    stream = db.session.scalar(select(GrantStream).where(GrantStream.code == spec.code))
    if stream is None:
        db.session.add(GrantStream(code=spec.code, **values))
        report.created.append(what)
        return
    _update(stream, values, what, report)


def _update(record: Any, values: dict[str, Any], what: str, report: SetupReport) -> None:
    changes = [
        f"{name} {getattr(record, name)!r} -> {value!r}"
        for name, value in values.items()
        if getattr(record, name) != value and name != "active"
    ]
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
    if changes:
        report.updated.append(f"{what}: {'; '.join(changes)}")


def _mark_current(label: str, report: SetupReport) -> None:
    for record in db.session.scalars(select(FinancialYearRecord)):
        is_current = record.label == label
        if record.is_current != is_current:
            record.is_current = is_current
            if is_current:
                report.updated.append(f"the current financial year: {label}")


# --- the admin pages: one spoke or stream at a time ----------------------------------------------


@dataclass(frozen=True)
class SpokeFields:
    """A spoke as typed on the admin page."""

    code: str | None = None
    name: str | None = None
    org_id: str | None = None
    gss_code: str | None = None
    colour: str | None = None
    active_from: str | None = None


def add_spoke(spoke: SpokeFields) -> Organisation:
    problems = Problems()
    code = _clean(spoke.code)
    if not code:
        problems.add("enter a code", column="code")
    elif not CODE_PATTERN.match(code) or len(code) > 40:
        problems.add(
            "a code is lowercase letters, digits and hyphens (at most 40), like south-glos",
            column="code",
        )
    elif (existing := _organisation(code)) is not None:
        problems.add(f"the code {code!r} is already used by {existing.name}", column="code")
    values = _spoke_values(spoke, problems)
    return _save(
        Organisation(code=code, kind=OrganisationKind.SPOKE, active=True),
        values,
        problems,
        "spoke",
        "added",
    )


def update_spoke(code: str, spoke: SpokeFields) -> Organisation:
    """Rename a spoke or change its identifiers; its code stays (every file and URL uses it)."""
    problems = Problems()
    return _save(
        _spoke_or_error(code), _spoke_values(spoke, problems), problems, "spoke", "changed"
    )


def close_spoke(code: str, closed_from: str | None, reason: str | None) -> Organisation:
    """Close a spoke from a year on: it keeps its records and takes part in earlier years."""
    org = _spoke_or_error(code)
    return _close(org, "spoke", closed_from, reason, _closing_problems(org))


def reopen_spoke(code: str) -> Organisation:
    return _reopen(_spoke_or_error(code), "spoke")


@dataclass(frozen=True)
class StreamFields:
    code: str | None = None
    name: str | None = None
    description: str | None = None
    active_from: str | None = None


def add_stream(stream: StreamFields) -> GrantStream:
    problems = Problems()
    code = (_clean(stream.code) or "").upper()
    if not code:
        problems.add("enter a code", column="code")
    elif not STREAM_CODE_PATTERN.match(code):
        problems.add("a grant code is 2 to 10 capital letters or digits, like VRU", column="code")
    elif db.session.scalar(select(GrantStream).where(GrantStream.code == code)) is not None:
        problems.add(f"there is already a {code} grant", column="code")
    values = _stream_values(stream, problems)
    return _save(GrantStream(code=code, active=True), values, problems, "grant stream", "added")


def update_stream(code: str, stream: StreamFields) -> GrantStream:
    problems = Problems()
    return _save(
        _stream_or_error(code),
        _stream_values(stream, problems),
        problems,
        "grant stream",
        "changed",
    )


def close_stream(code: str, closed_from: str | None, reason: str | None) -> GrantStream:
    record = _stream_or_error(code)
    return _close(record, "grant stream", closed_from, reason, [])


def reopen_stream(code: str) -> GrantStream:
    return _reopen(_stream_or_error(code), "grant stream")


def add_financial_year(label: str | None, *, make_current: bool = False) -> FinancialYearRecord:
    """Set up a financial year (and make it the current one when asked). A year already set up
    is left as it is, apart from becoming current; ``is_new`` on the result says which."""
    problems = Problems()
    try:
        year = FinancialYear.parse((label or "").strip())
    except FinancialYearError as error:
        problems.add(str(error), column="financial_year")
        raise DomainError("The year was not added", problems) from None
    record = _year_record(year.label)
    is_new = record is None
    if record is None:
        record = FinancialYearRecord.for_year(year)
        db.session.add(record)
        db.session.flush()
    if make_current:
        for other in db.session.scalars(select(FinancialYearRecord)):
            if other.is_current != (other.label == year.label):
                other.is_current = other.label == year.label
    if db.session.new or db.session.dirty:  # a year already set up as asked changes nothing
        set_reason(db.session, "financial year added" if is_new else "current year changed")
        db.session.commit()
    record.is_new = is_new  # type: ignore[attr-defined]  # for the page's message only
    return record


def _save(record: Any, values: dict[str, Any], problems: Problems, what: str, done: str) -> Any:
    """Write the checked values onto a new or existing record, or refuse with every problem."""
    if problems:
        raise DomainError(f"The {what} was not {done}", problems)
    for name, value in values.items():
        setattr(record, name, value)
    db.session.add(record)
    set_reason(db.session, f"{what} {done}")
    db.session.commit()
    return record


def _reopen(record: Any, what: str) -> Any:
    record.closed_from, record.active = None, True
    set_reason(db.session, f"{what} reopened")
    db.session.commit()
    return record


def _close(
    record: Organisation | GrantStream,
    what: str,
    closed_from: str | None,
    reason: str | None,
    blocking: list[Problem],
) -> Any:
    problems = Problems(blocking)
    year = None
    try:
        year = FinancialYear.parse((closed_from or "").strip()).label
    except FinancialYearError as error:
        problems.add(str(error), column="closed_from")
    if year and record.active_from and year <= record.active_from:
        problems.add(
            f"it takes part from {record.active_from}; close it from a later year",
            column="closed_from",
        )
    if not _clean(reason):
        problems.add(f"enter why the {what} is closing", column="reason")
    if problems:
        raise DomainError(f"The {what} was not closed", problems)
    record.closed_from, record.active = year, False
    set_reason(db.session, _clean(reason))
    db.session.commit()
    return record


def _closing_problems(org: Organisation) -> list[Problem]:
    """An organisation with work still open cannot close: each open plan and return, named."""
    problems = []
    plans = db.session.scalars(
        select(DeliveryPlan)
        .where(DeliveryPlan.recipient_id == org.id, DeliveryPlan.status != ReviewStatus.APPROVED)
        .order_by(DeliveryPlan.financial_year, DeliveryPlan.version)
    )
    for plan in plans:
        problems.append(
            Problem(
                f"{org.name}'s {plan.financial_year} delivery plan (version {plan.version}) is "
                f"{plan.status.value}: approve it first",
                column="closed_from",
            )
        )
    returns = db.session.scalars(
        select(QuarterlyReturn)
        .where(
            QuarterlyReturn.recipient_id == org.id,
            QuarterlyReturn.status != ReviewStatus.APPROVED,
        )
        .order_by(QuarterlyReturn.financial_year, QuarterlyReturn.quarter)
    )
    for ret in returns:
        problems.append(
            Problem(
                f"{org.name}'s {ret.grant_stream.code} {ret.financial_year} Q{ret.quarter} "
                f"return is {ret.status.value}: approve it first",
                column="closed_from",
            )
        )
    return problems


def _spoke_values(spoke: SpokeFields, problems: Problems) -> dict[str, Any]:
    name = _clean(spoke.name)
    if not name:
        problems.add("enter the spoke's name", column="name")
    elif len(name) > 200:
        problems.add("the name must be 200 characters or fewer", column="name")
    org_id = _clean(spoke.org_id)
    if org_id and (not ORG_ID_PATTERN.match(org_id) or len(org_id) > 60):
        problems.add("an org identifier looks like GB-LAE-BST", column="org_id")
    gss = (_clean(spoke.gss_code) or "").upper() or None
    if gss and not GSS_PATTERN.match(gss):
        problems.add("a GSS code looks like E06000023", column="gss_code")
    colour = _clean(spoke.colour)
    if colour and not COLOUR_PATTERN.match(colour):
        problems.add("write the colour as #rrggbb, like #1d70b8", column="colour")
    return {
        "name": name,
        "org_id": org_id,
        "gss_code": gss,
        "colour": colour,
        "active_from": _optional_year(spoke.active_from, problems),
    }


def _stream_values(stream: StreamFields, problems: Problems) -> dict[str, Any]:
    name = _clean(stream.name)
    if not name:
        problems.add("enter the grant's name", column="name")
    elif len(name) > 200:
        problems.add("the name must be 200 characters or fewer", column="name")
    description = _clean(stream.description)
    if description and len(description) > 2000:
        problems.add("the description must be 2,000 characters or fewer", column="description")
    return {
        "name": name,
        "description": description,
        "active_from": _optional_year(stream.active_from, problems),
    }


def _optional_year(text: str | None, problems: Problems) -> str | None:
    if not _clean(text):
        return None
    try:
        return FinancialYear.parse((text or "").strip()).label
    except FinancialYearError as error:
        problems.add(str(error), column="active_from")
        return None


def _spoke_or_error(code: str) -> Organisation:
    org = _organisation(code)
    if org is None or org.kind is not OrganisationKind.SPOKE:
        raise DomainError(
            f"There is no spoke {code!r}", [Problem(f"no spoke {code!r}", column="code")]
        )
    return org


def _stream_or_error(code: str) -> GrantStream:
    record = db.session.scalar(select(GrantStream).where(GrantStream.code == code.upper()))
    if record is None:
        raise DomainError(
            f"There is no grant {code!r}", [Problem(f"no grant {code!r}", column="code")]
        )
    return record


def _organisation(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def _year_record(label: str) -> FinancialYearRecord | None:
    return db.session.scalar(select(FinancialYearRecord).where(FinancialYearRecord.label == label))


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None
