"""Backup and restore: the whole database in one portable file, for SQLite or PostgreSQL.

``archive`` is the file format (pure: the standard library only), ``columns`` says how each
column type is read and written exactly, ``services`` takes the backup and restores it in one
transaction, and ``commands`` is ``vrp backup`` and ``vrp restore``.
"""
