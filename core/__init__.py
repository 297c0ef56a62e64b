"""The pure shared kernel: money, financial years, problem lists.

Nothing here imports Flask, SQLAlchemy or pandas; an architecture test keeps it that way.
"""
