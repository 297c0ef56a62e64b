"""Forms for the partnership's set-up pages: spokes, grant streams, financial years."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

YEAR_HINT = "A financial year, for example 2025-26"


class SpokeForm(FlaskForm):
    """Every rule (required, lengths, patterns) is the service's, so all problems show at once."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="Lowercase letters, digits and hyphens, for example south-glos. Files and "
        "web addresses use it; it cannot be changed later.",
        validators=[Optional()],
    )
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    org_id = StringField(
        "Org identifier",
        widget=GovTextInput(),
        description="For 360Giving, for example GB-LAE-BST",
        validators=[Optional()],
    )
    gss_code = StringField(
        "GSS code",
        widget=GovTextInput(),
        description="The local authority's statistical code, for example E06000023",
        validators=[Optional()],
    )
    colour = StringField(
        "Colour in charts",
        widget=GovTextInput(),
        description="#rrggbb, for example #1d70b8",
        validators=[Optional()],
    )
    active_from = StringField(
        "Takes part from",
        widget=GovTextInput(),
        description=YEAR_HINT,
        validators=[Optional()],
    )
    submit = SubmitField("Save the spoke", widget=GovSubmitInput())


class StreamForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="2 to 10 capital letters or digits, for example VRU",
        validators=[Optional()],
    )
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    description = TextAreaField("Description", widget=GovTextArea(), validators=[Optional()])
    active_from = StringField(
        "Paid from",
        widget=GovTextInput(),
        description=YEAR_HINT,
        validators=[Optional()],
    )
    submit = SubmitField("Save the grant stream", widget=GovSubmitInput())


class CloseForm(FlaskForm):
    closed_from = StringField(
        "Closed from",
        widget=GovTextInput(),
        description="The first financial year it no longer takes part in, for example 2026-27. "
        "Its records stay.",
        validators=[DataRequired(message="Enter the year it closes from")],
    )
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[DataRequired(message="Enter why it is closing"), Length(max=1000)],
    )
    submit = SubmitField("Close it", widget=GovSubmitInput())


class ReopenForm(FlaskForm):
    submit = SubmitField("Reopen", widget=GovSubmitInput())


class YearForm(FlaskForm):
    financial_year = StringField(
        "Financial year",
        widget=GovTextInput(),
        description=YEAR_HINT,
        validators=[DataRequired(message="Enter the financial year")],
    )
    make_current = BooleanField("Make it the current year", widget=GovCheckboxInput())
    submit = SubmitField("Add the year", widget=GovSubmitInput())
