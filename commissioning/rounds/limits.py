"""The longest text each bid field takes, in characters (pure).

The bid form's ``Length`` validators, ``bid_problems`` (which the spreadsheet import runs on
every row) and the columns' widths all read these, so a field the form refuses is refused by
the import too, and nothing reaches the database longer than its column.
"""

from __future__ import annotations

BID_TEXT_LIMITS = {
    "reference": 20,
    "title": 300,
    "summary": 5000,
    "cohort": 200,
    "setting": 200,
    "output_targets": 5000,
}
