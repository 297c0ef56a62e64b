"""Exports: plain rows in, file bytes or text out (spreadsheets, charts, later PDFs and open data).

What lives here: the writers at the edge of the system; third-party file writers (xlsxwriter,
WeasyPrint) are imported here and nowhere else. What must not: business rules, database
queries, or pure modules (``core``, ``formulas``) depending on anything here.

The one place a Decimal may become a float is ``spreadsheets``: XLSX stores numbers as IEEE
doubles, so the conversion happens at that output edge and nowhere else.
"""
