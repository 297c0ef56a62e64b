"""Spreadsheet cells as the text the user typed (pure).

Readers such as python-calamine hand back numbers as floats and dates as dates; imports then
parse that text exactly (``to_money``, ``Decimal``), so no float ever reaches money.

>>> [cell_text(c) for c in (193282.0, 1250.5, 0.1, "  V1 ", None, date(2025, 3, 31), True)]
['193282', '1250.5', '0.1', 'V1', '', '2025-03-31', 'TRUE']

And the other way, out to a spreadsheet: text that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is the one test
``is_formula_like``, and ``safe_text`` the one fix every CSV export applies (the XLSX writer marks
such cells "quote prefix" instead).

``whole_number`` is the one reading of an id or a count typed as text: ASCII digits only
(``"²"`` is a digit to ``str.isdigit`` but not to ``int``) and no more than a BIGINT holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

MAX_BIGINT = 2**63 - 1


def whole_number(text: object) -> int | None:
    """The whole number of 0 or more that ``text`` spells in ASCII digits, else ``None``.

    >>> [whole_number(t) for t in ("42", " 7 ", "²", "-1", "4.0", "", None, "9" * 30)]
    [42, 7, None, None, None, None, None, None]
    """
    digits = str(text).strip() if text is not None else ""
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        return None
    number = int(digits)
    return number if number <= MAX_BIGINT else None


def whole_numbers(texts: Iterable[object] | None) -> list[int]:
    """The whole numbers among ``texts`` (ids chosen in a form), the rest left out.

    >>> whole_numbers(["3", "x", "²", "12"])
    [3, 12]
    """
    numbers = (whole_number(text) for text in texts or ())
    return [n for n in numbers if n is not None]


def cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        # repr is the shortest text that reads back as this double: the digits the user typed.
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell).strip()


def header_positions(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """A header row's column positions by lower-case name (blank cells left out), and the
    names it gives more than once: which of two ``actual`` columns is the actual spend?

    >>> header_positions(["line_ref", " Actual ", "", "ACTUAL"])
    ({'line_ref': 0, 'actual': 1}, ['actual'])
    """
    positions: dict[str, int] = {}
    twice: list[str] = []
    for i, cell in enumerate(header):
        name = cell.strip().lower()
        if not name:
            continue
        if name in positions:
            twice.extend([] if name in twice else [name])
        else:
            positions[name] = i
    return positions, twice


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (the one test for every export).

    >>> is_formula_like("=SUM(A1)"), is_formula_like("@cmd"), is_formula_like("Bristol")
    (True, True, False)
    """
    return text.startswith(FORMULA_STARTS)


def safe_text(value: object) -> object:
    """``value``, with an apostrophe before text that would otherwise open as a formula.

    >>> safe_text("-£5.00"), safe_text("Bristol"), safe_text(-5)
    ("'-£5.00", 'Bristol', -5)
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value
