"""Financial years (1 April to 31 March) and their quarters.

A year is written ``2024-25``: it starts on 1 April 2024 and ends on 31 March 2025. Quarters are
Q1 April-June, Q2 July-September, Q3 October-December and Q4 January-March.

>>> FinancialYear.parse("2024-25").start
datetime.date(2024, 4, 1)
>>> FinancialYear.containing(date(2025, 2, 14)).label
'2024-25'
>>> quarter_of(date(2025, 2, 14))
4
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_LABEL = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")
QUARTERS = (1, 2, 3, 4)


class FinancialYearError(ValueError):
    """Text that is not a financial year, or a quarter outside 1-4."""


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April of ``start_year``."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read ``2024-25`` (also ``2024/25`` and ``2024-2025``)."""
        match = _LABEL.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise FinancialYearError(f"{text!r} is not a financial year; write it like 2024-25")
        start_year = int(match.group(1))
        end = match.group(2)
        follows = int(end) == (start_year + 1 if len(end) == 4 else (start_year + 1) % 100)
        if not follows:
            raise FinancialYearError(
                f"{text!r} is not a financial year: the second year must follow the first"
            )
        return cls(start_year)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def quarter_dates(self, quarter: int) -> tuple[date, date]:
        """First and last day of quarter 1-4 of this year.

        >>> FinancialYear(2024).quarter_dates(4)
        (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
        """
        _check_quarter(quarter)
        starts = {1: (0, 4, 1), 2: (0, 7, 1), 3: (0, 10, 1), 4: (1, 1, 1)}
        ends = {1: (0, 6, 30), 2: (0, 9, 30), 3: (0, 12, 31), 4: (1, 3, 31)}
        (sy, sm, sd), (ey, em, ed) = starts[quarter], ends[quarter]
        return date(self.start_year + sy, sm, sd), date(self.start_year + ey, em, ed)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


def quarter_of(day: date) -> int:
    """The financial quarter (1-4) a date falls in."""
    return ((day.month - 4) % 12) // 3 + 1


def quarter_label(quarter: int) -> str:
    """``Q1 (Apr-Jun)`` and so on."""
    _check_quarter(quarter)
    return {1: "Q1 (Apr-Jun)", 2: "Q2 (Jul-Sep)", 3: "Q3 (Oct-Dec)", 4: "Q4 (Jan-Mar)"}[quarter]


def _check_quarter(quarter: int) -> None:
    if quarter not in QUARTERS:
        raise FinancialYearError(f"quarter {quarter!r} is not 1, 2, 3 or 4")
