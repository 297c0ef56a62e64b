"""Property: every importer, given any hostile file built from a valid one (``strategies.py``),
either imports it or refuses it with ``DomainError``, never anything else; a refusal lists
problems that each say where they are (a file, sheet, row or column), naming the row of the one
cell that was changed when that is all that was; and a refused file writes nothing: every table,
the audit log included, holds exactly the rows it held before.

The importers are called as their commands and pages call them (the service, then a rollback on
refusal), in this process, on both databases. ``test_hostile_attachments.py`` does the same for
bid attachments; ``test_hostile_memory.py`` measures a real process's memory on the worst files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from allocations.services import import_indicator_dataset
from auth.models import User
from auth.roles import Role
from commissioning.interventions.return_sheet import COLUMNS as INTERVENTION_COLUMNS
from commissioning.rounds.spreadsheet import COLUMNS, import_bids
from core.problems import SHOWN_PROBLEMS, DomainError
from extensions import db
from formulas.data import MAX_INDICATOR_VALUE
from grants.returns.spreadsheet import import_return_file
from tests.builders import DEFAULT_POPULATION, make_spokes, make_user
from tests.grants.returns.builders import make_setup
from tests.hostile.strategies import Hostile, csv_files, workbooks

# The fixtures (the app and its database) are made once per test and shared by its examples on
# purpose: each example measures the database before and after itself.
T = TypeVar("T")
SHOWN_LENGTH = 1_000  # a problem is read by a person: it quotes a value, not 30,000 characters
PROPERTY = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def counts() -> dict[str, int]:
    """Every table's row count, read after the importer's own rollback."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def attempt(hostile: Hostile, call: Callable[[], T], *, writes: bool) -> T | None:
    """Call an importer as a command would (a rollback when it refuses, or in a dry run), check
    what every refusal must be, and return what it imported (None when refused)."""
    before = counts()
    try:
        result = call()
    except DomainError as error:
        db.session.rollback()
        problems = list(error.problems)
        assert problems, f"{hostile!r}: refused with no problem listed: {error.message}"
        # The last line of a long list counts the rest ("and 2 more problems not shown").
        listed = problems[:SHOWN_PROBLEMS]
        for problem in listed:
            assert problem.where, f"{hostile!r}: the problem {problem} names no place"
            assert len(str(problem)) <= SHOWN_LENGTH, f"{hostile!r}: {str(problem)[:200]}..."
        if hostile.cell is not None:
            _sheet, row = hostile.cell
            assert any(p.row == row for p in problems), (hostile, [str(p) for p in problems])
        assert counts() == before, f"{hostile!r} was refused but wrote: {error}"
        event("refused")
        return None
    event("imported")
    if not writes:
        db.session.rollback()
        assert counts() == before, f"{hostile!r}: a dry run wrote"
    return result


def assert_storable(hostile: Hostile, *texts: str | None) -> None:
    for text in texts:
        assert text is None or "\x00" not in text, f"{hostile!r} stored a NUL: {text!r}"


# --- quarterly returns ----------------------------------------------------------------------------

VALID_RETURN: dict[str, list[list[object]]] = {
    "Return": [
        ["field", "value", "notes"],
        ["spoke", "bristol", None],
        ["grant", "VRU", None],
        ["financial_year", "2024-25", None],
        ["quarter", 1, None],
        ["narrative", "Mentoring started in May.", None],
        ["risks", "None yet.", None],
    ],
    "Spend": [
        ["line_ref", "title", "category", "annual_budget", "profile_q1", "actual",
         "forecast_remaining", "variance_reason"],
        ["V1", "a line", "Staffing", Decimal("4000.00"), Decimal("1000.00"), Decimal("1000.00"),
         Decimal("3000.00"), None],
        ["V2", "a line", "Staffing", Decimal("8000.00"), Decimal("2000.00"), Decimal("2000.00"),
         Decimal("6000.00"), None],
    ],
    "Match funding": [
        ["contributor", "kind", "amount", "evidence_reference", "valuation_basis"],
        ["Bristol City Council", "cash", Decimal("900.00"), "INV-1", None],
        ["Volunteers", "in_kind", Decimal("100.00"), "TS-1", "hours at cost"],
    ],
    "Reach": [["band", "number"], ["Young people 10 to 14", 120], ["Professionals", 15]],
    "Interventions": [  # the spoke's one intervention this year (made by the fixture: id 1)
        list(INTERVENTION_COLUMNS),
        [1, "Mentoring", *[0] * (len(INTERVENTION_COLUMNS) - 2)],
    ],
}  # fmt: skip
RETURN_TARGETS = [
    *(("Return", r, 1) for r in range(1, 7)),
    *(("Spend", r, c) for r in (1, 2) for c in (5, 6, 7)),
    *(("Match funding", r, c) for r in (1, 2) for c in range(5)),
    *(("Reach", r, 1) for r in (1, 2)),
    *(("Interventions", 1, c) for c in range(len(INTERVENTION_COLUMNS))),
]


@pytest.fixture
def bristol_lead(app) -> User:  # type: ignore[no-untyped-def]
    from commissioning.interventions.models import Intervention
    from commissioning.vocabulary import Level

    setup = make_setup()
    mentoring = Intervention(
        name="Mentoring",
        financial_year="2024-25",
        intervention_type="targeted_mentors",
        level=Level.TARGETED,
        spokes=[setup.recipient],
        annual_cost=Decimal("0.00"),
    )
    db.session.add(mentoring)
    db.session.commit()
    assert mentoring.id == 1, "VALID_RETURN names it by its id"
    return setup.lead


def test_the_valid_return_the_properties_start_from_is_imported(bristol_lead):
    from tests.hostile.strategies import write_workbook

    import_return_file(write_workbook(VALID_RETURN), "q1.xlsx", user=bristol_lead, spoke="bristol")


@PROPERTY
@given(hostile=workbooks(VALID_RETURN, RETURN_TARGETS, "q1.xlsx"), dry_run=st.booleans())
def test_a_hostile_return_is_imported_or_refused_cleanly(bristol_lead, hostile, dry_run):
    outcome = attempt(
        hostile,
        lambda: import_return_file(
            hostile.content, hostile.filename, user=bristol_lead, spoke="bristol", dry_run=dry_run
        ),
        writes=not dry_run,
    )
    if outcome is None or outcome.ret is None:
        return
    ret = outcome.ret  # what a return may hold: amounts of 0 or more, counts of 0 or more
    for line in ret.lines:
        assert line.actual >= 0 and line.forecast_remaining >= 0, hostile
        assert_storable(hostile, line.variance_reason)
    for match in ret.match_lines:
        assert match.amount >= 0, hostile
        assert_storable(hostile, match.contributor, match.evidence_reference, match.valuation_basis)
    assert min(ret.reach_10_14, ret.reach_professionals, ret.reach_under_10) >= 0, hostile
    assert_storable(hostile, ret.narrative, ret.risks)


# --- funding formula indicators -------------------------------------------------------------------

VALID_INDICATORS: list[list[object]] = [
    ["recipient", "indicator", "value", "source", "as_of"],
    *[[code, "population", value, "ONS mid-year", "2021-06-30"]
      for code, value in DEFAULT_POPULATION.items()],
]  # fmt: skip
INDICATOR_TARGETS = [(r, c) for r in range(1, len(VALID_INDICATORS)) for c in range(5)]


@pytest.fixture
def finance_officer(app) -> User:  # type: ignore[no-untyped-def]
    make_spokes()
    return make_user(role=Role.FINANCE)


def import_indicators(hostile: Hostile, user: User) -> None:
    dataset = attempt(
        hostile,
        lambda: import_indicator_dataset(
            hostile.content, filename=hostile.filename, name="Needs", user=user
        ),
        writes=True,
    )
    for value in dataset.values if dataset else ():  # what a formula may be given
        assert value.value.is_finite() and 0 <= value.value <= MAX_INDICATOR_VALUE, hostile
        assert_storable(hostile, value.source)


@PROPERTY
@given(hostile=csv_files(VALID_INDICATORS, INDICATOR_TARGETS, "needs.csv"))
def test_a_hostile_indicator_csv_is_imported_or_refused_cleanly(finance_officer, hostile):
    import_indicators(hostile, finance_officer)


@settings(PROPERTY, max_examples=40)
@given(
    hostile=workbooks(
        {"Indicators": VALID_INDICATORS},
        [("Indicators", r, c) for r, c in INDICATOR_TARGETS],
        "needs.xlsx",
    )
)
def test_a_hostile_indicator_workbook_is_imported_or_refused_cleanly(finance_officer, hostile):
    import_indicators(hostile, finance_officer)


# --- bids -----------------------------------------------------------------------------------------


BID = {
    "round": "Spring round",
    "provider": "Youth Moves",
    "title": "Mentoring",
    "spokes": "bristol",
    "intervention_types": "targeted_mentors",
    "level": "targeted",
    "cost": "20000.00",
    "q1": "5000.00",
    "q2": "5000.00",
    "q3": "5000.00",
    "q4": "5000.00",
}
VALID_BIDS: dict[str, list[list[object]]] = {
    "Bids": [
        list(COLUMNS),
        [BID.get(c, "") for c in COLUMNS],
        [{**BID, "title": "Sport", "cost": "8000.00", "q1": "2000.00", "q2": "2000.00",
          "q3": "2000.00", "q4": "2000.00"}.get(c, "") for c in COLUMNS],
    ]
}  # fmt: skip
BID_TARGETS = [("Bids", r, c) for r in (1, 2) for c in range(len(COLUMNS))]


@pytest.fixture
def hub_officer(app) -> User:  # type: ignore[no-untyped-def]
    from tests.commissioning.builders import make_provider, make_round

    make_round(name="Spring round")
    make_provider("Youth Moves")
    return make_user(role=Role.HUB)


def test_the_valid_bids_the_properties_start_from_are_imported(hub_officer):
    from tests.hostile.strategies import write_workbook

    content = write_workbook(VALID_BIDS)

    result = import_bids(content, "bids.xlsx", user=hub_officer, today=date.today())

    assert len(result.bids) == 2


@PROPERTY
@given(hostile=workbooks(VALID_BIDS, BID_TARGETS, "bids.xlsx"), dry_run=st.booleans())
def test_a_hostile_bid_workbook_is_imported_or_refused_cleanly(hub_officer, hostile, dry_run):
    result = attempt(
        hostile,
        lambda: import_bids(
            hostile.content, hostile.filename, user=hub_officer, today=date.today(),
            dry_run=dry_run,
        ),
        writes=not dry_run,
    )  # fmt: skip
    for bid in result.bids if result else ():  # what a bid may hold
        assert bid.cost > 0, hostile
        for amount in (bid.q1, bid.q2, bid.q3, bid.q4, bid.match_funding):
            assert amount is None or amount >= 0, (hostile, amount)
        assert bid.participants is None or bid.participants >= 0, hostile
        assert_storable(hostile, bid.title, bid.summary, bid.cohort, bid.output_targets)
