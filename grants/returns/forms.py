"""Forms for quarterly returns: starting one, filling it in, certifying, reviewing, importing,
and the year-end close.

The forms only carry what was typed (every amount as text): the rules live in
``grants.returns.entries`` and ``grants.returns.services``, whose problems ``attach_problems``
puts back against these fields (the line fields are nested: ``lines-3-actual``). Every form that
changes a return carries the ``lock_version`` the user loaded, so a save made from an out-of-date
page is refused rather than overwriting someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from core.problems import Problem
from grants.returns.entries import (
    TEXT_LIMITS,
    LineEntry,
    MatchEntry,
    ReturnEntries,
    reach_entries,
)
from grants.returns.models import QuarterlyReturn
from grants.vocabulary import REACH_BANDS, MatchKind
from web.forms import LockedForm, attach_problems

MATCH_KIND_CHOICES = [
    ("", "Choose"),
    (MatchKind.CASH.value, "Cash"),
    (MatchKind.IN_KIND.value, "In kind"),
]
BLANK_MATCH_LINES = 1  # empty match lines offered at the end of the form


class NewReturnForm(FlaskForm):
    recipient = SelectField("Spoke or Hub", widget=GovSelect(), choices=[], coerce=str)
    grant = SelectField("Grant", widget=GovSelect(), choices=[], coerce=str)
    financial_year = StringField(
        "Financial year",
        widget=GovTextInput(),
        description="For example 2024-25",
        validators=[DataRequired(message="Enter the financial year")],
    )
    quarter = RadioField(
        "Quarter",
        widget=GovRadioInput(),
        choices=[
            ("1", "Q1 (April to June)"),
            ("2", "Q2 (July to September)"),
            ("3", "Q3 (October to December)"),
            ("4", "Q4 (January to March)"),
        ],
        validators=[DataRequired(message="Choose the quarter")],
    )
    submit = SubmitField("Start the return", widget=GovSubmitInput())


class LineForm(Form):
    """One plan line's figures (a sub-form: the CSRF token is on the whole form)."""

    line_ref = HiddenField()
    actual = StringField("Actual", widget=GovTextInput())
    forecast_remaining = StringField("Forecast for the remaining quarters", widget=GovTextInput())
    variance_reason = TextAreaField(
        "Variance reason",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=TEXT_LIMITS["variance_reason"])],
    )


class MatchForm(Form):
    contributor = StringField(
        "Contributor",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=TEXT_LIMITS["contributor"])],
    )
    kind = SelectField("Cash or in kind", widget=GovSelect(), choices=MATCH_KIND_CHOICES)
    amount = StringField("Amount (£)", widget=GovTextInput())
    evidence_reference = StringField(
        "Evidence reference",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=TEXT_LIMITS["evidence_reference"])],
    )
    valuation_basis = StringField(
        "Valuation basis (in kind)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=TEXT_LIMITS["valuation_basis"])],
    )
    remove = BooleanField("Remove this line", widget=GovCheckboxInput())

    @property
    def is_blank(self) -> bool:
        return not any(
            (getattr(self, name).data or "").strip()
            for name in ("contributor", "kind", "amount", "evidence_reference", "valuation_basis")
        )


class EditReturnForm(LockedForm):
    lines = FieldList(FormField(LineForm))
    match_lines = FieldList(FormField(MatchForm))
    reach_under_10 = StringField(widget=GovTextInput())
    reach_10_14 = StringField(widget=GovTextInput())
    reach_15_17 = StringField(widget=GovTextInput())
    reach_18_24 = StringField(widget=GovTextInput())
    reach_parents_carers = StringField(widget=GovTextInput())
    reach_professionals = StringField(widget=GovTextInput())
    narrative = TextAreaField(
        "Narrative",
        widget=GovTextArea(),
        description="Delivery this quarter: what happened, what changed, what is next",
        validators=[Optional(), Length(max=TEXT_LIMITS["narrative"])],
    )
    risks = TextAreaField(
        "Risks and issues",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=TEXT_LIMITS["risks"])],
    )
    add_match = SubmitField("Save and add another match funding line", widget=GovSubmitInput())
    submit = SubmitField("Save the return", widget=GovSubmitInput())

    def fill_from(self, ret: QuarterlyReturn) -> None:
        """Load the return's values into the form (a GET)."""
        self.lock_version.data = str(ret.lock_version)
        for line in ret.lines:
            self.lines.append_entry(
                {
                    "line_ref": line.plan_line.line_ref,
                    "actual": str(line.actual),
                    "forecast_remaining": str(line.forecast_remaining),
                    "variance_reason": line.variance_reason or "",
                }
            )
        for match in ret.match_lines:
            self.match_lines.append_entry(
                {
                    "contributor": match.contributor,
                    "kind": match.kind.value,
                    "amount": str(match.amount),
                    "evidence_reference": match.evidence_reference or "",
                    "valuation_basis": match.valuation_basis or "",
                }
            )
        self.add_blank_match_lines()
        for band, _ in REACH_BANDS:
            getattr(self, band).data = str(getattr(ret, band))
        self.narrative.data = ret.narrative or ""
        self.risks.data = ret.risks or ""

    def add_blank_match_lines(self, count: int = BLANK_MATCH_LINES) -> None:
        for _ in range(count):
            self.match_lines.append_entry()

    def label_fields(self, ret: QuarterlyReturn) -> None:
        """Give each line's fields a label naming the line (read by screen readers; the table
        shows the line once, in its row header)."""
        titles = {line.plan_line.line_ref: line.plan_line.title for line in ret.lines}
        for entry in self.lines:
            ref = entry.form.line_ref.data
            name = f"{ref} {titles.get(ref, '')}".strip()
            entry.form.actual.label.text = f"Actual spend this quarter, {name}"
            entry.form.forecast_remaining.label.text = f"Forecast remaining quarters, {name}"
            entry.form.variance_reason.label.text = f"Variance reason, {name}"
        for band, label in REACH_BANDS:
            getattr(self, band).label.text = label

    def entries(self) -> ReturnEntries:
        """What was typed, as the entries the services check (blank and removed match lines
        are dropped)."""
        return ReturnEntries(
            lines=tuple(
                LineEntry(
                    line_ref=entry.form.line_ref.data or "",
                    actual=entry.form.actual.data or "",
                    forecast_remaining=entry.form.forecast_remaining.data or "",
                    variance_reason=entry.form.variance_reason.data,
                    prefix=f"{entry.name}-",
                )
                for entry in self.lines
            ),
            match_lines=tuple(
                MatchEntry(
                    contributor=entry.form.contributor.data,
                    kind=entry.form.kind.data,
                    amount=entry.form.amount.data or "",
                    evidence_reference=entry.form.evidence_reference.data,
                    valuation_basis=entry.form.valuation_basis.data,
                    prefix=f"{entry.name}-",
                )
                for entry in self.match_lines
                if not entry.form.remove.data and not entry.form.is_blank
            ),
            reach=reach_entries({band: getattr(self, band).data for band, _ in REACH_BANDS}),
            narrative=self.narrative.data or "",
            risks=self.risks.data or "",
        )


class SubmitReturnForm(LockedForm):
    certified_name = StringField(
        "Your name", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    certified_role = StringField(
        "Your role",
        widget=GovTextInput(),
        description="For example spoke lead or section 151 officer",
        validators=[Optional(), Length(max=200)],
    )
    certify = BooleanField(
        "I certify that this return is correct: the spend was incurred on the approved delivery "
        "plan, and the match funding and reach are supported by evidence held locally",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Certify and submit", widget=GovSubmitInput())


class ApproveReturnForm(LockedForm):
    comment = TextAreaField(
        "Comment (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField("Approve and lock the return", widget=GovSubmitInput())


class SendBackReturnForm(LockedForm):
    comment = TextAreaField(
        "What needs changing", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField("Return it to the spoke", widget=GovSubmitInput())


class ReopenReturnForm(LockedForm):
    reason = TextAreaField(
        "Reason for reopening",
        widget=GovTextArea(),
        description="Recorded in the audit log",
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField("Reopen the return", widget=GovSubmitInput())


class ImportReturnForm(LockedForm):
    file = FileField(
        "Filled-in return template (XLSX)",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Choose the XLSX file"),
            FileAllowed(["xlsx"], "The file must be the .xlsx return template"),
        ],
    )
    dry_run = BooleanField("Only check the file: save nothing", widget=GovCheckboxInput())
    submit = SubmitField("Import the file", widget=GovSubmitInput())


class CloseYearForm(FlaskForm):
    """The year-end close: one reason field per recipient, named ``reason-<code>`` (the column
    the service's problems name). Built per close with ``close_year_form``."""

    submit = SubmitField("Close the year", widget=GovSubmitInput())

    def reasons(self) -> dict[str, str]:
        return {
            name.removeprefix("reason-"): field.data or ""
            for name, field in self._fields.items()
            if name.startswith("reason-")
        }


def close_year_form(codes_and_names: Iterable[tuple[str, str]]) -> CloseYearForm:
    fields = {
        f"reason-{code}": TextAreaField(
            f"Reason for {name}'s underspend",
            widget=GovTextArea(),
            validators=[Optional(), Length(max=2000)],
        )
        for code, name in codes_and_names
    }
    form_class = type("CloseYearFormFor", (CloseYearForm,), fields)
    form: CloseYearForm = form_class()
    return form


def attach_return_problems(form: FlaskForm, problems: Iterable[Problem]) -> list[str]:
    """Put each problem on its field, nested ones included (``lines-3-actual``), and return
    those that belong to no field (for the error summary)."""
    # attach_problems looks fields up in ``_fields``: hand it every field, nested ones too.
    every_field = SimpleNamespace(_fields=_all_fields(form))
    unplaced = attach_problems(every_field, problems)  # type: ignore[arg-type]
    for name in ("lines", "match_lines"):
        field_list = getattr(form, name, None)
        if field_list is not None and any(entry.errors for entry in field_list):
            # FieldList keeps its own copy of its entries' errors, made when it validated.
            field_list.errors = [entry.errors for entry in field_list]
    return unplaced


def _all_fields(form: FlaskForm) -> dict[str, Field]:
    """Every field by the name problems use: nested ones by their full name (``lines-3-actual``),
    top-level ones by their own name, whatever prefix the form has."""
    found: dict[str, Field] = {}
    for name, field in form._fields.items():
        if isinstance(field, FieldList):
            for entry in field:
                found.update({sub.name: sub for sub in entry.form})
        else:
            found[name] = field
    return found
