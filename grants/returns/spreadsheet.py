"""Quarterly returns as spreadsheets: the template the system generates per spoke, grant and
quarter, and the import of a filled-in one (``vrp returns template`` / ``vrp returns import``
and the download and upload on a return's page).

The workbook has five sheets:

- **Return**: ``field`` / ``value`` rows naming the spoke (its code), grant, financial year and
  quarter, then the narrative and risks;
- **Spend**: one row per plan line of the grant: ``line_ref``, ``title``, ``category``,
  ``annual_budget``, ``profile_qN`` (the plan's, shown for reference), then what the spoke
  fills in: ``actual``, ``forecast_remaining`` and ``variance_reason``; and a ``Total`` row whose
  totals are checked against the lines when it is there;
- **Match funding**: ``contributor``, ``kind`` (cash or in_kind), ``amount``,
  ``evidence_reference``, ``valuation_basis`` (required for in kind);
- **Reach**: ``band`` / ``number``, one row per reach band;
- **Interventions** (optional, for older templates): one row per intervention of the spoke in the
  interventions register, with its reach and outputs for the quarter
  (``commissioning.interventions.return_sheet``, applied in the same transaction).

What lives here: writing the template (plain rows to ``exports.spreadsheets.write_xlsx``),
reading a workbook with python_calamine into ``ReturnEntries`` located by sheet, row and column,
and the import use case (``import_return``): the file is checked whole, and any problem anywhere
means nothing is written. Spreadsheet numbers arrive as floats (that is how XLSX stores them);
each is turned straight back into the shortest text that reads back as the same double (what
the user typed), so ``to_money`` can refuse more than two decimals instead of rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from audit.listeners import set_reason
from auth.models import User
from commissioning.interventions.return_sheet import SHEET as INTERVENTIONS_SHEET
from commissioning.interventions.return_sheet import apply_rows as apply_intervention_rows
from commissioning.interventions.return_sheet import read_sheet as read_intervention_sheet
from core.cells import cell_text, header_positions
from core.financial_year import FinancialYear, FinancialYearError
from core.money import ZERO, MoneyError, format_gbp, to_money
from core.problems import DomainError, Problem, Problems
from core.uploads import read_xlsx
from extensions import db
from grants.returns import queries, services
from grants.returns.entries import (
    LineEntry,
    MatchEntry,
    ReachEntry,
    ReturnEntries,
    check_entries,
)
from grants.returns.models import QuarterlyReturn
from grants.returns.template import (
    IDENTITY_FIELDS,
    MATCH_REQUIRED,
    MATCH_SHEET,
    REACH_SHEET,
    RETURN_SHEET,
    SPEND_REQUIRED,
    SPEND_SHEET,
    TEXT_FIELDS,
)
from grants.vocabulary import REACH_BANDS

# --- reading a workbook ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedReturn:
    """A return as read from a spreadsheet: which return it is for (as written on its Return
    sheet, with the row of each), the entries, and the problems the reading found (a missing
    sheet or column, a total that does not match)."""

    filename: str
    spoke: str
    grant: str
    financial_year: str
    quarter: str
    rows: Mapping[str, int]
    entries: ReturnEntries
    problems: tuple[Problem, ...] = ()
    sheet: str = f"{RETURN_SHEET} sheet"
    # The Interventions sheet as read (None: an older template without it).
    intervention_records: list[list[str]] | None = None


def read_return_workbook(content: bytes, filename: str) -> ParsedReturn:
    """Read a filled-in template. Raises ``DomainError`` only when the file cannot be read as a
    workbook at all; everything else is collected in the result's ``problems``."""
    if not filename.lower().endswith(".xlsx"):
        raise DomainError(
            f"{filename} was not imported",
            [Problem("the file must be the .xlsx return template", file=filename)],
        )
    raw = read_xlsx(
        content,
        filename,
        (RETURN_SHEET, SPEND_SHEET, MATCH_SHEET, REACH_SHEET, INTERVENTIONS_SHEET),
    )
    sheets = {name: [[cell_text(c) for c in row] for row in rows] for name, rows in raw.items()}
    problems = Problems()
    for wanted in (RETURN_SHEET, SPEND_SHEET, MATCH_SHEET, REACH_SHEET):
        if wanted not in sheets:
            problems.add(
                f"the workbook has no {wanted!r} sheet; use the template the system generates",
                file=filename,
            )
    about, rows = _read_about(sheets.get(RETURN_SHEET), problems)
    lines = _read_spend(sheets.get(SPEND_SHEET), problems)
    # A total that does not add up is most often an amount pasted as text, which the sheet's
    # own SUM leaves out (we read it as the amount it says): name each such cell.
    short = tuple(
        p.column
        for p in problems
        if p.file == f"{SPEND_SHEET} sheet"
        and p.column in SPEND_AMOUNTS
        and p.message.startswith("the total ")
    )
    problems.extend(amounts_written_as_text(raw.get(SPEND_SHEET), SPEND_SHEET, short))
    entries = ReturnEntries(
        lines=lines or (),
        match_lines=_read_match(sheets.get(MATCH_SHEET), problems),
        reach=_read_reach(sheets.get(REACH_SHEET), problems),
        narrative=about.get("narrative", ""),
        risks=about.get("risks", ""),
        # Only a Spend sheet that could be read must list every line: a missing sheet or column
        # is the problem to fix, not each line it hides.
        every_line=lines is not None,
        lines_file=f"{SPEND_SHEET} sheet",
        about_file=f"{RETURN_SHEET} sheet",
        about_rows=rows,
    )
    return ParsedReturn(
        filename=filename,
        spoke=about.get("spoke", ""),
        grant=about.get("grant", ""),
        financial_year=about.get("financial_year", ""),
        quarter=about.get("quarter", ""),
        rows=rows,
        entries=entries,
        problems=tuple(problems),
        intervention_records=sheets.get(INTERVENTIONS_SHEET),
    )


SPEND_AMOUNTS = ("actual", "forecast_remaining")


def amounts_written_as_text(
    rows: list[list[object]] | None, sheet: str, names: tuple[str, ...]
) -> Problems:
    """Each amount cell in the columns ``names`` that holds text which reads as money, such as
    ``'1,250.00`` pasted from elsewhere: the sheet's own SUM leaves text out, so its total falls
    short. (Text that is not money at all is a problem of its own, found when it is read.)

    >>> rows = [["line_ref", "actual"], ["V1", 1250.0], ["V2", "£1,250.00"], ["V3", "lots"]]
    >>> [(p.file, p.row, p.column) for p in amounts_written_as_text(rows, "Spend", ("actual",))]
    [('Spend sheet', 3, 'actual')]
    """
    problems = Problems()
    if not rows:
        return problems
    header = [cell_text(c).lower() for c in rows[0]]
    for name in names:
        if name not in header:
            continue
        index = header.index(name)
        for number, row in enumerate(rows[1:], start=2):
            cell = row[index] if index < len(row) else None
            if not isinstance(cell, str) or not cell.strip():
                continue
            if row and cell_text(row[0]).lower() == "total":
                continue  # the Total row is the sheet's own; its mismatch is checked apart
            try:
                amount = to_money(cell)
            except MoneyError:
                continue
            problems.add(
                f"the amount {format_gbp(amount)} is text, not a number, so the sheet's own "
                "total leaves it out; type it again as a number",
                file=f"{sheet} sheet",
                row=number,
                column=name,
            )
    return problems


def _columns(
    records: list[list[str]], sheet: str, required: tuple[str, ...], problems: Problems
) -> dict[str, int] | None:
    """The header's column positions (lower-case names), or None when a required one is
    missing or one is named twice (each a problem)."""
    if not records:
        problems.add("the sheet is empty; row 1 must be the header", file=f"{sheet} sheet", row=1)
        return None
    columns, twice = header_positions(records[0])
    missing = [name for name in required if name not in columns]
    for name in missing:
        problems.add(
            f"the column {name!r} is missing from the header",
            file=f"{sheet} sheet",
            row=1,
            column=name,
        )
    for name in twice:
        problems.add(
            "the header names this column twice", file=f"{sheet} sheet", row=1, column=name
        )
    return None if missing or twice else columns


def _data_rows(
    records: list[list[str]], columns: dict[str, int]
) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        rows.append(
            (
                number,
                {name: record[i].strip() if i < len(record) else "" for name, i in columns.items()},
            )
        )
    return rows


def _read_about(
    records: list[list[str]] | None, problems: Problems
) -> tuple[dict[str, str], dict[str, int]]:
    if records is None:
        return {}, {}
    columns = _columns(records, RETURN_SHEET, ("field", "value"), problems)
    if columns is None:
        return {}, {}
    values: dict[str, str] = {}
    rows: dict[str, int] = {}
    for number, cells in _data_rows(records, columns):
        name = cells["field"].lower()
        if name in IDENTITY_FIELDS or name in TEXT_FIELDS:
            values[name] = cells["value"]
            rows[name] = number
    for name in IDENTITY_FIELDS:
        if name not in rows:
            problems.add(f"the {name} row is missing", file=f"{RETURN_SHEET} sheet", column="field")
    return values, rows


def _read_spend(
    records: list[list[str]] | None, problems: Problems
) -> tuple[LineEntry, ...] | None:
    """The Spend sheet's lines (checking its Total row), or None when it cannot be read."""
    if records is None:
        return None
    columns = _columns(records, SPEND_SHEET, SPEND_REQUIRED, problems)
    if columns is None:
        return None
    where = f"{SPEND_SHEET} sheet"
    entries = []
    totals: tuple[int, dict[str, str]] | None = None
    for number, cells in _data_rows(records, columns):
        if cells["line_ref"].lower() == "total":
            totals = (number, cells)
            continue
        entries.append(
            LineEntry(
                line_ref=cells["line_ref"],
                actual=cells["actual"],
                forecast_remaining=cells["forecast_remaining"],
                variance_reason=cells["variance_reason"],
                file=where,
                row=number,
            )
        )
    if totals is not None:
        _check_totals(entries, *totals, problems)
    return tuple(entries)


def _check_totals(
    entries: list[LineEntry], row: int, cells: dict[str, str], problems: Problems
) -> None:
    """The Total row's actual and forecast must equal the lines' (when every line's amount
    reads as money: a line that does not is already a problem of its own)."""
    for name in ("actual", "forecast_remaining"):
        if not cells.get(name):
            continue
        try:
            stated = to_money(cells[name], field=name)
            summed = sum((to_money(getattr(e, name)) for e in entries), ZERO)
        except MoneyError:
            continue
        if stated != summed:
            problems.add(
                f"the total {name.replace('_', ' ')} is {format_gbp(stated)} but the "
                f"lines add up to {format_gbp(summed)}",
                file=f"{SPEND_SHEET} sheet",
                row=row,
                column=name,
            )


def _read_match(records: list[list[str]] | None, problems: Problems) -> tuple[MatchEntry, ...]:
    if records is None:
        return ()
    columns = _columns(records, MATCH_SHEET, MATCH_REQUIRED, problems)
    if columns is None:
        return ()
    return tuple(
        MatchEntry(
            contributor=cells["contributor"],
            kind=cells["kind"],
            amount=cells["amount"],
            evidence_reference=cells.get("evidence_reference"),
            valuation_basis=cells.get("valuation_basis"),
            file=f"{MATCH_SHEET} sheet",
            row=number,
        )
        for number, cells in _data_rows(records, columns)
    )


def _read_reach(records: list[list[str]] | None, problems: Problems) -> tuple[ReachEntry, ...]:
    if records is None:
        return ()
    columns = _columns(records, REACH_SHEET, ("band", "number"), problems)
    if columns is None:
        return ()
    by_name = {label.lower(): band for band, label in REACH_BANDS}
    by_name.update({band: band for band, _ in REACH_BANDS})
    entries = []
    seen: dict[str, int] = {}
    for number, cells in _data_rows(records, columns):
        band = by_name.get(cells["band"].lower())
        if band is None:
            problems.add(
                f"unknown reach band {cells['band']!r}; use the template's bands",
                file=f"{REACH_SHEET} sheet",
                row=number,
                column="band",
            )
            continue
        if band in seen:
            problems.add(
                f"{cells['band']} appears more than once (first at row {seen[band]})",
                file=f"{REACH_SHEET} sheet",
                row=number,
                column="band",
            )
            continue
        seen[band] = number
        entries.append(
            ReachEntry(
                band=band,
                number=cells["number"],
                file=f"{REACH_SHEET} sheet",
                row=number,
                column="number",
            )
        )
    return tuple(entries)


# --- the import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    title: str
    lines: int
    match_lines: int
    created: bool
    dry_run: bool
    ret: QuarterlyReturn | None = None


def import_return(
    parsed: ParsedReturn,
    *,
    user: User | None,
    dry_run: bool = False,
    return_id: int | None = None,
    lock_version: int | None = None,
    spoke: str | None = None,
) -> ImportOutcome:
    """Import a filled-in template: every check of a save, plus that the file names a known
    spoke, grant, year and quarter whose return is still open (a draft or returned return, or
    none yet: one is started). Any problem anywhere: nothing is written and every problem is
    listed with its sheet, row and column. ``dry_run`` checks and writes nothing. From a return's
    page, ``return_id`` requires the file to be for that return; from the command line, ``spoke``
    (a code) requires it to be for that spoke."""
    problems = Problems(parsed.problems)
    at = {"file": parsed.sheet, "column": "value"}
    if spoke is not None and parsed.spoke.strip().lower() != spoke.strip().lower():
        problems.add(
            f"this file is for the spoke {parsed.spoke.strip() or '(none)'!r}, not "
            f"{spoke.strip()!r} as asked; nothing is imported into another spoke's return",
            row=parsed.rows.get("spoke"),
            **at,
        )
        raise DomainError(f"{parsed.filename} was not imported", problems)
    recipient = queries.recipient_by_code(parsed.spoke) if parsed.spoke.strip() else None
    if recipient is None:
        problems.add(
            f"unknown spoke {parsed.spoke!r}" if parsed.spoke.strip() else "the spoke is missing",
            row=parsed.rows.get("spoke"),
            **at,
        )
    stream = queries.stream_by_code(parsed.grant) if parsed.grant.strip() else None
    if stream is None:
        problems.add(
            f"unknown grant {parsed.grant!r}; write VRU or SVD", row=parsed.rows.get("grant"), **at
        )
    year = None
    try:
        year = FinancialYear.parse(parsed.financial_year).label
    except FinancialYearError as error:
        problems.add(str(error), row=parsed.rows.get("financial_year"), **at)
    quarter = _quarter(parsed.quarter)
    if quarter is None:
        problems.add(
            f"quarter {parsed.quarter!r} is not 1, 2, 3 or 4", row=parsed.rows.get("quarter"), **at
        )
    if recipient is None or stream is None or year is None or quarter is None:
        raise DomainError(f"{parsed.filename} was not imported", problems)
    if user is not None and not services.may_edit(user, recipient):
        problems.add(
            f"you may not fill in returns for {recipient.name}", row=parsed.rows.get("spoke"), **at
        )
    ret = queries.find_return(recipient.id, stream.id, year, quarter)
    title = f"{recipient.name} {stream.code} {year} Q{quarter} return"
    if return_id is not None and (ret is None or ret.id != return_id):
        problems.add(
            f"this file is for the {title}, not the return it was uploaded to",
            row=parsed.rows.get("spoke"),
            **at,
        )
    new = None
    if ret is not None:
        if return_id == ret.id:
            services.check_lock(ret, lock_version)
        if not ret.status.is_editable:
            problems.add(
                f"the {title} is already {ret.status.value}, so it is locked; nothing "
                "can be imported into it",
                row=parsed.rows.get("quarter"),
                **at,
            )
        services.check_year_open(ret, problems)
        lines = list(ret.lines)
    else:
        new = services.new_return(
            recipient,
            stream,
            year,
            quarter,
            problems,
            where={"file": parsed.sheet, "row": parsed.rows.get("quarter"), "column": "value"},
        )
        lines = list(new.lines) if new is not None else []
    entry_problems, checked = check_entries(
        parsed.entries,
        {line.plan_line.line_ref: line.plan_line.profile[quarter - 1] for line in lines},
        quarter=quarter,
    )
    problems.extend(entry_problems)
    reach_rows, reach_problems = read_intervention_sheet(
        parsed.intervention_records, recipient.id, year
    )
    problems.extend(reach_problems)
    target = ret if ret is not None else new
    if problems or target is None:
        raise DomainError(f"{parsed.filename} was not imported", problems)
    outcome = ImportOutcome(
        title=title,
        lines=len(checked.lines),
        match_lines=len(checked.match_lines),
        created=ret is None,
        dry_run=dry_run,
    )
    if dry_run:
        return outcome
    if new is not None:
        db.session.add(new)
    services.apply_entries(target, parsed.entries, checked)
    apply_intervention_rows(reach_rows, year, quarter)
    set_reason(db.session, f"imported from {parsed.filename}")
    if new is not None:
        services.commit_new(new)
    else:
        services.commit_change(target)
    return ImportOutcome(
        title=title,
        lines=outcome.lines,
        match_lines=outcome.match_lines,
        created=outcome.created,
        dry_run=False,
        ret=target,
    )


def _quarter(text: str) -> int | None:
    cleaned = (text or "").strip().upper().removeprefix("Q")
    return int(cleaned) if cleaned in ("1", "2", "3", "4") else None


def import_return_file(
    content: bytes,
    filename: str,
    *,
    user: User | None,
    dry_run: bool = False,
    return_id: int | None = None,
    lock_version: int | None = None,
    spoke: str | None = None,
) -> ImportOutcome:
    """Read a workbook and import it (see ``import_return``)."""
    return import_return(
        read_return_workbook(content, filename),
        user=user,
        dry_run=dry_run,
        return_id=return_id,
        lock_version=lock_version,
        spoke=spoke,
    )
