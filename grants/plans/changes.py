"""What changed between two versions of a delivery plan, line by line (pure: plain values in).

Lines are matched by their reference (a new version copies each line with its reference). A line
only in the new version is added, one only in the old is removed, and one in both whose budget,
profile or description differs is changed, with the old and new amounts.

>>> D = Decimal
>>> old = [LineFacts("INT-01", "Mentoring", "VRU", D("400.00"), (D("100.00"),) * 4)]
>>> new = [LineFacts("INT-01", "Mentoring", "VRU", D("500.00"), (D("125.00"),) * 4),
...        LineFacts("INT-02", "Detached youth work", "VRU", D("50.00"), (D("12.50"),) * 4)]
>>> for c in compare_lines(old, new):
...     print(c.kind, c.line_ref, c.old_budget, c.new_budget, c.difference)
changed INT-01 400.00 500.00 100.00
added INT-02 None 50.00 50.00
>>> print(*compare_lines(old, new)[0].details, sep="; ")
Q1 £100.00 to £125.00; Q2 £100.00 to £125.00; Q3 £100.00 to £125.00; Q4 £100.00 to £125.00
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import format_gbp

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class LineFacts:
    """The parts of a plan line that a change is read from."""

    line_ref: str
    title: str
    grant: str
    annual_budget: Decimal
    profile: tuple[Decimal, ...]
    description: tuple[tuple[str, str], ...] = ()  # (what, text): category, cost type, ...


@dataclass(frozen=True)
class LineChange:
    kind: str  # added, removed or changed
    line_ref: str
    title: str
    grant: str
    old_budget: Decimal | None
    new_budget: Decimal | None
    details: tuple[str, ...]  # what else changed, in words: "Q1 £100.00 to £125.00"

    @property
    def difference(self) -> Decimal:
        return (self.new_budget or Decimal("0.00")) - (self.old_budget or Decimal("0.00"))


def compare_lines(old: Sequence[LineFacts], new: Sequence[LineFacts]) -> list[LineChange]:
    """Every added, removed and changed line: in the new version's order, removed lines last."""
    before = {line.line_ref: line for line in old}
    after_refs = {line.line_ref for line in new}
    changes = []
    for line in new:
        was = before.get(line.line_ref)
        if was is None:
            changes.append(
                LineChange(
                    ADDED, line.line_ref, line.title, line.grant, None, line.annual_budget, ()
                )
            )
            continue
        details = _details(was, line)
        if details or was.annual_budget != line.annual_budget:
            changes.append(
                LineChange(
                    CHANGED,
                    line.line_ref,
                    line.title,
                    line.grant,
                    was.annual_budget,
                    line.annual_budget,
                    details,
                )
            )
    for line in old:
        if line.line_ref not in after_refs:
            changes.append(
                LineChange(
                    REMOVED, line.line_ref, line.title, line.grant, line.annual_budget, None, ()
                )
            )
    return changes


def _details(was: LineFacts, now: LineFacts) -> tuple[str, ...]:
    details = []
    if was.title != now.title:
        details.append(f"title {was.title!r} to {now.title!r}")
    if was.grant != now.grant:
        details.append(f"grant {was.grant} to {now.grant}")
    for quarter, old, new in zip(QUARTERS, was.profile, now.profile, strict=False):
        if old != new:
            details.append(f"{quarter} {format_gbp(old)} to {format_gbp(new)}")
    old_text = dict(was.description)
    for what, text in now.description:
        if old_text.get(what, text) != text:
            details.append(f"{what} {old_text[what]} to {text}")
    return tuple(details)
