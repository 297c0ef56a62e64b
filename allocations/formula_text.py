"""Formula text from the web form's fields and back (every number stays text: no floats).

>>> print(build_formula_toml({"name": "F", "version": "1", "grant": "VRU",
...     "financial_year": "2024-25", "pot": "1000.00", "rounding_unit": "0.01",
...     "top_slice_recipient": "hub", "top_slice_percent": "20", "base_share": "0.25",
...     "weights": "population = 1"}))
name = "F"
version = "1"
grant = "VRU"
financial_year = "2024-25"
pot = "1000.00"
rounding_unit = "0.01"
top_slice = [
    { recipient = "hub", percent = "20" },
]
<BLANKLINE>
[base]
share = "0.25"
<BLANKLINE>
[indicators]
population = "1"
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomli_w

from core.money import format_plain
from core.problems import DomainError, Problems
from formulas.spec import FormulaSpec


def parse_weight_lines(text: str) -> tuple[dict[str, str], Problems]:
    weights: dict[str, str] = {}
    problems = Problems()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, weight = line.partition("=")
        name, weight = name.strip(), weight.strip().strip('"')
        if not sep or not name or not weight:
            problems.add(f"line {number}: write it as indicator = weight", column="weights")
        elif name in weights:
            problems.add(f"line {number}: {name} is given twice", column="weights")
        else:
            weights[name] = weight
    return weights, problems


def build_formula_toml(fields: Mapping[str, Any]) -> str:
    """TOML text for a formula with at most one top slice, from the form's text fields."""
    weights, problems = parse_weight_lines(str(fields.get("weights") or ""))
    if problems:
        raise DomainError("The formula was not saved", problems)
    document: dict[str, Any] = {}
    for key in ("name", "version", "grant", "financial_year", "pot", "rounding_unit"):
        value = str(fields.get(key) or "").strip()
        if value:
            document[key] = value
    recipient = str(fields.get("top_slice_recipient") or "").strip()
    if recipient:
        top_slice = {"recipient": recipient}
        for key in ("percent", "amount"):
            value = str(fields.get(f"top_slice_{key}") or "").strip()
            if value:
                top_slice[key] = value
        document["top_slice"] = [top_slice]
    document["base"] = {"share": str(fields.get("base_share") or "0").strip() or "0"}
    document["indicators"] = weights
    damping = {key: str(fields.get(f"damping_{key}") or "").strip() for key in ("floor", "ceiling")}
    damping = {k: v for k, v in damping.items() if v}
    if damping:
        document["damping"] = damping
    return tomli_w.dumps(document)


def fields_from_spec(spec: FormulaSpec) -> dict[str, str]:
    """The form's fields for an existing formula (to start its next version)."""
    fields = {
        "name": spec.name,
        "version": spec.version,
        "grant": spec.grant or "",
        "financial_year": spec.financial_year.label,
        "pot": format_plain(spec.pot),
        "rounding_unit": "1" if spec.rounding_unit == 1 else "0.01",
        "base_share": str(spec.base_share),
        "weights": "\n".join(f"{w.indicator} = {w.weight}" for w in spec.indicators),
    }
    if spec.top_slices:
        first = spec.top_slices[0]
        fields["top_slice_recipient"] = first.recipient
        fields["top_slice_percent"] = "" if first.percent is None else str(first.percent)
        fields["top_slice_amount"] = "" if first.amount is None else format_plain(first.amount)
    if spec.damping:
        fields["damping_floor"] = "" if spec.damping.floor is None else str(spec.damping.floor)
        fields["damping_ceiling"] = (
            "" if spec.damping.ceiling is None else str(spec.damping.ceiling)
        )
    return fields


# Which form field a problem about a TOML key belongs to.
FIELD_FOR_KEY = (
    ("top_slice", "top_slice_percent"),
    ("base", "base_share"),
    ("indicators", "weights"),
    ("damping.floor", "damping_floor"),
    ("damping.ceiling", "damping_ceiling"),
    ("damping", "damping_floor"),
    ("financial_year", "financial_year"),
    ("pot", "pot"),
    ("rounding_unit", "rounding_unit"),
    ("grant", "grant"),
    ("version", "version"),
    ("name", "name"),
    ("weights", "weights"),
)


def field_for_key(key: str | None) -> str | None:
    if not key:
        return None
    for prefix, field in FIELD_FOR_KEY:
        if key == prefix or key.startswith(prefix + ".") or key.startswith(prefix + "["):
            return field
    return None
