"""Forms for formulas, indicator datasets, runs, comparison and approval."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

SPREADSHEETS = FileAllowed(["csv", "xlsx"], "The file must be a CSV or an XLSX spreadsheet")


class FormulaForm(FlaskForm):
    """A formula with one top slice, written field by field (several top slices: upload TOML)."""

    name = StringField(
        "Formula name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the formula's name")],
    )
    version = StringField(
        "Version",
        widget=GovTextInput(),
        description="Every change is a new version, e.g. 2024-25.2",
        validators=[DataRequired(message="Enter a version")],
    )
    grant = SelectField("Grant", widget=GovSelect(), choices=[])
    financial_year = StringField(
        "Financial year",
        widget=GovTextInput(),
        description="For example 2024-25",
        validators=[DataRequired(message="Enter the financial year")],
    )
    pot = StringField(
        "Pot (£)",
        widget=GovTextInput(),
        description="The grant to share, e.g. 1528667.00",
        validators=[DataRequired(message="Enter the pot")],
    )
    rounding_unit = RadioField(
        "Round allocations to",
        widget=GovRadioInput(),
        choices=[("0.01", "The penny"), ("1", "Whole pounds")],
        default="0.01",
    )
    top_slice_recipient = StringField(
        "Top slice recipient code",
        widget=GovTextInput(),
        description="Usually hub. Leave blank for no top slice.",
        validators=[Optional()],
    )
    top_slice_percent = StringField(
        "Top slice percent of the pot",
        widget=GovTextInput(),
        description="For example 20. Or give an amount instead.",
        validators=[Optional()],
    )
    top_slice_amount = StringField(
        "Top slice amount (£)", widget=GovTextInput(), validators=[Optional()]
    )
    base_share = StringField(
        "Base share",
        widget=GovTextInput(),
        description="Fraction split equally among the spokes, e.g. 0.25",
        default="0",
    )
    weights = TextAreaField(
        "Indicator weights",
        widget=GovTextArea(),
        description="One per line, as indicator = weight; the weights must add up to 1. "
        "For example: population = 0.5",
        validators=[DataRequired(message="Enter at least one indicator weight")],
    )
    damping_floor = StringField(
        "Damping floor",
        widget=GovTextInput(),
        description="Optional, e.g. -0.05: no spoke below 95% of last year",
        validators=[Optional()],
    )
    damping_ceiling = StringField(
        "Damping ceiling",
        widget=GovTextInput(),
        description="Optional, e.g. 0.10: no spoke above 110%",
        validators=[Optional()],
    )
    change_note = TextAreaField(
        "What changed and why", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())


class UploadFormulaForm(FlaskForm):
    file = FileField(
        "Formula file (TOML)",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Choose a TOML file"),
            FileAllowed(["toml"], "The file must be a .toml file"),
        ],
    )
    change_note = TextAreaField(
        "What changed and why", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField("Upload formula", widget=GovSubmitInput())


class UploadIndicatorsForm(FlaskForm):
    name = StringField(
        "Dataset name",
        widget=GovTextInput(),
        description="Uploading under an existing name makes its next version",
        validators=[DataRequired(message="Enter the dataset's name")],
    )
    file = FileField(
        "Indicator file (CSV or XLSX)",
        widget=GovFileInput(),
        description="Columns: recipient, indicator, value, source, as_of",
        validators=[FileRequired(message="Choose a file"), SPREADSHEETS],
    )
    submit = SubmitField("Import indicators", widget=GovSubmitInput())


class RunForm(FlaskForm):
    label = StringField(
        "Scenario name", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    formula_version = SelectField(
        "Formula version",
        widget=GovSelect(),
        coerce=int,
        choices=[],
        validators=[DataRequired("Choose a formula")],
    )
    dataset = SelectField(
        "Indicator dataset",
        widget=GovSelect(),
        coerce=int,
        choices=[],
        validators=[DataRequired("Choose a dataset")],
    )
    pot = StringField(
        "Pot (£)",
        widget=GovTextInput(),
        description="Leave blank to use the formula's pot",
        validators=[Optional()],
    )
    previous = SelectField("Previous year's allocations", widget=GovSelect(), choices=[])
    previous_file = FileField(
        "Or upload previous allocations (CSV or XLSX)",
        widget=GovFileInput(),
        description="Columns: recipient, amount",
        validators=[Optional(), SPREADSHEETS],
    )
    submit = SubmitField("Run the formula", widget=GovSubmitInput())


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    runs = SelectMultipleField(
        "Runs to compare", widget=GovCheckboxesInput(), coerce=int, choices=[]
    )
    baseline = SelectField(
        "Baseline",
        widget=GovSelect(),
        description="The other runs show their differences from this one",
        choices=[],
        validators=[Optional()],
    )
    submit = SubmitField("Compare", widget=GovSubmitInput())


class ApproveRunForm(FlaskForm):
    decision_reference = StringField(
        "Decision reference",
        widget=GovTextInput(),
        description="The PCC decision notice that agrees these allocations",
        validators=[DataRequired(message="Enter the decision reference"), Length(max=100)],
    )
    submit = SubmitField("Approve these allocations", widget=GovSubmitInput())
