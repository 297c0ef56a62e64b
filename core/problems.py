"""Problem lists: checks are plain functions that return problems instead of raising on the first.

A problem names where it is (file, row, column or field) and what is wrong, so that an import or
a form can show every problem at once and write nothing.

>>> problems = Problems()
>>> problems.add("weights add up to 0.9, not 1", column="weight", file="formula.toml")
>>> str(problems[0])
'formula.toml, column weight: weights add up to 0.9, not 1'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None  # a line of a text file (TOML), where a spreadsheet has rows

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Problems:
    """An ordered list of problems; falsy when there are none."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self._items: list[Problem] = list(problems)

    def add(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
    ) -> None:
        self._items.append(Problem(message, file=file, row=row, column=column, line=line))

    def extend(self, other: Iterable[Problem]) -> None:
        self._items.extend(other)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __getitem__(self, index: int) -> Problem:
        return self._items[index]

    def messages(self) -> list[str]:
        return [str(p) for p in self._items]


# A page or the command line lists this many problems and counts the rest: a junk file with a
# problem on every row must not answer with megabytes of them.
SHOWN_PROBLEMS = 100


# And each in at most this many characters: a problem quotes what it found, and 30,000
# characters of junk in a date column are cut, not repeated in every line of a page.
SHOWN_LENGTH = 500


def shortened(problem: Problem, length: int = SHOWN_LENGTH) -> Problem:
    """``problem`` with its message cut to ``length`` characters, saying how many are left out.

    >>> shortened(Problem("the date is '" + "x" * 40 + "'", row=7), 20).message
    "the date is 'xxxxxxx… (34 more characters)"
    """
    if len(problem.message) <= length:
        return problem
    rest = len(problem.message) - length
    return replace(problem, message=f"{problem.message[:length]}… ({rest:,} more characters)")


def first_problems(problems: Iterable[Problem], shown: int = SHOWN_PROBLEMS) -> list[Problem]:
    """The first ``shown`` problems (each ``shortened``) and, when there are more, one more that
    counts the rest.

    >>> [str(p) for p in first_problems([Problem(f"bad {n}", row=n) for n in (1, 2, 3)], 2)]
    ['row 1: bad 1', 'row 2: bad 2', 'and 1 more problem not shown: fix these and try again']
    """
    items = [shortened(p) for p in problems]
    if len(items) <= shown:
        return items
    rest = len(items) - shown
    noun = "problem" if rest == 1 else "problems"
    return [*items[:shown], Problem(f"and {rest:,} more {noun} not shown: fix these and try again")]


class DomainError(Exception):
    """A business rule said no. Carries the problems so views and commands can show them (the
    first ``SHOWN_PROBLEMS``, then a count of the rest); ``problem_count`` is how many there
    were in all."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        items = list(problems)
        self.problem_count = len(items)
        self.problems = Problems(first_problems(items))

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
