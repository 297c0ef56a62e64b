"""When returns and delivery plans are due, and whether they are overdue (pure).

Each award may set both: returns due a number of days after each quarter ends, and the date the
delivery plan is due. Where it does not, the grant agreement's terms apply: a quarter's return is
due on the last day of the month after the quarter, and the plan by the end of the year's first
month (the final plans go to the Home Office at the start of the year).

>>> from core.financial_year import FinancialYear
>>> year = FinancialYear(2024)
>>> Deadlines().return_due(year, 3), Deadlines(return_due_days=20).return_due(year, 3)
(datetime.date(2025, 1, 31), datetime.date(2025, 1, 20))
>>> Deadlines().plan_due(year)
datetime.date(2024, 4, 30)
>>> is_overdue(date(2025, 1, 31), today=date(2025, 2, 1)), is_overdue(date(2025, 1, 31),
...                                                                    today=date(2025, 1, 31))
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.financial_year import FinancialYear


def last_day_of_month_after(day: date, months: int = 1) -> date:
    """The last day of the month ``months`` after the month of ``day``.

    >>> last_day_of_month_after(date(2024, 12, 31))
    datetime.date(2025, 1, 31)
    >>> last_day_of_month_after(date(2024, 12, 31), 2)
    datetime.date(2025, 2, 28)
    """
    month_index = day.year * 12 + (day.month - 1) + months + 1  # the month after the target
    first_of_next = date(month_index // 12, month_index % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def return_due_on(year: FinancialYear, quarter: int) -> date:
    """The agreement's default: the last day of the month after the quarter.

    >>> return_due_on(FinancialYear(2024), 4)
    datetime.date(2025, 4, 30)
    """
    return last_day_of_month_after(year.quarter_dates(quarter)[1])


@dataclass(frozen=True)
class Deadlines:
    """An award's deadlines; ``None`` means the agreement's default."""

    return_due_days: int | None = None
    plan_due_on: date | None = None

    def return_due(self, year: FinancialYear, quarter: int) -> date:
        if self.return_due_days is None:
            return return_due_on(year, quarter)
        return year.quarter_dates(quarter)[1] + timedelta(days=self.return_due_days)

    def plan_due(self, year: FinancialYear) -> date:
        if self.plan_due_on is not None:
            return self.plan_due_on
        return last_day_of_month_after(year.start, 0)


def is_overdue(due: date, *, today: date) -> bool:
    """Late from the day after it was due."""
    return today > due
