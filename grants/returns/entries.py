"""What a user enters in a quarterly return, and the checks on it (pure: no Flask, no database).

What lives here: the entries a save or an import sends (``ReturnEntries``: plan lines, match
funding lines, reach, narrative) and ``check_entries``, which checks them all against the plan's
lines and returns every problem with where it is, plus the checked values. A save keeps what was
typed: a variance against profile needs its reason only when the return is submitted
(``missing_reasons``, used by the submit). What must not: reading or writing the database (that
is ``grants.returns.services``), or knowing whether the entries came from the web form or a
spreadsheet: each entry carries its own location.

Where a problem is: its ``column`` is the entry's ``prefix`` plus the field, so the web form's
entries (prefix ``lines-3-``) name the form field ``lines-3-actual`` while a spreadsheet's
(prefix ``""``, with ``file`` the sheet and ``row``) name the column ``actual`` of that row.

    >>> problems, checked = check_entries(
    ...     ReturnEntries(lines=(LineEntry("V1", "1,250.00", "-3", row=2, file="Spend sheet"),)),
    ...     {"V1": Decimal("1000.00")}, quarter=1)
    >>> print(problems[0])  # doctest: +NORMALIZE_WHITESPACE
    Spend sheet, row 2, column forecast_remaining: line V1 forecast remaining: -£3.00 is
    negative; amounts must be 0 or more
    >>> thresholds = Thresholds(Decimal("10"), Decimal("5000.00"))
    >>> missing_reasons({"V1": (Decimal("1000.00"), Decimal("1250.00"), None)}, thresholds)
    ... # doctest: +NORMALIZE_WHITESPACE
    ['line V1: the actual £1,250.00 differs from the profile £1,000.00 by +£250.00, above the
    threshold (10% or £5,000.00); give a variance reason']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.money import MoneyError, format_gbp, to_money
from core.problems import Problems
from core.uploads import count_too_large
from grants.figures import Thresholds, is_reason_required
from grants.vocabulary import REACH_BANDS, MatchKind

REACH_FIELDS = tuple(name for name, _ in REACH_BANDS)
# The longest text each field takes, in characters: the web form's ``Length`` validators and the
# spreadsheet import both read these (and the columns are at least as wide).
TEXT_LIMITS = {
    "variance_reason": 2000,
    "contributor": 200,
    "evidence_reference": 200,
    "valuation_basis": 2000,
    "narrative": 10000,
    "risks": 10000,
}
MATCH_KINDS = {
    "cash": MatchKind.CASH,
    "in_kind": MatchKind.IN_KIND,
    "in kind": MatchKind.IN_KIND,
    "inkind": MatchKind.IN_KIND,
}


@dataclass(frozen=True)
class LineEntry:
    """One plan line as entered. Problems name ``prefix`` + the field as their column (the form
    field ``lines-3-actual``, or the sheet column ``actual`` with ``file`` and ``row``)."""

    line_ref: str
    actual: object
    forecast_remaining: object
    variance_reason: str | None = None
    file: str | None = None
    row: int | None = None
    prefix: str = ""


@dataclass(frozen=True)
class MatchEntry:
    contributor: str | None
    kind: str | None
    amount: object
    evidence_reference: str | None = None
    valuation_basis: str | None = None
    file: str | None = None
    row: int | None = None
    prefix: str = ""


@dataclass(frozen=True)
class ReachEntry:
    """A number reached in one band (``REACH_BANDS`` name); ``column`` names where it was."""

    band: str
    number: object
    file: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class ReturnEntries:
    """Everything a save changes. ``every_line`` (spreadsheets) requires each plan line once;
    the web form always sends them all. Match lines, when given, replace the return's."""

    lines: tuple[LineEntry, ...] = ()
    match_lines: tuple[MatchEntry, ...] | None = None  # None: leave the match lines as they are
    reach: tuple[ReachEntry, ...] = ()
    narrative: str | None = None
    risks: str | None = None
    every_line: bool = False
    lines_file: str | None = None  # where the lines came from (a sheet), for a missing line
    # Where the narrative and risks came from in a spreadsheet (the sheet, and each one's row);
    # on the web form they are fields of their own.
    about_file: str | None = None
    about_rows: Mapping[str, int] | None = None


@dataclass(frozen=True)
class CheckedLine:
    actual: Decimal
    forecast_remaining: Decimal
    variance_reason: str | None


@dataclass(frozen=True)
class CheckedMatch:
    contributor: str
    kind: MatchKind
    amount: Decimal
    evidence_reference: str | None
    valuation_basis: str | None


@dataclass(frozen=True)
class CheckedEntries:
    lines: dict[str, CheckedLine] = field(default_factory=dict)
    match_lines: list[CheckedMatch] = field(default_factory=list)
    reach: dict[str, int] = field(default_factory=dict)


def check_entries(
    entries: ReturnEntries, profiles: Mapping[str, Decimal], *, quarter: int
) -> tuple[Problems, CheckedEntries]:
    """Check what was entered against the plan's lines (``profiles``: line ref -> the quarter's
    profile); return every problem and the checked values. Writes nothing. Variance reasons are
    not required here (a draft may be saved half-filled): see ``missing_reasons``."""
    problems = Problems()
    checked = CheckedEntries()
    first_row: dict[str, int | None] = {}
    for name in ("narrative", "risks"):
        if entries.about_rows is None:
            _check_length(getattr(entries, name), name, name, problems, {})
        else:
            where = {"file": entries.about_file, "row": entries.about_rows.get(name)}
            _check_length(getattr(entries, name), name, "value", problems, where)
    for entry in entries.lines:
        ref = (entry.line_ref or "").strip()
        where = {"file": entry.file, "row": entry.row}
        _check_length(
            entry.variance_reason,
            "variance_reason",
            entry.prefix + "variance_reason",
            problems,
            where,
        )
        if ref not in profiles:
            problems.add(
                f"line {ref!r} is not a line of this grant in the approved plan"
                if ref
                else "the line reference is missing",
                column=entry.prefix + "line_ref",
                **where,
            )
            continue
        if ref in first_row:
            earlier = f" (first at row {first_row[ref]})" if first_row[ref] else ""
            problems.add(
                f"line {ref} appears more than once{earlier}",
                column=entry.prefix + "line_ref",
                **where,
            )
            continue
        first_row[ref] = entry.row
        actual = _amount(
            entry.actual, f"line {ref} actual", entry.prefix + "actual", problems, where
        )
        forecast = _amount(
            entry.forecast_remaining,
            f"line {ref} forecast remaining",
            entry.prefix + "forecast_remaining",
            problems,
            where,
        )
        if forecast is not None and quarter == 4 and forecast != 0:
            problems.add(
                f"line {ref} forecast remaining: Q4 is the last quarter, so nothing "
                "is left to forecast; enter 0",
                column=entry.prefix + "forecast_remaining",
                **where,
            )
        reason = (entry.variance_reason or "").strip() or None
        if actual is not None and forecast is not None:
            checked.lines[ref] = CheckedLine(actual, forecast, reason)
    if entries.every_line:
        for ref in profiles:
            if ref not in first_row:
                problems.add(
                    f"line {ref} of the approved plan is missing; list every line "
                    "(0 where nothing was spent)",
                    file=entries.lines_file,
                    column="line_ref",
                )
    for entry in entries.match_lines or ():
        match = _check_match(entry, problems)
        if match is not None:
            checked.match_lines.append(match)
    for reach in entries.reach:
        number = _whole_number(reach, problems)
        if number is not None:
            checked.reach[reach.band] = number
    return problems, checked


# --- helpers ------------------------------------------------------------------------------------


def _amount(
    value: object, what: str, column: str, problems: Problems, where: Mapping[str, object]
) -> Decimal | None:
    try:
        amount = to_money(value, field=what)
    except MoneyError as error:
        problems.add(str(error), column=column, **where)  # type: ignore[arg-type]
        return None
    if amount < 0:
        problems.add(
            f"{what}: {format_gbp(amount)} is negative; amounts must be 0 or more",
            column=column,
            **where,
        )  # type: ignore[arg-type]
        return None
    return amount


def missing_reasons(
    lines: Mapping[str, tuple[Decimal, Decimal, str | None]], thresholds: Thresholds
) -> list[str]:
    """What a return needs before it is submitted: a variance reason for every line (``lines``:
    line ref -> this quarter's profile, actual, reason) whose actual is off its profile by more
    than either threshold."""
    return [
        _reason_message(ref, profile, actual, thresholds)
        for ref, (profile, actual, reason) in lines.items()
        if not (reason or "").strip() and is_reason_required(profile, actual, thresholds)
    ]


def profile_left_after(profile: Sequence[Decimal], quarter: int) -> Decimal:
    """What the plan's quarterly profile leaves for the quarters after ``quarter``: a new
    return's forecast remaining until the spoke lead says otherwise (nothing after Q4).

    >>> profile_left_after([Decimal("100.00"), Decimal("200.00"), Decimal("300.00"),
    ...                     Decimal("400.00")], 2)
    Decimal('700.00')
    """
    return sum(profile[quarter:], Decimal("0.00"))


def _reason_message(ref: str, profile: Decimal, actual: Decimal, thresholds: Thresholds) -> str:
    difference = actual - profile
    sign = "+" if difference > 0 else ""
    return (
        f"line {ref}: the actual {format_gbp(actual)} differs from the profile "
        f"{format_gbp(profile)} by {sign}{format_gbp(difference)}, above the threshold "
        f"({thresholds.percent}% or {format_gbp(thresholds.amount)}); give a variance reason"
    )


def _check_length(
    text: str | None, name: str, column: str, problems: Problems, where: Mapping[str, object]
) -> None:
    limit = TEXT_LIMITS[name]
    if text is not None and len(text) > limit:
        problems.add(
            f"the {name.replace('_', ' ')} is {len(text):,} characters long; at most {limit:,}",
            column=column,
            **where,  # type: ignore[arg-type]
        )


def _check_match(entry: MatchEntry, problems: Problems) -> CheckedMatch | None:
    where = {"file": entry.file, "row": entry.row}
    before = len(problems)
    for name in ("contributor", "evidence_reference", "valuation_basis"):
        _check_length(getattr(entry, name), name, entry.prefix + name, problems, where)
    contributor = (entry.contributor or "").strip()
    label = f"match funding from {contributor}" if contributor else "match funding"
    if not contributor:
        problems.add(
            "match funding: enter the contributor", column=entry.prefix + "contributor", **where
        )
    kind = MATCH_KINDS.get((entry.kind or "").strip().lower().replace("-", " "))
    if kind is None:
        problems.add(
            f"{label}: choose whether the match funding is cash or in kind"
            if not (entry.kind or "").strip()
            else f"{label}: the kind must be cash or in kind, not {entry.kind!r}",
            column=entry.prefix + "kind",
            **where,
        )
    amount = _amount(entry.amount, f"{label} amount", entry.prefix + "amount", problems, where)
    if amount is not None and amount == 0:
        problems.add(
            f"{label} amount: must be more than £0.00", column=entry.prefix + "amount", **where
        )
    basis = (entry.valuation_basis or "").strip() or None
    if kind is MatchKind.IN_KIND and basis is None:
        problems.add(
            f"{label}: in-kind match funding needs its valuation basis (for example "
            "staff hours at cost)",
            column=entry.prefix + "valuation_basis",
            **where,
        )
    if len(problems) > before or kind is None or amount is None:
        return None
    return CheckedMatch(
        contributor=contributor,
        kind=kind,
        amount=amount,
        evidence_reference=(entry.evidence_reference or "").strip() or None,
        valuation_basis=basis,
    )


def _whole_number(entry: ReachEntry, problems: Problems) -> int | None:
    label = dict(REACH_BANDS).get(entry.band)
    where = {"file": entry.file, "row": entry.row, "column": entry.column or entry.band}
    if label is None:
        problems.add(
            f"unknown reach band {entry.band!r}; the bands are {', '.join(REACH_FIELDS)}", **where
        )  # type: ignore[arg-type]
        return None
    value = entry.number
    text = "" if value is None else str(value).strip().replace(",", "")
    if isinstance(value, float | bool):
        problems.add(f"{label}: {value!r} is not a whole number", **where)  # type: ignore[arg-type]
        return None
    if text == "":
        return 0
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to Python, not to int()
        problems.add(f"{label}: {value!r} is not a whole number of 0 or more", **where)  # type: ignore[arg-type]
        return None
    too_large = count_too_large(text)
    if too_large:
        problems.add(f"{label}: {text} {too_large}", **where)  # type: ignore[arg-type]
        return None
    return int(text)


def reach_entries(
    values: Mapping[str, object],
    *,
    file: str | None = None,
    rows: Mapping[str, int] | None = None,
    column: str | None = None,
) -> tuple[ReachEntry, ...]:
    """Reach entries from band -> number (a form's fields, or a sheet's rows)."""
    return tuple(
        ReachEntry(band=band, number=number, file=file, row=(rows or {}).get(band), column=column)
        for band, number in values.items()
    )
