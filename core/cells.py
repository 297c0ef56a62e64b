"""Spreadsheet cells as the text the user typed (pure).

Readers such as python-calamine hand back numbers as floats and dates as dates; imports then
parse that text exactly (``to_money``, ``Decimal``), so no float ever reaches money.

>>> [cell_text(c) for c in (193282.0, 1250.5, 0.1, "  V1 ", None, date(2025, 3, 31), True)]
['193282', '1250.5', '0.1', 'V1', '', '2025-03-31', 'TRUE']
"""

from __future__ import annotations

from datetime import date, datetime


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
