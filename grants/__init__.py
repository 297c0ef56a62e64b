"""Grants year by year, one folder per capability:

- ``awards/``      a Home Office grant for a year, its conditions, allocation variations
- ``agreements/``  grant agreements with each recipient, versions, payment schedule, PDF
- ``plans/``       delivery plans, lines, quarterly profiles, checks, review
- ``returns/``     quarterly returns, spreadsheet in and out, figures, underspend, year-end close

Shared by them: ``figures`` (pure arithmetic: year to date, forecast, underspend, match share),
``vocabulary`` (enums and their labels), ``editing`` (optimistic locking, cleaning what was
typed) and ``models`` (every grant table in one place, for Alembic).
"""
