"""Forms for the interventions register, its quarterly reach and the YEF strands table."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
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
from wtforms.validators import Length, Optional

from commissioning.vocabulary import (
    AGE_BANDS,
    INTERVENTION_TYPES,
    STRATEGIC_COMMITMENTS,
    InterventionStatus,
    Level,
)
from grants.vocabulary import REACH_BANDS
from web.forms import date_field


def _text(label: str, hint: str = "") -> StringField:
    return StringField(
        label, widget=GovTextInput(), description=hint, validators=[Optional(), Length(max=300)]
    )


class InterventionForm(FlaskForm):
    name = _text("Name")
    financial_year = _text("Financial year", "For example 2024-25")
    spokes = SelectMultipleField(
        "Spokes", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    intervention_type = SelectField(
        "Intervention type",
        widget=GovSelect(),
        choices=[("", ""), *INTERVENTION_TYPES],
        validate_choice=False,
    )
    yef_strand = SelectField(
        "YEF Toolkit strand", widget=GovSelect(), choices=[], validate_choice=False
    )
    level = RadioField(
        "Level",
        widget=GovRadioInput(),
        choices=[(level.value, level.label) for level in Level],
        validate_choice=False,
    )
    commitments = SelectMultipleField(
        "Strategic commitments",
        widget=GovCheckboxesInput(),
        choices=list(STRATEGIC_COMMITMENTS),
        validate_choice=False,
    )
    provider = SelectField("Provider", widget=GovSelect(), choices=[], validate_choice=False)
    cohort = _text("Cohort")
    age_band = SelectField(
        "Age band", widget=GovSelect(), choices=[("", ""), *AGE_BANDS], validate_choice=False
    )
    setting = _text("Setting")
    starts_on = date_field("Starts")
    ends_on = date_field("Ends")
    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=[(s.value, s.label) for s in InterventionStatus],
        validate_choice=False,
    )
    annual_cost = _text("Cost this year", "In pounds and pence")
    output_description = _text("Output", "What it counts, for example: sessions delivered")
    output_target = _text("Output target", "A whole number")
    submit = SubmitField("Save the intervention", widget=GovSubmitInput())


class ReachForm(FlaskForm):
    submit = SubmitField("Save the reach", widget=GovSubmitInput())


for _name, _label in (*REACH_BANDS, ("outputs", "Outputs delivered")):
    setattr(ReachForm, _name, _text(_label))


class StrandForm(FlaskForm):
    name = _text("Name")
    impact = _text("Impact on violence", "As the Toolkit rates it, for example: high")
    evidence = _text("Evidence quality", "For example: moderate")
    cost = _text("Cost", "For example: low")
    as_of = date_field("Ratings as of")
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save the strand", widget=GovSubmitInput())
