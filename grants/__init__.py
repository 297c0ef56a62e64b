"""Grants year by year: awards and their conditions, allocation variations, grant agreements,
delivery plans, quarterly returns (spend, match funding, reach), underspend and year-end close.

Models live in ``awards_models``, ``plan_models`` and ``return_models``; the arithmetic (figures,
plan checks) is pure code in ``figures`` and ``checks``.
"""
