"""CSV text from plain rows (the same rows ``spreadsheets.write_xlsx`` takes): ``None`` is an
empty cell, dates are ISO, Decimals as they are. Nothing here knows what the rows mean.

Text that a spreadsheet would run as a formula goes through ``csv_files.safe_text``, the one
helper every export uses:

>>> write_csv([["=1+1", "-x"]])
"'=1+1,'-x\\n"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from exports.csv_files import safe_text


def write_csv(rows: Sequence[Sequence[object]]) -> str:
    """
    >>> write_csv([["a", "b"], [None, date(2025, 4, 1)]])
    'a,b\\n,2025-04-01\\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(
            [
                "" if v is None else v.isoformat() if isinstance(v, date) else safe_text(v)
                for v in row
            ]
        )
    return buffer.getvalue()
