"""Allocation use cases: store formula versions and datasets, run scenarios, approve one.

Every function here validates first and writes nothing when there is any problem (a
``DomainError`` lists them all); each one commits its own transaction on success.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from allocations.models import (
    Allocation,
    AllocationStatus,
    FormulaRun,
    FormulaVersion,
    IndicatorDataset,
    IndicatorValueRecord,
    RunStatus,
)
from allocations.run_problems import describe_bounds, describe_pot
from audit.listeners import set_reason
from auth.models import User
from core.financial_year import FinancialYear
from core.money import MoneyError, format_plain, to_money
from core.problems import DomainError, Problem, Problems
from database import utcnow
from extensions import db
from formulas.calculate import AllocationResult, DampingError, calculate_allocations
from formulas.data import parse_indicator_table, parse_previous_table
from formulas.files import read_table
from formulas.report import build_json
from formulas.spec import (
    FormulaSpec,
    IndicatorValue,
    PreviousAllocations,
    PreviousAmount,
    parse_formula_toml,
    strip_field_prefix,
)
from formulas.spec import IndicatorDataset as IndicatorData
from reference.models import FinancialYearRecord, GrantStream, Organisation, OrganisationKind


@dataclass(frozen=True)
class PreviousChoice:
    """Where a run's previous-year amounts come from: nothing, an earlier run, or a file."""

    run_id: int | None = None
    file_content: bytes | None = None
    file_name: str | None = None


def create_formula_version(
    source_toml: str,
    *,
    user: User | None,
    filename: str = "formula.toml",
    change_note: str | None = None,
) -> FormulaVersion:
    """Store a new formula version. Versions are never edited: a change is a new version."""
    spec = parse_formula_toml(source_toml, file=filename)
    problems = Problems()
    if db.session.scalar(
        select(FormulaVersion.id).where(
            FormulaVersion.name == spec.name, FormulaVersion.version == spec.version
        )
    ):
        problems.add(
            f"version {spec.version} of {spec.name!r} already exists; every change is a new "
            "version, so give this one a new version number",
            file=filename,
            row=spec.locations.get("version"),
            column="version",
        )
    if spec.grant and _grant_stream(spec.grant) is None:
        problems.add(
            f"unknown grant {spec.grant!r}; known grants: {_known_streams()}",
            file=filename,
            row=spec.locations.get("grant"),
            column="grant",
        )
    if problems:
        raise DomainError("The formula was not saved", problems)
    version = FormulaVersion(
        name=spec.name,
        version=spec.version,
        grant_code=spec.grant,
        financial_year=spec.financial_year.label,
        source_toml=source_toml,
        source_filename=filename,
        change_note=change_note,
        created_by=user,
    )
    db.session.add(version)
    db.session.commit()
    return version


def import_indicator_dataset(
    content: bytes,
    *,
    filename: str,
    name: str,
    user: User | None,
) -> IndicatorDataset:
    """Store an indicator file as the next version of the dataset called ``name``."""
    name = (name or "").strip()
    if not name:
        raise DomainError(
            "The indicators were not imported", [_problem("give the dataset a name", column="name")]
        )
    data = parse_indicator_table(read_table(content, filename))
    problems = check_recipients_are_spokes(data, _spoke_codes())
    if problems:
        raise DomainError("The indicators were not imported", problems)
    latest = (
        db.session.scalar(
            select(func.max(IndicatorDataset.version)).where(IndicatorDataset.name == name)
        )
        or 0
    )
    dataset = IndicatorDataset(
        name=name, version=latest + 1, source_filename=filename, created_by=user
    )
    dataset.values = [
        IndicatorValueRecord(
            recipient_code=v.recipient,
            indicator=v.indicator,
            value=v.value,
            source=v.source,
            as_of=v.as_of,
            row_number=v.row,
        )
        for v in data.values
    ]
    db.session.add(dataset)
    db.session.commit()
    return dataset


def check_recipients_are_spokes(data: IndicatorData, spokes: list[str]) -> Problems:
    """Every row whose recipient is not one of ``spokes``, with the nearest known code.

    A partnership with no spokes set up yet has nothing to check against, so nothing is refused.

    >>> from formulas.spec import IndicatorValue as V
    >>> data = IndicatorData((V("bnes", "population", Decimal(1), row=4),), file="n.csv")
    >>> print(*check_recipients_are_spokes(data, ["banes", "bristol"]))
    n.csv, row 4, column recipient: 'bnes' is not a spoke of the partnership; did you mean 'banes'?
    """
    problems = Problems()
    if not spokes:
        return problems
    known = set(spokes)
    for value in data.values:
        if value.recipient in known:
            continue
        nearest = difflib.get_close_matches(value.recipient, spokes, n=1, cutoff=0.5)
        hint = f"did you mean {nearest[0]!r}?" if nearest else f"the spokes are {', '.join(spokes)}"
        problems.add(
            f"{value.recipient!r} is not a spoke of the partnership; {hint}",
            file=data.file,
            row=value.row,
            column="recipient",
        )
    return problems


def _spoke_codes() -> list[str]:
    return list(
        db.session.scalars(
            select(Organisation.code)
            .where(Organisation.kind == OrganisationKind.SPOKE)
            .order_by(Organisation.code)
        )
    )


EXPONENT = re.compile(r"\d[eE][+-]?\d")  # 1e6, 1.5E+3: a number in exponent notation


def run_formula(
    *,
    formula_version_id: int,
    dataset_id: int,
    user: User | None,
    label: str = "",
    pot: Decimal | str | None = None,
    previous: PreviousChoice | None = None,
) -> FormulaRun:
    """Apply a formula version to a dataset and store the explained result as a draft run."""
    version = _get(FormulaVersion, formula_version_id, "formula version")
    dataset = _get(IndicatorDataset, dataset_id, "indicator dataset")
    spec = load_spec(version)
    if isinstance(pot, str) and EXPONENT.search(pot):
        raise DomainError(
            "The formula was not run",
            [
                _problem(
                    f"The pot must be written out in full, like 1000000000: {pot} is in "
                    "exponent notation",
                    column="pot",
                )
            ],
        )
    try:
        pot_amount = spec.pot if pot in (None, "") else to_money(pot, field="pot")
    except MoneyError as error:
        raise DomainError(
            "The formula was not run",
            [_problem(describe_pot(strip_field_prefix(error, "pot")), column="pot")],
        ) from None
    if previous is None and spec.damping is not None:
        previous = _last_years_approved_run(spec)
    previous_data, previous_label = _load_previous(previous)
    data = dataset_as_data(dataset)
    try:
        result = calculate_allocations(spec, data, previous_data, pot_amount)
    except DampingError as error:
        message = describe_bounds(error.bounds, spec.damping)
        if message is None:
            raise
        raise DomainError(error.message, [_problem(message, column="pot")]) from None
    except DomainError as error:
        sources = {
            spec.file: "formula_version",
            data.file: "dataset",
            previous_data.file if previous_data is not None else None: "previous",
        }
        raise DomainError(
            error.message, [_as_form_problem(p, sources) for p in error.problems]
        ) from None
    stream = _grant_stream(spec.grant) if spec.grant else None
    run = FormulaRun(
        label=(label or "").strip() or f"{version.title} on {dataset.title}",
        formula_version=version,
        dataset=dataset,
        pot=result.pot,
        total=result_total(result),
        previous_label=previous_label,
        previous_amounts=_previous_as_json(previous_data),
        result=build_json(result),
        status=RunStatus.DRAFT,
        grant_stream=stream,
        financial_year=spec.financial_year.label,
        created_by=user,
    )
    db.session.add(run)
    db.session.commit()
    return run


def _last_years_approved_run(spec: FormulaSpec) -> PreviousChoice | None:
    """A damped formula's default previous amounts: last year's approved run for its grant."""
    stream = _grant_stream(spec.grant) if spec.grant else None
    if stream is None:
        return None
    run_id = db.session.scalar(
        select(FormulaRun.id).where(
            FormulaRun.grant_stream_id == stream.id,
            FormulaRun.financial_year == spec.financial_year.previous().label,
            FormulaRun.status == RunStatus.APPROVED,
        )
    )
    return PreviousChoice(run_id=run_id) if run_id is not None else None


# "(formula.toml, row 18)", "(the first is on row 4)" or " on row 6" inside a message
_FILE_PLACE = re.compile(r" \((?:[\w.-]+, |the first is on )(?:row|line) \d+\)| on row \d+")


def _as_form_problem(problem: Problem, sources: dict[str | None, str]) -> Problem:
    """A problem with an input of a run, named by the run form's field instead of a file row
    (the form's user chose a formula and a dataset; they never saw the files' rows).

    The damping problem is the one a user meets on the form's defaults, so it says what to do.
    """
    field = sources.get(problem.file) if problem.file else None
    message = _FILE_PLACE.sub("", problem.message)
    if "[damping]" in message and "previous" in message:
        field = "previous"
        message = (
            "the formula damps each spoke against last year's allocations, and there is no "
            "approved run for last year: choose the previous year's allocations or upload them"
        )
    if field is None:
        field = "formula_version"
    return Problem(message, column=field)


def recalculate_run(run: FormulaRun) -> AllocationResult:
    """Re-run a stored run's formula version, dataset, pot and previous amounts."""
    previous = None
    if run.previous_amounts is not None:
        previous = PreviousAllocations(
            tuple(
                PreviousAmount(item["recipient"], Decimal(item["amount"]))
                for item in run.previous_amounts
            ),
            file=run.previous_label,
        )
    return calculate_allocations(
        load_spec(run.formula_version), dataset_as_data(run.dataset), previous, run.pot
    )


def approve_run(run_id: int, *, decision_reference: str, user: User) -> FormulaRun:
    """Approve a run: it becomes the year's allocations for its grant, superseding the last.

    Refuses unless the run is a draft with a grant and a year, the decision reference is given,
    every recipient is a known organisation, and re-running the stored inputs gives exactly the
    stored pennies.
    """
    run = _get(FormulaRun, run_id, "run")
    problems = Problems()
    reference = (decision_reference or "").strip()
    if not reference:
        problems.add(
            "enter the decision reference (the PCC decision notice)", column="decision_reference"
        )
    if run.status is not RunStatus.DRAFT:
        problems.add(
            f"run {run.id} is {run.status.value}; only a draft run can be approved", column="status"
        )
    if run.grant_stream is None:
        problems.add(
            'the formula names no grant (grant = "VRU" or "SVD"), so the run '
            "cannot become a grant's allocations",
            column="grant",
        )
    recipients = _recipients_of(run.result, problems)
    if not problems and build_json(recalculate_run(run)) != run.result:
        problems.add(
            "re-running the stored formula and data does not give the stored result; "
            "the run cannot be approved",
            column="result",
        )
    if problems:
        raise DomainError(f"Run {run.id} was not approved", problems)

    previous_runs = db.session.scalars(
        select(FormulaRun).where(
            FormulaRun.grant_stream_id == run.grant_stream_id,
            FormulaRun.financial_year == run.financial_year,
            FormulaRun.status == RunStatus.APPROVED,
        )
    ).all()
    for old in previous_runs:
        old.status = RunStatus.SUPERSEDED
        old.superseded_by = run
    for allocation in db.session.scalars(
        select(Allocation).where(
            Allocation.grant_stream_id == run.grant_stream_id,
            Allocation.financial_year == run.financial_year,
            Allocation.status == AllocationStatus.ACTIVE,
        )
    ):
        allocation.status = AllocationStatus.SUPERSEDED
    _ensure_financial_year(run.financial_year)
    for code, amount, is_top_slice in _amounts_of(run.result):
        db.session.add(
            Allocation(
                financial_year=run.financial_year,
                grant_stream_id=run.grant_stream_id,
                recipient=recipients[code],
                amount=amount,
                run=run,
                is_top_slice=is_top_slice,
            )
        )
    run.status = RunStatus.APPROVED
    run.decision_reference = reference
    run.approved_by = user
    run.approved_at = utcnow()
    set_reason(db.session, f"approved under decision {reference}")
    db.session.commit()
    return run


def load_spec(version: FormulaVersion) -> FormulaSpec:
    return parse_formula_toml(version.source_toml, file=version.source_filename or version.title)


def dataset_as_data(dataset: IndicatorDataset) -> IndicatorData:
    return IndicatorData(
        tuple(
            IndicatorValue(v.recipient_code, v.indicator, v.value, v.source, v.as_of, v.row_number)
            for v in dataset.values
        ),
        file=dataset.source_filename or dataset.title,
    )


def result_total(result: AllocationResult) -> Decimal:
    return sum((a.amount for a in result.allocations), Decimal("0.00")) + sum(
        (t.amount for t in result.top_slices), Decimal("0.00")
    )


def _amounts_of(result: dict[str, Any]) -> list[tuple[str, Decimal, bool]]:
    spokes = [(a["recipient"], Decimal(a["amount"]), False) for a in result["allocations"]]
    slices = [(t["recipient"], Decimal(t["amount"]), True) for t in result["top_slices"]]
    return spokes + slices


def _recipients_of(result: dict[str, Any], problems: Problems) -> dict[str, Organisation]:
    codes = [code for code, _, _ in _amounts_of(result)]
    found = {
        o.code: o
        for o in db.session.scalars(select(Organisation).where(Organisation.code.in_(codes)))
    }
    for code, _, is_top_slice in _amounts_of(result):
        organisation = found.get(code)
        if organisation is None:
            problems.add(f"{code!r} is not a known organisation", column="recipient")
        elif not is_top_slice and organisation.kind is not OrganisationKind.SPOKE:
            problems.add(f"{code!r} is not a spoke", column="recipient")
    return found


def _load_previous(
    previous: PreviousChoice | None,
) -> tuple[PreviousAllocations | None, str | None]:
    if previous is None:
        return None, None
    if previous.run_id is not None:
        run = _get(FormulaRun, previous.run_id, "previous run")
        amounts = tuple(
            PreviousAmount(a["recipient"], Decimal(a["amount"])) for a in run.result["allocations"]
        )
        return PreviousAllocations(amounts, file=run.title), run.title
    if previous.file_content is not None:
        name = previous.file_name or "previous.csv"
        return parse_previous_table(read_table(previous.file_content, name)), name
    return None, None


def _previous_as_json(previous: PreviousAllocations | None) -> list[dict[str, str]] | None:
    if previous is None:
        return None
    return [{"recipient": p.recipient, "amount": format_plain(p.amount)} for p in previous.amounts]


def _ensure_financial_year(label: str | None) -> None:
    if (
        label
        and db.session.scalar(
            select(FinancialYearRecord.id).where(FinancialYearRecord.label == label)
        )
        is None
    ):
        db.session.add(FinancialYearRecord.for_year(FinancialYear.parse(label)))


def _grant_stream(code: str) -> GrantStream | None:
    return db.session.scalar(select(GrantStream).where(GrantStream.code == code.upper()))


def _known_streams() -> str:
    return (
        ", ".join(db.session.scalars(select(GrantStream.code).order_by(GrantStream.code)))
        or "none set up"
    )


def _get(model: Any, id_: int, what: str) -> Any:
    found = db.session.get(model, id_)
    if found is None:
        raise DomainError(f"There is no {what} {id_}", [_problem(f"no {what} {id_}", column=what)])
    return found


def _problem(message: str, *, column: str | None = None) -> Problem:
    return Problem(message, column=column)
