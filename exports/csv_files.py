"""CSV files from plain rows: ``write_csv([[header...], [cell...]]) -> bytes``.

Every text cell that a spreadsheet application would read as a formula (one starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe, so it
opens as the text it is: a record named ``=HYPERLINK(...)`` cannot run when an auditor opens the
file. Numbers and dates are written as they are.

>>> write_csv([["who", "amount"], ["=1+1", 5]]).decode("utf-8-sig")
"who,amount\\r\\n'=1+1,5\\r\\n"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

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


def write_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads £ and accented names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if cell is None else safe_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
