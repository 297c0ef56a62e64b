"""Due diligence on a provider (pure): which checks block a contract, and what expires soon.

The five checks: safeguarding policy, insurance, DBS checks, bank details verified, financial
check. Each must be recorded (checked, with who and when) and not expired on the day asked about.

>>> from datetime import date
>>> items = [Check("insurance", date(2025, 1, 1), date(2025, 6, 30))]
>>> [b.message for b in blocking_checks(items, on=date(2025, 7, 1))][:2]
['Safeguarding policy has not been checked', 'Insurance expired on 30 Jun 2025']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

CHECKS: tuple[tuple[str, str], ...] = (
    ("safeguarding", "Safeguarding policy"),
    ("insurance", "Insurance"),
    ("dbs", "DBS checks"),
    ("bank", "Bank details verified"),
    ("financial", "Financial check"),
)
CHECK_NAMES: dict[str, str] = dict(CHECKS)
EXPIRY_WINDOW_DAYS = 60


@dataclass(frozen=True)
class Check:
    kind: str
    checked_on: date | None
    expires_on: date | None


@dataclass(frozen=True)
class Blocker:
    kind: str
    message: str


def blocking_checks(checks: Iterable[Check], *, on: date) -> list[Blocker]:
    """Every check that is missing, unchecked or expired on ``on``, in the checklist's order."""
    by_kind = {c.kind: c for c in checks}
    blockers = []
    for kind, name in CHECKS:
        check = by_kind.get(kind)
        if check is None or check.checked_on is None:
            blockers.append(Blocker(kind, f"{name} has not been checked"))
        elif check.expires_on is not None and check.expires_on < on:
            blockers.append(Blocker(kind, f"{name} expired on {check.expires_on:%d %b %Y}"))
    return blockers


def expiring_checks(
    checks: Iterable[Check], *, on: date, days: int = EXPIRY_WINDOW_DAYS
) -> list[Check]:
    """Checks that are still in date on ``on`` but expire within ``days`` of it.

    >>> expiring_checks([Check("dbs", date(2025, 1, 1), date(2025, 3, 1))], on=date(2025, 1, 15))
    [Check(kind='dbs', checked_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2025, 3, 1))]
    """
    until = on + timedelta(days=days)
    return sorted(
        (c for c in checks if c.expires_on is not None and on <= c.expires_on <= until),
        key=lambda c: (c.expires_on or on, c.kind),
    )
