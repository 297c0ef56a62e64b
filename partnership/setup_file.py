"""The partnership set-up file (pure: TOML text in, a checked ``PartnershipSpec`` out).

A partnership of any shape: one OPCC, its Hub, any number of spokes, any grant streams, the
financial years it works in. Every problem is listed with its line, and nothing is returned
unless there are none, so ``vrp setup`` writes all of the file or nothing.

>>> spec = parse_setup_file('''
... [partnership]
... name = "Three Rivers VRU"
... [opcc]
... name = "Three Rivers OPCC"
... [hub]
... name = "Three Rivers VRU Hub"
... [[spokes]]
... code = "east"
... name = "East Borough"
... [[grant_streams]]
... code = "VRU"
... name = "Violence Reduction Unit grant"
... [financial_years]
... years = ["2025-26"]
... current = "2025-26"
... ''', "three.toml")
>>> [s.code for s in spec.spokes], spec.opcc.code, spec.current_year
(['east'], 'opcc', '2025-26')
>>> parse_setup_file('[partnership]\\nnmae = "x"\\n', "bad.toml")
Traceback (most recent call last):
...
core.problems.DomainError: bad.toml is not a partnership set-up file
  - bad.toml, line 2: unknown key 'nmae' in [partnership]; expected one of: name, short_name
  - bad.toml: [partnership] has no name
  - bad.toml: [opcc] is missing
  - bad.toml: [hub] is missing
  - bad.toml: there are no [[spokes]]; a partnership needs at least one
  - bad.toml: there are no [[grant_streams]]
  - bad.toml: [financial_years] is missing
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from core.financial_year import FinancialYear, FinancialYearError
from core.problems import DomainError, Problems

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STREAM_CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
ORG_ID_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}-\S+$")
GSS_PATTERN = re.compile(r"^[EWSN][0-9]{8}$")  # ASCII digits only
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")

TABLES = ("partnership", "opcc", "hub", "spokes", "grant_streams", "financial_years")
KEYS = {
    "partnership": ("name", "short_name"),
    "opcc": ("code", "name", "org_id"),
    "hub": ("code", "name", "org_id", "colour"),
    "spokes": ("code", "name", "org_id", "gss_code", "colour", "active_from", "closed_from"),
    "grant_streams": ("code", "name", "description", "active_from", "closed_from"),
    "financial_years": ("years", "current"),
}
NAME_LENGTH = 200


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    org_id: str | None = None
    gss_code: str | None = None
    colour: str | None = None
    active_from: str | None = None
    closed_from: str | None = None


@dataclass(frozen=True)
class StreamSpec:
    code: str
    name: str
    description: str | None = None
    active_from: str | None = None
    closed_from: str | None = None


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    short_name: str | None
    opcc: OrganisationSpec
    hub: OrganisationSpec
    spokes: tuple[OrganisationSpec, ...]
    grant_streams: tuple[StreamSpec, ...]
    years: tuple[str, ...]
    current_year: str | None


def parse_setup_file(text: str, filename: str) -> PartnershipSpec:
    """Check a set-up file and return what it describes, or raise ``DomainError`` listing every
    problem with its line."""
    problems = Problems()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.add(f"this is not valid TOML: {error}", file=filename)
        raise DomainError(f"{filename} is not a partnership set-up file", problems) from None
    checker = _Checker(filename, _key_lines(text), problems)
    spec = checker.partnership(document)
    if problems or spec is None:
        raise DomainError(f"{filename} is not a partnership set-up file", problems)
    return spec


class _Checker:
    def __init__(self, filename: str, lines: dict[tuple[Any, ...], int], problems: Problems):
        self.filename = filename
        self.lines = lines
        self.problems = problems

    def add(self, message: str, *path: Any) -> None:
        line = None
        while path and line is None:
            line = self.lines.get(path)
            path = path[:-1]
        self.problems.add(message, file=self.filename, line=line)

    def partnership(self, document: dict[str, Any]) -> PartnershipSpec | None:
        for key in document:
            if key not in TABLES:
                self.add(f"unknown table [{key}]; expected: {', '.join(TABLES)}", key)
        about = self.table(document, "partnership")
        name = self.text(about, "name", ("partnership",), required=True)
        short_name = self.text(about, "short_name", ("partnership",), length=60)
        opcc = self.organisation(self.table(document, "opcc"), ("opcc",), default_code="opcc")
        hub = self.organisation(self.table(document, "hub"), ("hub",), default_code="hub")
        spokes = self.spokes(document.get("spokes"))
        streams = self.streams(document.get("grant_streams"))
        years, current = self.years(self.table(document, "financial_years"))
        codes: dict[str, tuple[Any, ...]] = {}
        for path, org in [(("opcc",), opcc), (("hub",), hub)] + [
            (("spokes", i), s) for i, s in enumerate(spokes)
        ]:
            if org is None:
                continue
            if org.code in codes:
                self.add(f"the code {org.code!r} is used twice; codes are unique", *path, "code")
            codes[org.code] = path
        if self.problems or name is None or opcc is None or hub is None:
            return None
        return PartnershipSpec(
            name=name,
            short_name=short_name,
            opcc=opcc,
            hub=hub,
            spokes=tuple(s for s in spokes if s is not None),
            grant_streams=tuple(s for s in streams if s is not None),
            years=years,
            current_year=current,
        )

    def table(self, document: dict[str, Any], name: str) -> dict[str, Any] | None:
        value = document.get(name)
        if value is None:
            self.add(f"[{name}] is missing")
            return None
        if not isinstance(value, dict):
            self.add(f"{name} must be a table, [{name}]", name)
            return None
        for key in value:
            if key not in KEYS[name]:
                self.add(
                    f"unknown key {key!r} in [{name}]; expected one of: {', '.join(KEYS[name])}",
                    name,
                    key,
                )
        return value

    def text(
        self,
        table: dict[str, Any] | None,
        key: str,
        path: tuple[Any, ...],
        *,
        required: bool = False,
        length: int = NAME_LENGTH,
        pattern: re.Pattern[str] | None = None,
        example: str = "",
    ) -> str | None:
        if table is None:
            return None
        value = table.get(key)
        label = _label(path)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"{label} has no {key}", *path)
            return None
        if not isinstance(value, str):
            self.add(f"the {key} of {label} must be text in quotes", *path, key)
            return None
        value = value.strip()
        if len(value) > length:
            self.add(f"the {key} of {label} is longer than {length} characters", *path, key)
        elif pattern is not None and not pattern.match(value):
            self.add(f"the {key} of {label} is {value!r}; {example}", *path, key)
        return value

    def organisation(
        self,
        table: dict[str, Any] | None,
        path: tuple[Any, ...],
        *,
        default_code: str | None = None,
    ) -> OrganisationSpec | None:
        if table is None:
            return None
        code = self.text(
            table,
            "code",
            path,
            required=default_code is None,
            length=40,
            pattern=CODE_PATTERN,
            example="a code is lowercase letters, digits and hyphens, like south-glos",
        )
        name = self.text(table, "name", path, required=True)
        org_id = self.text(
            table,
            "org_id",
            path,
            length=60,
            pattern=ORG_ID_PATTERN,
            example="an org identifier looks like GB-LAE-BST",
        )
        gss = self.text(
            table,
            "gss_code",
            path,
            length=9,
            pattern=GSS_PATTERN,
            example="a GSS code looks like E06000023",
        )
        colour = self.text(
            table,
            "colour",
            path,
            length=7,
            pattern=COLOUR_PATTERN,
            example="a colour is written #rrggbb, like #1d70b8",
        )
        active_from, closed_from = self.active_years(table, path)
        code = code or default_code
        if code is None or name is None:
            return None
        return OrganisationSpec(
            code=code,
            name=name,
            org_id=org_id,
            gss_code=gss,
            colour=colour,
            active_from=active_from,
            closed_from=closed_from,
        )

    def active_years(
        self, table: dict[str, Any], path: tuple[Any, ...]
    ) -> tuple[str | None, str | None]:
        years = []
        for key in ("active_from", "closed_from"):
            text = self.text(table, key, path, length=7)
            years.append(self.year(text, path, key) if text else None)
        active_from, closed_from = years
        if active_from and closed_from and closed_from <= active_from:
            self.add(
                f"{_label(path)} closes from {closed_from}, which is not after it starts "
                f"({active_from})",
                *path,
                "closed_from",
            )
        return active_from, closed_from

    def year(self, text: str, path: tuple[Any, ...], key: str) -> str | None:
        try:
            return FinancialYear.parse(text).label
        except FinancialYearError as error:
            self.add(f"the {key} of {_label(path)}: {error}", *path, key)
            return None

    def spokes(self, value: Any) -> list[OrganisationSpec | None]:
        if value is None or value == []:
            self.add("there are no [[spokes]]; a partnership needs at least one")
            return []
        if not isinstance(value, list):
            self.add("spokes must be written as [[spokes]] tables", "spokes")
            return []
        found = []
        for index, table in enumerate(value):
            path = ("spokes", index)
            for key in table:
                if key not in KEYS["spokes"]:
                    self.add(
                        f"unknown key {key!r} in a spoke; expected one of: "
                        f"{', '.join(KEYS['spokes'])}",
                        *path,
                        key,
                    )
            found.append(self.organisation(table, path))
        return found

    def streams(self, value: Any) -> list[StreamSpec | None]:
        if value is None or value == []:
            self.add("there are no [[grant_streams]]")
            return []
        if not isinstance(value, list):
            self.add("grant streams must be written as [[grant_streams]] tables", "grant_streams")
            return []
        found: list[StreamSpec | None] = []
        seen: set[str] = set()
        for index, table in enumerate(value):
            path = ("grant_streams", index)
            for key in table:
                if key not in KEYS["grant_streams"]:
                    self.add(
                        f"unknown key {key!r} in a grant stream; expected one of: "
                        f"{', '.join(KEYS['grant_streams'])}",
                        *path,
                        key,
                    )
            code = self.text(
                table,
                "code",
                path,
                required=True,
                length=10,
                pattern=STREAM_CODE_PATTERN,
                example="a grant code is 2 to 10 capital letters or digits, like VRU",
            )
            name = self.text(table, "name", path, required=True)
            description = self.text(table, "description", path, length=2000)
            active_from, closed_from = self.active_years(table, path)
            if code in seen:
                self.add(f"the grant code {code!r} is used twice", *path, "code")
            if code:
                seen.add(code)
            found.append(
                StreamSpec(code, name, description, active_from, closed_from)
                if code and name
                else None
            )
        return found

    def years(self, table: dict[str, Any] | None) -> tuple[tuple[str, ...], str | None]:
        if table is None:
            return (), None
        path = ("financial_years",)
        raw = table.get("years")
        if not isinstance(raw, list) or not raw:
            self.add('[financial_years] needs years = ["2024-25", ...]', *path, "years")
            return (), None
        years = []
        for text in raw:
            if not isinstance(text, str):
                self.add(
                    f'the year {text!r} must be text in quotes, like "2024-25"', *path, "years"
                )
                continue
            year = self.year(text, path, "years")
            if year is not None:
                years.append(year)
        if len(set(years)) != len(years):
            self.add("a financial year is listed twice", *path, "years")
        current = self.text(table, "current", path, length=7)
        if current is not None:
            current = self.year(current, path, "current")
            if current is not None and current not in years:
                self.add(
                    f"the current year {current} is not one of the years listed", *path, "current"
                )
        return tuple(sorted(set(years))), current


def _label(path: tuple[Any, ...]) -> str:
    if len(path) == 2:
        return f"{'spoke' if path[0] == 'spokes' else 'grant stream'} {path[1] + 1}"
    return f"[{path[0]}]"


def _key_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Where each table and key starts: ``("spokes", 2, "code") -> 31``. TOML parsers do not
    say, and a problem must name its line."""
    lines: dict[tuple[Any, ...], int] = {}
    counts: dict[str, int] = {}
    current: tuple[Any, ...] = ()
    in_multiline = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_multiline:
            in_multiline = line.count('"""') % 2 == 0 and line.count("'''") % 2 == 0
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            name = line[2:].split("]]")[0].strip()
            index = counts.get(name, 0)
            counts[name] = index + 1
            current = (name, index)
            lines.setdefault(current, number)
            lines.setdefault((name,), number)
        elif line.startswith("["):
            current = (line[1:].split("]")[0].strip(),)
            lines.setdefault(current, number)
        elif "=" in line:
            key = line.split("=", 1)[0].strip().strip('"')
            lines.setdefault((*current, key), number)
            value = line.split("=", 1)[1]
            if value.count('"""') == 1 or value.count("'''") == 1:
                in_multiline = True
    return lines
