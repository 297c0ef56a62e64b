"""Form pieces every feature shares: submitting a form to a service and showing the service's
problems on it (each against its field where it has one), a form that carries the record's
``lock_version`` as the user loaded it, and GOV.UK day-month-year date fields that may be left
blank.

Every page that saves what someone typed has the same shape, written once here::

    form = ProviderForm()
    submitted = submit(form, lambda: services.create_provider(..., user=current_user))
    if submitted.saved:
        flash(f"Registered {submitted.result.name}")
        return redirect(...)
    return render_form("providers/provider_new.html", form, submitted)

A service error that means the user may not do this at all (not one they can fix by typing
something else) is a 403 rather than problems on the form: ``submit(form, refusing(save,
panel.NotAllowed))``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask import abort, render_template
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, HiddenField, IntegerField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import HiddenInput

from core.problems import DomainError, Problem
from extensions import db

DATE_FORMAT = "%d %m %Y"
T = TypeVar("T")


class LockedForm(FlaskForm):
    """A form that changes a record: it carries the record's version as the user loaded it."""

    lock_version = HiddenField(
        validators=[DataRequired(message="This page is out of date: reload it and try again")]
    )

    @property
    def loaded_version(self) -> int | None:
        try:
            return int(self.lock_version.data)
        except (TypeError, ValueError):
            return None


def lock_version_field() -> IntegerField:
    """The record's version as loaded, for forms that may also create (so it may be blank)."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


class DayMonthYearInput(GovDateInput):
    """GOV.UK's day, month and year boxes, also for a request that sent fewer than three."""

    def map_gov_params(self, field, **kwargs):  # type: ignore[no-untyped-def]
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = [*field.raw_data, "", "", ""][:3]
        return super().map_gov_params(field, **kwargs)


class OptionalDateField(DateField):
    """A date that may be left blank; a part-filled or impossible date is an error (WTForms'
    ``Optional`` looks at the day box only, so it would drop ``_ 3 2024`` silently)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not any((part or "").strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                f"Enter {self.label.text.lower()} as a real date, for example 27 3 2024"
            ) from None


def date_field(label: str, description: str = "For example, 27 3 2024") -> OptionalDateField:
    return OptionalDateField(
        label, widget=DayMonthYearInput(), format=DATE_FORMAT, description=description
    )


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


def show_problems(
    form: FlaskForm, problems: Iterable[Problem], summary_only: Iterable[str] = ("lock_version",)
) -> list[str]:
    """Every problem on its field, and in the error summary every one the summary would hide
    (it shows one per field) or that belongs to no field (or to a ``summary_only`` field)."""
    hidden = frozenset(summary_only)
    unplaced = attach_problems(
        form, problems, lambda column: None if column in hidden else column, show_location=False
    )
    extra = [message for field in form for message in field.errors[1:]]
    return unplaced + extra


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


# --- submitting a form to a service -----------------------------------------------------------


@dataclass
class Submission(Generic[T]):
    """What became of a form: ``saved`` with what the service returned in ``result``, or not
    (not submitted, not valid, or refused), with the problems for the error summary."""

    saved: bool = False
    result: T = None  # type: ignore[assignment]  # set only when saved
    summary_problems: list[str] = field(default_factory=list)


def submit(
    form: FlaskForm,
    save: Callable[[], T],
    show: Callable[[FlaskForm, Iterable[Problem]], list[str]] = show_problems,
) -> Submission[T]:
    """Call ``save`` when ``form`` was submitted and is valid. When the service refuses (a
    ``DomainError``), nothing it did is kept and its problems go on the form through ``show``."""
    if not form.validate_on_submit():
        return Submission()
    try:
        result = save()
    except DomainError as error:
        db.session.rollback()
        return Submission(summary_problems=show(form, error.problems))
    return Submission(saved=True, result=result)


def refusing(
    save: Callable[[], T], *refusals: type[DomainError], say_why: bool = True
) -> Callable[[], T]:
    """``save``, except that one of the ``refusals`` is refused outright (403) instead of shown
    as problems on the form; nothing it did is kept. The 403 page says the error's ``message``
    unless ``say_why=False`` (werkzeug's plain 403, for a refusal whose reason is not the user's
    to know)."""

    def saving() -> T:
        try:
            return save()
        except refusals as refused:
            db.session.rollback()
            if say_why:
                abort(403, description=refused.message)
            abort(403)

    return saving


def render_form(
    template: str, form: FlaskForm, submitted: Submission[Any], **context: object
) -> tuple[str, int]:
    """The form page again: 400 when it has problems to show, else 200."""
    problems = submitted.summary_problems
    status = 400 if form.errors or problems else 200
    return render_template(template, form=form, summary_problems=problems, **context), status
