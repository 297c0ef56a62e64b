"""What an audited record is called in the log, and what a linked record is called beside a
change (``recipient: Bristol`` rather than ``recipient: 4``).

A record with a natural name (a code, email, reference, name, title or label) goes by it. A
record without one (a panel member's score, a declaration of interest) has an entry in
``LABELS``, built from the records it belongs to; ``tests/audit`` fails for an audited model with
neither. Labels read attributes only: no Flask, no queries of their own (a linked record not yet
loaded is loaded by the ORM).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NATURAL = ("code", "email", "reference", "name", "title", "label")


def _user(obj: Any, attribute: str = "user") -> str:
    user = getattr(obj, attribute, None)
    return user.name if user is not None else "someone"


def _bid(obj: Any) -> str:
    bid = getattr(obj, "bid", None)
    return bid.reference if bid is not None else "a bid"


# By table name: a label for each audited record that has no natural name.
LABELS: dict[str, Callable[[Any], str]] = {
    "bid_attachments": lambda a: f"{_bid(a)}: {a.filename}",
    "bid_scores": lambda s: (
        f"{_bid(s)}: {_user(s)}'s score"
        + (f" for {s.criterion.name}" if s.criterion is not None else "")
    ),
    "conflict_declarations": lambda d: f"{_bid(d)}: {_user(d)}'s declaration of interests",
    "due_diligence_checks": lambda c: (
        f"{c.provider.name if c.provider is not None else 'A provider'}: {c.kind} check"
    ),
    "intervention_reach": lambda r: (
        f"{r.intervention.name if r.intervention is not None else 'An intervention'}: reach, "
        f"{r.financial_year} Q{r.quarter}"
    ),
    "panel_members": lambda m: (
        f"{m.round.name if m.round is not None else 'A round'}: {_user(m)}"
        + (" (chair)" if m.is_chair else "")
    ),
    "spoke_needs": lambda n: (
        f"{n.spoke.name if n.spoke is not None else 'A spoke'}: "
        f"{(n.intervention_type or '').replace('_', ' ')}"
    ),
}


def has_label(model: type) -> bool:
    """Whether records of ``model`` get a readable label."""
    return getattr(model, "__tablename__", None) in LABELS or any(
        hasattr(model, name) for name in NATURAL
    )


def record_label(obj: Any) -> str | None:
    """The record's label for the log, or None when it has none."""
    label = LABELS.get(getattr(obj, "__tablename__", ""))
    if label is not None:
        return label(obj)[:254]
    for name in NATURAL:
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value[:254]
    return None


def linked_name(obj: Any) -> str | None:
    """A linked record as a person knows it: its name or title first (a spoke by its name, not
    its code), else its label."""
    for name in ("name", "title"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    return record_label(obj)
