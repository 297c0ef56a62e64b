"""Showing a service's problems on a form: each against its field where it has one."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_wtf import FlaskForm

from core.problems import Problem


def attach_problems(
    form: FlaskForm,
    problems: Iterable[Problem],
    field_for: Callable[[str | None], str | None] = lambda column: column,
    *,
    show_location: bool = True,
) -> list[str]:
    """Put each problem on its form field; return the ones that belong to no field.

    The returned messages go to the error summary (``summary_problems`` in base.html).
    ``show_location=False`` drops file and row, for text the form itself generated.
    """
    unplaced = []
    for problem in problems:
        name = field_for(problem.column)
        field = form._fields.get(name) if name else None
        if not show_location:
            message = _sentence(problem.message)
        elif field is None:
            message = _located(problem.where, problem.message, file=problem.file)
        else:
            message = _without_column(problem)
        if field is None:
            unplaced.append(message)
        else:
            field.errors = [*field.errors, message]
    return unplaced


def _without_column(problem: Problem) -> str:
    where = ", ".join(p for p in (problem.file, f"row {problem.row}" if problem.row else None) if p)
    return _located(where, problem.message, file=problem.file)


def _located(where: str, message: str, *, file: str | None) -> str:
    """``where: message`` as a sentence, except that a file name is never capitalised: the user
    must find ``asvrp.toml``, not ``Asvrp.toml``."""
    text = f"{where}: {message}" if where else message
    return text if file else _sentence(text)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
