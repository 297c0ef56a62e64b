"""What every grants service does the same way when it saves what someone typed: refuse a save
made from an out-of-date page (optimistic locking on ``lock_version``), and clean text and years
as typed.

Shared by the capability services (awards, agreements, plans, returns); nothing here knows any
one of them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from core.financial_year import FinancialYear, FinancialYearError
from core.problems import DomainError, Problem, Problems
from extensions import db


class StaleRecord(DomainError):
    """The record changed after the form was loaded: reload, nothing was saved."""


def stale_message(what: str) -> str:
    return (
        f"Someone else saved this {what} since you opened it. Reload the page to see their "
        f"changes; nothing of yours was saved."
    )


def stale_error(what: str, error: type[StaleRecord] = StaleRecord) -> StaleRecord:
    return error(f"The {what} was not saved", [Problem(stale_message(what), column="lock_version")])


def check_lock_version(
    record: Any, lock_version: int | None, what: str, error: type[StaleRecord] = StaleRecord
) -> None:
    """Refuse when the form was loaded from an older version of ``record`` than the stored one."""
    if lock_version is not None and lock_version != record.lock_version:
        raise stale_error(what, error)


def commit_or_refuse(what: str, error: type[StaleRecord] = StaleRecord) -> None:
    """Commit; if another save got in between our read and our write, refuse cleanly."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise stale_error(what, error) from None


def clean_text(value: str | None) -> str | None:
    """Text without surrounding spaces, or ``None`` when there is none."""
    text = (value or "").strip()
    return text or None


def parse_year(text: str | None, problems: Problems) -> FinancialYear | None:
    """The financial year typed (``2024-25``), or ``None`` with a problem on ``financial_year``."""
    try:
        return FinancialYear.parse(text or "")
    except FinancialYearError as error:
        problems.add(str(error), column="financial_year")
        return None
