"""The formula and its inputs as frozen dataclasses, and the TOML parser for the formula.

What lives here: ``FormulaSpec`` (read from a TOML file by ``parse_formula_toml``), the data
dataclasses (``IndicatorValue``, ``IndicatorDataset``, ``PreviousAmount``,
``PreviousAllocations``; built from file rows by ``formulas.data`` or by the web layer from the
database), and ``check_formula``, the rules a formula must meet however it was built. The parser
collects all the problems it finds and raises one ``DomainError`` naming file, row and column for
each, so a finance officer fixes a file once, not once per problem.

What must not: file I/O (see ``files``), arithmetic on the allocations (see ``calculate``), and
floats. A TOML float such as ``share = 0.25`` is refused with a message to quote it: tomllib hands
us the float's text (``parse_float``), so no float is ever made.

For a TOML file a problem's row is the line number and its column the key, e.g.
``formula.toml, row 12, column base.share: ...``.

>>> spec = parse_formula_toml('''
... name = "Demo"
... version = "1"
... financial_year = "2024-25"
... pot = "1000.00"
... rounding_unit = "0.01"
... [indicators]
... population = "1"
... ''')
>>> spec.pot, spec.base_share, spec.indicators
(Decimal('1000.00'), Decimal('0'), (IndicatorWeight(indicator='population', weight=Decimal('1')),))
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import TypedDict

from core.financial_year import FinancialYear, FinancialYearError
from core.money import PENNY, POUND, MoneyError, to_money
from core.problems import DomainError, Problem, Problems

ROUNDING_UNITS = (PENNY, POUND)
# Significant digits for all formula arithmetic (set locally with decimal.localcontext): at a
# pot of £10 billion that still leaves about 38 digits after the penny.
PRECISION = 50
RECIPIENT_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INDICATOR_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_LEVEL_KEYS = {
    "name", "version", "grant", "financial_year", "pot", "rounding_unit",
    "top_slice", "base", "indicators", "damping",
}  # fmt: skip


class Where(TypedDict):
    """Where a problem is: the keyword arguments of ``Problems.add``."""

    file: str | None
    row: int | None
    column: str | None


@dataclass(frozen=True)
class TopSlice:
    """An amount taken off the pot before the spokes share it: a percent of the pot or a sum."""

    recipient: str
    percent: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class IndicatorWeight:
    """One needs indicator and its weight; the weights of a formula add up to exactly 1."""

    indicator: str
    weight: Decimal


@dataclass(frozen=True)
class Damping:
    """Year-on-year limits as fractions of the previous allocation: -0.05 is "at most 5% less"."""

    floor: Decimal | None = None
    ceiling: Decimal | None = None


@dataclass(frozen=True)
class FormulaSpec:
    """A funding formula: the pot, what comes off the top, and how the rest is shared.

    ``file`` and ``locations`` (key path such as ``base.share`` to line number) only serve to name
    where a problem is; they take no part in equality.
    """

    name: str
    version: str
    financial_year: FinancialYear
    pot: Decimal
    rounding_unit: Decimal
    indicators: tuple[IndicatorWeight, ...]
    base_share: Decimal = Decimal(0)
    top_slices: tuple[TopSlice, ...] = ()
    damping: Damping | None = None
    grant: str | None = None
    file: str | None = field(default=None, compare=False)
    locations: Mapping[str, int] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def where(self, key: str) -> Where:
        """Keyword arguments for ``Problems.add`` naming this formula's ``key``."""
        row = self.locations.get(key)
        if row is None and "." in key:
            row = self.locations.get(key.rsplit(".", 1)[0])
        return {"file": self.file, "row": row, "column": key}


@dataclass(frozen=True)
class IndicatorValue:
    """One spoke's value for one indicator, with where it came from."""

    recipient: str
    indicator: str
    value: Decimal
    source: str = ""
    as_of: date | None = None
    row: int | None = None


@dataclass(frozen=True)
class IndicatorDataset:
    """The indicator values of every spoke; the spokes are the distinct recipients here."""

    values: tuple[IndicatorValue, ...]
    file: str | None = None


@dataclass(frozen=True)
class PreviousAmount:
    recipient: str
    amount: Decimal
    row: int | None = None


@dataclass(frozen=True)
class PreviousAllocations:
    """Last year's final allocations, for damping and the change columns."""

    amounts: tuple[PreviousAmount, ...]
    file: str | None = None


class _TomlFloat(str):
    """The text of a TOML float, kept so we can refuse it by name without making a float."""


def parse_formula_toml(text: str, *, file: str = "formula.toml") -> FormulaSpec:
    """Read a formula from TOML text, or raise ``DomainError`` listing every problem."""
    problems = Problems()
    try:
        data = tomllib.loads(text, parse_float=_TomlFloat)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        problem = Problem(
            f"not valid TOML: {error}", file=file, row=int(line.group(1)) if line else None
        )
        raise DomainError("The formula file is not valid TOML", [problem]) from None
    reader = _TomlReader(file, locate_toml_keys(text), problems)
    for key in sorted(set(data) - _TOP_LEVEL_KEYS):
        reader.add(key, f"unknown key {key!r}", failed=False)

    name = reader.text(data, "name", required=True)
    version = reader.text(data, "version", required=True)
    grant = reader.text(data, "grant", required=False)
    year = reader.financial_year(data, "financial_year")
    pot = reader.money(data, "pot")
    unit = reader.number(data, "rounding_unit", required=True)
    unit = next((u for u in ROUNDING_UNITS if u == unit), unit)  # "1.00" is written as "1"
    top_slices = reader.top_slices(data.get("top_slice", []))
    base_share = Decimal(0)
    base = reader.table(data, "base", {"share"})
    if base is not None:
        base_share = reader.number(base, "share", prefix="base", required=True) or Decimal(0)
    weights = reader.indicator_weights(data)
    damping = reader.damping(data)

    # Build the spec even when some values failed, with stand-ins, so the rules below report
    # their problems too; problems about a value that already failed are not repeated.
    spec = FormulaSpec(
        name=name or "",
        version=version or "",
        financial_year=year or FinancialYear(2000),
        pot=pot if pot is not None else Decimal(0),
        rounding_unit=unit if unit is not None else PENNY,
        indicators=weights,
        base_share=base_share,
        top_slices=top_slices,
        damping=damping,
        grant=grant,
        file=file,
        locations=reader.locations,
    )
    problems.extend(p for p in check_formula(spec) if not reader.has_failed(p.column))
    if problems:
        in_file_order = sorted(problems, key=lambda p: (p.row is None, p.row or 0))
        raise DomainError("The formula file has problems", in_file_order)
    return spec


def check_formula(spec: FormulaSpec) -> Problems:
    """The rules every formula must meet, however it was built (TOML, a form, a database row)."""
    problems = Problems()
    if spec.rounding_unit not in ROUNDING_UNITS:
        problems.add(
            f"rounding unit {spec.rounding_unit} is not allowed; use 0.01 (pence) or 1 (pounds)",
            **spec.where("rounding_unit"),
        )
    if not spec.pot.is_finite() or spec.pot < 0:
        problems.add(f"the pot {spec.pot} must not be negative", **spec.where("pot"))
    elif spec.pot != spec.pot.quantize(PENNY, rounding=ROUND_DOWN):
        problems.add(f"the pot {spec.pot} has more than two decimal places", **spec.where("pot"))
    if not 0 <= spec.base_share <= 1:
        problems.add(
            f"base share {spec.base_share} must be between 0 and 1", **spec.where("base.share")
        )
    problems.extend(_check_weights(spec))
    problems.extend(_check_top_slices(spec))
    problems.extend(_check_damping(spec))
    return problems


def locate_toml_keys(text: str) -> dict[str, int]:
    """Map each key path to its line, for messages: ``base.share``, ``top_slice[2].percent``.

    A light line scan, not a TOML parser: it understands ``[table]``, ``[[array]]`` and
    ``key = value`` lines, which is all a formula file uses. Anything it misses has no line.

    >>> locate_toml_keys('pot = "1"\\n[base]\\nshare = "0.2"\\n[[top_slice]]\\npercent = "5"')
    {'pot': 1, 'base': 2, 'base.share': 3, 'top_slice[1]': 4, 'top_slice[1].percent': 5}
    """
    locations: dict[str, int] = {}
    counters: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        array = re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", stripped)
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        key = re.match(r'^("[^"]*"|[A-Za-z0-9_-]+)\s*=', stripped)
        if array:
            name = array.group(1)
            counters[name] = counters.get(name, 0) + 1
            table = f"{name}[{counters[name]}]"
            locations.setdefault(table, number)
        elif header:
            table = header.group(1)
            locations.setdefault(table, number)
        elif key:
            name = key.group(1).strip('"')
            locations.setdefault(f"{table}.{name}" if table else name, number)
    return locations


class _TomlReader:
    """Reads typed values out of parsed TOML, adding a problem (never raising) for each bad one."""

    def __init__(self, file: str, locations: dict[str, int], problems: Problems) -> None:
        self.file = file
        self.locations = locations
        self.problems = problems
        self.failed: set[str] = set()

    def add(self, path: str, message: str, *, failed: bool = True) -> None:
        if failed:
            self.failed.add(path)
        row = self.locations.get(path)
        if row is None and "." in path:
            row = self.locations.get(path.rsplit(".", 1)[0])
        self.problems.add(message, file=self.file, row=row, column=path)

    def has_failed(self, path: str | None) -> bool:
        """Whether ``path``, or a key inside it, could not be read (``indicators`` covers
        ``indicators.population``)."""
        if path is None:
            return False
        return any(
            failed == path or failed.startswith((f"{path}.", f"{path}[")) for failed in self.failed
        )

    def text(self, data: Mapping[str, object], key: str, *, required: bool) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(key, f"{key} is required")
            return None
        if not isinstance(value, str) or isinstance(value, _TomlFloat):
            self.add(key, f"{key} must be text in quotes")
            return None
        return value.strip()

    def financial_year(self, data: Mapping[str, object], key: str) -> FinancialYear | None:
        text = self.text(data, key, required=True)
        if text is None:
            return None
        try:
            return FinancialYear.parse(text)
        except FinancialYearError as error:
            self.add(key, str(error))
            return None

    def number(
        self, data: Mapping[str, object], key: str, *, prefix: str = "", required: bool = False
    ) -> Decimal | None:
        """A ratio or count given as a quoted string (preferred) or a TOML integer."""
        path = f"{prefix}.{key}" if prefix else key
        value = data.get(key)
        if value is None:
            if required:
                self.add(path, f"{key} is required")
            return None
        if isinstance(value, _TomlFloat):
            self.add(path, _quote_float_message(key, value))
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.add(path, f'{key} must be a number in quotes, like {key} = "0.25"')
            return None
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            self.add(path, f"{value!r} is not a number")
            return None
        if not number.is_finite():
            self.add(path, f"{value!r} is not a finite number")
            return None
        return number

    def money(self, data: Mapping[str, object], key: str, *, prefix: str = "") -> Decimal | None:
        path = f"{prefix}.{key}" if prefix else key
        value = data.get(key)
        if value is None:
            self.add(path, f"{key} is required")
            return None
        if isinstance(value, _TomlFloat):
            self.add(path, _quote_float_message(key, value))
            return None
        try:
            return to_money(value, field=key)
        except MoneyError as error:
            self.add(path, strip_field_prefix(error, key))
            return None

    def table(
        self, data: Mapping[str, object], key: str, allowed: set[str] | None
    ) -> Mapping[str, object] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(key, f"{key} must be a table: a [{key}] section")
            return None
        for unknown in sorted(set(value) - allowed) if allowed is not None else []:
            self.add(f"{key}.{unknown}", f"unknown key {unknown!r} in [{key}]", failed=False)
        return value

    def top_slices(self, raw: object) -> tuple[TopSlice, ...]:
        if not isinstance(raw, list):
            self.add("top_slice", "top_slice must be written as [[top_slice]] sections")
            return ()
        slices = []
        for index, item in enumerate(raw, start=1):
            path = f"top_slice[{index}]"
            if not isinstance(item, dict):
                self.add(path, "each top slice must be a [[top_slice]] section")
                continue
            for unknown in sorted(set(item) - {"recipient", "percent", "amount"}):
                self.add(
                    f"{path}.{unknown}", f"unknown key {unknown!r} in [[top_slice]]", failed=False
                )
            recipient = self.text(item, "recipient", required=False)
            if recipient is None:
                self.add(f"{path}.recipient", "recipient is required")
            percent = self.number(item, "percent", prefix=path)
            amount = self.money(item, "amount", prefix=path) if "amount" in item else None
            slices.append(TopSlice(recipient or "", percent, amount))
        return tuple(slices)

    def indicator_weights(self, data: Mapping[str, object]) -> tuple[IndicatorWeight, ...]:
        table = self.table(data, "indicators", None)
        if table is None:
            if "indicators" not in data:
                self.add("indicators", "an [indicators] section with weights is required")
            return ()
        weights = []
        for name in table:
            weight = self.number(table, name, prefix="indicators", required=True)
            if weight is not None:
                weights.append(IndicatorWeight(name, weight))
        return tuple(weights)

    def damping(self, data: Mapping[str, object]) -> Damping | None:
        table = self.table(data, "damping", {"floor", "ceiling"})
        if table is None:
            return None
        floor = self.number(table, "floor", prefix="damping")
        ceiling = self.number(table, "ceiling", prefix="damping")
        return Damping(floor, ceiling)


def _check_weights(spec: FormulaSpec) -> Problems:
    problems = Problems()
    if not spec.indicators:
        problems.add("the formula needs at least one indicator", **spec.where("indicators"))
    seen = set()
    for item in spec.indicators:
        where = spec.where(f"indicators.{item.indicator}")
        if not INDICATOR_NAME.match(item.indicator):
            problems.add(
                f"{item.indicator!r} is not an indicator name (lower-case letters, digits, _)",
                **where,
            )
        if item.indicator in seen:
            problems.add(f"indicator {item.indicator} is listed twice", **where)
        seen.add(item.indicator)
        if item.weight < 0:
            problems.add(f"the weight {item.weight} must not be negative", **where)
    total = sum((item.weight for item in spec.indicators), Decimal(0))
    if spec.indicators and total != 1:
        problems.add(
            f"the indicator weights add up to {total}, not exactly 1", **spec.where("indicators")
        )
    return problems


def _check_top_slices(spec: FormulaSpec) -> Problems:
    problems = Problems()
    seen = set()
    for index, top_slice in enumerate(spec.top_slices, start=1):
        path = f"top_slice[{index}]"
        if top_slice.recipient and not RECIPIENT_CODE.match(top_slice.recipient):
            problems.add(
                f"{top_slice.recipient!r} is not a recipient code (lower-case letters, digits, -)",
                **spec.where(f"{path}.recipient"),
            )
        if top_slice.recipient in seen:
            problems.add(
                f"{top_slice.recipient} has two top slices", **spec.where(f"{path}.recipient")
            )
        seen.add(top_slice.recipient)
        if top_slice.percent is not None and not 0 <= top_slice.percent <= 100:
            problems.add(
                f"percent {top_slice.percent} must be between 0 and 100",
                **spec.where(f"{path}.percent"),
            )
        if top_slice.amount is not None and top_slice.amount < 0:
            problems.add(
                f"amount {top_slice.amount} must not be negative", **spec.where(f"{path}.amount")
            )
        if (top_slice.percent is None) == (top_slice.amount is None):
            problems.add("give either percent or amount, not both or neither", **spec.where(path))
    percents = sum((s.percent for s in spec.top_slices if s.percent is not None), Decimal(0))
    if percents > 100:
        problems.add(f"the top slices take {percents}% of the pot", **spec.where("top_slice"))
    return problems


def _check_damping(spec: FormulaSpec) -> Problems:
    problems = Problems()
    damping = spec.damping
    if damping is None:
        return problems
    if damping.floor is None and damping.ceiling is None:
        problems.add("give a floor, a ceiling or both", **spec.where("damping"))
    for name, limit in (("floor", damping.floor), ("ceiling", damping.ceiling)):
        if limit is not None and limit < -1:
            problems.add(
                f"{name} {limit} is below -1 (a fall of more than 100%)",
                **spec.where(f"damping.{name}"),
            )
    floor, ceiling = damping.floor, damping.ceiling
    if floor is not None and ceiling is not None and ceiling < floor:
        problems.add(
            f"ceiling {damping.ceiling} is below floor {damping.floor}",
            **spec.where("damping.ceiling"),
        )
    return problems


def _quote_float_message(key: str, text: str) -> str:
    return (
        f"{key} = {text} is a TOML float, which cannot hold money or ratios exactly; "
        f'write it in quotes: {key} = "{text}"'
    )


def strip_field_prefix(error: MoneyError, field_name: str) -> str:
    """The message of a ``MoneyError`` without its ``field:`` prefix (the problem names it)."""
    message = str(error)
    prefix = f"{field_name}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
