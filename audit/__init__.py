"""The audit log: an append-only record of every change to money, decision and access records.

Models opt in with ``__audited__ = True``. ``record_changes`` (a SQLAlchemy ``before_flush``
hook) writes one ``AuditEvent`` per created, updated or deleted row, with the values before and
after. Nothing updates or deletes an audit event: the ORM refuses, and database triggers refuse
on both SQLite and PostgreSQL.
"""
