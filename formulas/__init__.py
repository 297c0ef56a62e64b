"""The funding formula: frozen dataclasses in, allocations and their explanation out.

What lives here:

- ``spec``: the formula (read from TOML) and its input data (indicator values, previous
  allocations) as frozen dataclasses, and the rules a formula must meet;
- ``data``: text rows (from a file or an upload) into the input dataclasses, every problem named
  by file, row and column;
- ``calculate`` and ``damping``: the exact arithmetic (top slices, base and need shares, floors
  and ceilings, largest-remainder rounding) and the per-recipient explanation;
- ``files``: reading TOML, CSV and XLSX files (the only file I/O), and running on files;
- ``report``: the result as a text table, JSON-ready dict, CSV text or spreadsheet rows;
- ``commands``: the ``formula`` click group (``vrp formula run``), which works on files alone.

What must not: Flask, SQLAlchemy, pandas, the database, or a float anywhere near money. The web
and database layers call ``calculate_allocations`` with dataclasses they build themselves.
"""
