"""A report as plain values (pure): titled tables of typed columns, notes, captioned charts and
a sign-off, so one XLSX writer and one PDF template serve every Home Office output.

Money is ``Decimal`` pounds; counts are ``int``; a percentage is a ``Decimal`` of percent
points. A table's total row, when asked for, sums every money and count column exactly here
(the writers show these sums, and the XLSX writes them as ``SUM`` formulas with the value).

>>> t = Table("Spend", (Column("Recipient"), Column("Spent", MONEY)),
...           [("Bristol", Decimal("1.10")), ("Hub", Decimal("2.25"))])
>>> t.totals()
('Total', Decimal('3.35'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

TEXT = "text"
MONEY = "money"
COUNT = "count"
PERCENT = "percent"
DATE = "date"
SUMMED = (MONEY, COUNT)


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One table: ``rows`` hold plain values in column order (``None`` for an empty cell)."""

    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[object]]
    total: bool = True
    note: str | None = None
    sheet_name: str | None = None  # the worksheet's name when not the table's title

    def totals(self) -> tuple[object, ...]:
        """The total row: "Total" in the first column, each summed column's exact sum."""
        out: list[object] = []
        for index, column in enumerate(self.columns):
            if index == 0:
                out.append("Total")
            elif column.kind == MONEY:
                out.append(sum((_decimal(row[index]) for row in self.rows), Decimal("0.00")))
            elif column.kind == COUNT:
                out.append(sum(int(row[index] or 0) for row in self.rows))  # type: ignore[call-overload]
            else:
                out.append(None)
        return tuple(out)


@dataclass(frozen=True)
class Figure:
    """A chart (SVG markup) with the caption printed above it; in the PDF only."""

    caption: str
    svg: str


@dataclass(frozen=True)
class Sheet:
    """A group of tables: one worksheet in the XLSX, one section in the PDF (the figures
    follow the tables in the section they illustrate)."""

    name: str
    tables: Sequence[Table]
    intro: Sequence[tuple[str, str]] = ()  # (label, value) pairs shown above the tables
    figures: Sequence[Figure] = ()


@dataclass(frozen=True)
class Report:
    title: str
    partnership: str
    subtitle: str
    sheets: Sequence[Sheet]
    is_draft: bool = False
    notes: Sequence[str] = ()
    sign_off: Sequence[str] = ()  # the roles that sign (name, role and date are left to fill)
    draft_reasons: Sequence[str] = field(default_factory=tuple)

    @property
    def heading(self) -> str:
        return ("DRAFT: " if self.is_draft else "") + self.title


def _decimal(value: object) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if isinstance(value, Decimal):
        return value
    raise TypeError(f"a money cell must be a Decimal, not {type(value).__name__}")


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to two places, half-up; ``None`` when whole is 0.

    >>> percent(Decimal("1"), Decimal("3"))
    Decimal('33.33')
    """
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
