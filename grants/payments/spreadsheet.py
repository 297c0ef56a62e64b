"""Where every pound stands, as a workbook: plain rows for ``exports.spreadsheets``."""

from __future__ import annotations

from exports.spreadsheets import write_xlsx
from grants.payments.queries import PositionReport

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Recipient", "Grant", "Allocated", "Claimed", "Paid", "Spent", "Left to pay"]


def position_workbook(report: PositionReport) -> bytes:
    rows: list[list[object]] = [HEADER]
    for row in [*report.rows, *report.by_stream, report.overall]:
        rows.append(
            [
                report.names.get(row.recipient, row.recipient),
                report.stream_names.get(row.stream, row.stream) if row.stream else "All grants",
                row.allocated,
                row.claimed,
                row.paid,
                row.spent,
                row.remaining,
            ]
        )
    return write_xlsx({f"Position {report.financial_year}": rows})
