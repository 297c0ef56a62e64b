"""The figures on each role's home page (read-only): allocation against spend per recipient and
grant, forecast underspend, match share against the minimum, and how many returns stand at each
status per quarter; with an SVG chart that is the same markup the PDFs carry. Narrowed to what
the user may see: a spoke lead sees their own position."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from auth.models import User
from core.money import ZERO
from exports.charts import Series, grouped_bar_chart
from grants.figures import RecipientFigures
from grants.returns.queries import return_grid
from grants.returns.status import status_report


@dataclass(frozen=True)
class Dashboard:
    year: str
    rows: list[RecipientFigures]
    names: dict[str, str]
    stream_names: dict[str, str]
    chart: str | None
    statuses: dict[int, Counter[str]] = field(default_factory=dict)

    @property
    def forecast_underspend(self) -> Decimal:
        return sum((r.forecast_underspend for r in self.rows if not r.is_closed), ZERO)


def dashboard_for(user: User, year: str) -> Dashboard:
    report = status_report(year, user=user)
    per_recipient: dict[str, list[Decimal]] = {}
    for row in report.rows:
        name = report.names.get(row.recipient, row.recipient)
        sums = per_recipient.setdefault(name, [ZERO, ZERO])
        sums[0] += row.allocation
        sums[1] += row.spent_to_date
    chart = (
        grouped_bar_chart(
            list(per_recipient),
            [
                Series("Allocated", [v[0] for v in per_recipient.values()]),
                Series("Spent to date", [v[1] for v in per_recipient.values()]),
            ],
            title=f"Allocation against spend to date by recipient, {year}",
        )
        if per_recipient
        else None
    )
    statuses: dict[int, Counter[str]] = {q: Counter() for q in (1, 2, 3, 4)}
    stream_names = {}
    for grid_row in return_grid(user, year):
        stream_names[grid_row.stream.code] = grid_row.stream.name
        for quarter in (1, 2, 3, 4):
            ret = grid_row.returns.get(quarter)
            statuses[quarter][ret.status.value if ret else "not started"] += 1
    return Dashboard(
        year=year,
        rows=report.rows,
        names=report.names,
        stream_names=stream_names,
        chart=chart,
        statuses=statuses,
    )
