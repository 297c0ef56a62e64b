"""Delivery plans: each recipient's lines for the year with their quarterly profiles, the checks
against the award's conditions, and the review (submit, approve or return, new versions)."""
