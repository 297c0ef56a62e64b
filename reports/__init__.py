"""Home Office outputs: the delivery plan, the quarterly spend return, the annual finance summary
and the 360Giving open data, as PDF, XLSX, JSON and CSV, by command line and download.

``queries.py`` (the quarterly return, and the checks every output shares), ``annual.py`` and
``delivery.py`` gather the records into plain ``document.Report`` values; ``document.py`` (pure)
describes a report as titled tables; ``workbook.py`` and ``pages.py`` turn one report into XLSX
and PDF bytes; ``giving.py`` builds and validates the 360Giving data; ``views.py`` and
``commands.py`` are the thin edges; ``dashboard.py`` has the figures on each role's home page.
"""
