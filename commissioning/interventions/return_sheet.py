"""The quarterly return's ``Interventions`` sheet: each of the spoke's interventions for the year,
one row each, with its reach (young people by age band, parents and carers, professionals) and
outputs for the quarter. ``grants.returns`` writes it into the return template and, on import,
checks it with the rest of the file (any problem anywhere: nothing written) and applies it in the
same transaction. Both grants' returns carry the sheet; the last one imported sets the quarter.

Nothing here commits: the return import owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from commissioning.interventions.models import (
    REACH_NAMES,
    Intervention,
    InterventionReach,
    intervention_spokes,
)
from core.cells import header_positions
from core.problems import Problems
from core.uploads import count_too_large
from extensions import db

SHEET = "Interventions"
COLUMNS = ("intervention_id", "intervention", *REACH_NAMES, "outputs")


@dataclass(frozen=True)
class ReachRow:
    row: int
    intervention: Intervention
    counts: dict[str, int]


def interventions_of(recipient_id: int, year: str) -> list[Intervention]:
    return list(
        db.session.scalars(
            select(Intervention)
            .where(
                Intervention.financial_year == year,
                Intervention.id.in_(
                    select(intervention_spokes.c.intervention_id).where(
                        intervention_spokes.c.organisation_id == recipient_id
                    )
                ),
            )
            .order_by(Intervention.name)
        )
    )


def sheet_rows(recipient_id: int, year: str, quarter: int) -> list[list[object]]:
    rows: list[list[object]] = [list(COLUMNS)]
    for intervention in interventions_of(recipient_id, year):
        entered = next(
            (r for r in intervention.reach if r.financial_year == year and r.quarter == quarter),
            None,
        )
        rows.append(
            [
                intervention.id,
                intervention.name,
                *(getattr(entered, name) if entered else 0 for name in (*REACH_NAMES, "outputs")),
            ]
        )
    return rows


def read_sheet(
    records: list[list[str]] | None, recipient_id: int, year: str
) -> tuple[list[ReachRow], Problems]:
    """The rows of a filled-in sheet; every problem names the sheet, row and column. A workbook
    without the sheet (an older template) has nothing to read."""
    problems = Problems()
    if not records:
        return [], problems
    where = f"{SHEET} sheet"
    header, twice = header_positions(records[0])
    missing = [c for c in COLUMNS if c != "intervention" and c not in header]
    for column in missing:
        problems.add("the column is missing from the header", file=where, row=1, column=column)
    for column in twice:
        problems.add("the header names this column twice", file=where, row=1, column=column)
    if missing or twice:
        return [], problems
    mine = {i.id: i for i in interventions_of(recipient_id, year)}
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = {c: record[i].strip() if i < len(record) else "" for c, i in header.items()}
        if not any(cells.values()):
            continue
        ident = cells["intervention_id"]
        # "²" is a digit to Python, not to int()
        intervention = mine.get(int(ident)) if ident.isascii() and ident.isdigit() else None
        if intervention is None:
            problems.add(
                f"{ident!r} is not one of this spoke's interventions for {year}",
                file=where,
                row=number,
                column="intervention_id",
            )
            continue
        counts = {}
        for name in (*REACH_NAMES, "outputs"):
            text = cells.get(name, "") or "0"
            problem = (
                f"{text} is not a whole number of 0 or more"
                if not (text.isascii() and text.isdigit())
                else (f"{text} {count_too_large(text)}" if count_too_large(text) else None)
            )
            if problem:
                problems.add(problem, file=where, row=number, column=name)
            else:
                counts[name] = int(text)
        rows.append(ReachRow(number, intervention, counts))
    return rows, problems


def apply_rows(rows: list[ReachRow], year: str, quarter: int) -> None:
    for item in rows:
        entered = next(
            (
                r
                for r in item.intervention.reach
                if r.financial_year == year and r.quarter == quarter
            ),
            None,
        )
        if entered is None:
            entered = InterventionReach(financial_year=year, quarter=quarter)
            item.intervention.reach.append(entered)
        for name, value in item.counts.items():
            setattr(entered, name, value)
