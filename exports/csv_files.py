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

from core.cells import FORMULA_STARTS, is_formula_like, safe_text

# The one test and the one fix, kept in the pure kernel so that every export (CSV, XLSX, and
# the formula package's own CSV) shares them; re-exported here for the CSV writers.
__all__ = ["FORMULA_STARTS", "is_formula_like", "safe_text", "write_csv"]


def write_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads £ and accented names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if cell is None else safe_text(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
