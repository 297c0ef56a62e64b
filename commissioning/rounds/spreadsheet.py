"""Bids as a spreadsheet: the template (one ``Bids`` sheet, a header row and an example row to
overwrite) and the import of a filled-in one (``vrp bids import`` and the upload on a round's
page). The file is checked whole: any problem on any row means nothing is written, and every
problem names the sheet, the row and the column.

Columns: ``round`` (the round's name), ``reference`` (blank for the next number), ``provider``
(a registered provider's name), ``title``, ``spokes`` and ``intervention_types`` (codes,
separated by ``;``), ``level``, ``cohort``, ``age_band``, ``yef_strand`` (a strand's code),
``setting``, ``participants``, ``cost``, ``q1``-``q4``, ``match_funding``, ``submitted_on``
(YYYY-MM-DD), ``output_targets``, ``summary``. Numbers are read back as the text typed, so an
amount with more than two decimals is refused, never rounded. A row is checked by the same
rules as the bid form (``services.bid_problems``); a provider's second bid of the same title in a
round, in the file or already entered, is refused naming the first (so importing a file twice
adds nothing the second time: it is refused whole).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from auth.models import User
from commissioning.interventions.models import YefStrand
from commissioning.providers.queries import provider_by_name
from commissioning.rounds.models import Bid, CommissioningRound
from commissioning.rounds.services import BidInput, bid_problems, build_bid, plain_title
from core.cells import cell_text, header_positions
from core.problems import DomainError, Problem, Problems
from core.uploads import read_xlsx
from exports.spreadsheets import write_xlsx
from extensions import db
from reference.models import Organisation

SHEET = "Bids"
COLUMNS = (
    "round",
    "reference",
    "provider",
    "title",
    "spokes",
    "intervention_types",
    "level",
    "cohort",
    "age_band",
    "yef_strand",
    "setting",
    "participants",
    "cost",
    "q1",
    "q2",
    "q3",
    "q4",
    "match_funding",
    "submitted_on",
    "output_targets",
    "summary",
)
REQUIRED = ("round", "provider", "title", "spokes", "intervention_types", "level", "cost")
# The service's field names that are not the sheet's column names.
COLUMN_FOR = {"provider": "provider", "spokes": "spokes", "yef_strand": "yef_strand"}


def template_workbook(round_: CommissioningRound | None = None) -> bytes:
    example: list[object] = [
        round_.name if round_ else "",
        "",
        "Provider's name as registered",
        "What the intervention is called",
        ";".join(o.code for o in round_.recipients) if round_ else "bristol",
        "targeted_mentors;targeted_group_work",
        "targeted",
        "young people at risk of exploitation",
        "10_17",
        "mentoring",
        "community",
        "60",
        "40000.00",
        "10000.00",
        "10000.00",
        "10000.00",
        "10000.00",
        "0.00",
        "",
        "",
        "",
    ]
    return write_xlsx({SHEET: [list(COLUMNS), example]})


@dataclass(frozen=True)
class ImportResult:
    bids: list[Bid]
    dry_run: bool


def import_bids(
    content: bytes, filename: str, *, user: User | None, today: date, dry_run: bool = False
) -> ImportResult:
    rows = _read(content, filename)
    problems = Problems()
    planned: list[tuple[CommissioningRound, BidInput]] = []
    taken: dict[int, set[str]] = {}
    titled: dict[tuple[int, int, str], int] = {}  # a provider's bid by title: its first row
    for number, row in rows:
        where = {"file": f"{SHEET} sheet", "row": number}
        for name in REQUIRED:
            if not row.get(name):
                problems.add(f"{name} is required", column=name, **where)
        round_ = db.session.scalar(
            select(CommissioningRound).where(CommissioningRound.name == row.get("round", ""))
        )
        if round_ is None:
            if row.get("round"):
                problems.add(f"there is no round called {row['round']!r}", column="round", **where)
            continue
        data, row_problems = _bid_input(row)
        for problem in row_problems:
            problems.add(problem.message, column=problem.column, **where)
        used = taken.setdefault(round_.id, set())
        for problem in bid_problems(round_, data, today=today, taken=used):
            problems.add(
                problem.message,
                column=COLUMN_FOR.get(problem.column or "", problem.column),
                **where,
            )
        if data.reference:
            used.add(data.reference)
        if data.provider_id and data.title and data.title.strip():
            key = (round_.id, data.provider_id, plain_title(data.title))
            if key in titled:
                problems.add(
                    f"row {titled[key]} is already a bid by {row.get('provider')} called "
                    f"{data.title.strip()!r} in this round",
                    column="title",
                    **where,
                )
            titled.setdefault(key, number)
        planned.append((round_, data))
    if not rows:
        problems.add("the sheet has no bids under its header", file=f"{SHEET} sheet", row=2)
    if problems:
        raise DomainError(f"{filename} was not imported: nothing was saved", problems)
    bids = []
    references: dict[int, set[str]] = {}
    for round_, data in planned:
        used = references.setdefault(round_.id, set())
        bid = build_bid(round_, data, today=today, taken=used)
        bid.entered_by_id = user.id if user else None
        used.add(bid.reference)
        bids.append(bid)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return ImportResult(bids, dry_run)


def _bid_input(row: dict[str, str]) -> tuple[BidInput, list[Problem]]:
    problems: list[Problem] = []
    provider = provider_by_name(row.get("provider", "")) if row.get("provider") else None
    if row.get("provider") and provider is None:
        problems.append(Problem(f"no provider called {row['provider']!r}", column="provider"))
    spoke_ids = []
    for code in _codes(row.get("spokes", "")):
        spoke = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if spoke is None:
            problems.append(Problem(f"{code!r} is not a spoke's code", column="spokes"))
        else:
            spoke_ids.append(spoke.id)
    strand_id = None
    if row.get("yef_strand"):
        strand = db.session.scalar(select(YefStrand).where(YefStrand.code == row["yef_strand"]))
        if strand is None:
            problems.append(
                Problem(f"{row['yef_strand']!r} is not a YEF strand's code", column="yef_strand")
            )
        else:
            strand_id = strand.id
    submitted = None
    if row.get("submitted_on"):
        try:
            submitted = date.fromisoformat(row["submitted_on"][:10])
        except ValueError:
            problems.append(Problem("write the date as YYYY-MM-DD", column="submitted_on"))
    data = BidInput(
        provider_id=provider.id if provider else None,
        title=row.get("title"),
        intervention_types=_codes(row.get("intervention_types", "")),
        level=row.get("level"),
        cost=row.get("cost"),
        q1=row.get("q1"),
        q2=row.get("q2"),
        q3=row.get("q3"),
        q4=row.get("q4"),
        spoke_ids=spoke_ids,
        submitted_on=submitted,
        reference=row.get("reference") or None,
        summary=row.get("summary"),
        yef_strand_id=strand_id,
        cohort=row.get("cohort"),
        age_band=row.get("age_band") or None,
        setting=row.get("setting"),
        output_targets=row.get("output_targets"),
        participants=row.get("participants"),
        match_funding=row.get("match_funding"),
    )
    return data, problems


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(",", ";").split(";") if c.strip()]


def _read(content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    sheets = read_xlsx(content, filename, (SHEET,))
    if SHEET not in sheets:
        raise DomainError(
            f"{filename} was not imported",
            [Problem(f"the workbook has no {SHEET!r} sheet; use the template", file=filename)],
        )
    records = [[cell_text(c) for c in row] for row in sheets[SHEET]]
    if not records:
        raise DomainError(
            f"{filename} was not imported",
            [Problem("the sheet is empty; row 1 must be the header", file=f"{SHEET} sheet", row=1)],
        )
    header, twice = header_positions(records[0])
    missing = [name for name in REQUIRED if name not in header]
    if missing or twice:
        raise DomainError(
            f"{filename} was not imported",
            [
                Problem(f"the column is {why}", file=f"{SHEET} sheet", row=1, column=name)
                for why, names in (("missing from the header", missing), ("named twice", twice))
                for name in names
            ],
        )
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        rows.append(
            (number, {n: record[i].strip() if i < len(record) else "" for n, i in header.items()})
        )
    return rows
