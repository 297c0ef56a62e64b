"""Forms for providers and their due-diligence checks (what was typed; rules in the services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from commissioning.providers.models import LEGAL_STATUSES
from web.forms import date_field


def _text(label: str, hint: str = "") -> StringField:
    return StringField(
        label, widget=GovTextInput(), description=hint, validators=[Optional(), Length(max=254)]
    )


class ProviderForm(FlaskForm):
    name = _text("Name")
    legal_status = SelectField(
        "Legal status", widget=GovSelect(), choices=list(LEGAL_STATUSES), validate_choice=False
    )
    charity_number = _text("Charity number")
    company_number = _text("Company number")
    other_number = _text("Other registration number")
    org_identifier = _text(
        "Org identifier (360Giving)",
        "For example GB-CHC-1234567; made from the charity or company number if left blank",
    )
    contact_name = _text("Contact name")
    contact_email = _text("Contact email")
    contact_phone = _text("Contact phone")
    submit = SubmitField("Save the provider", widget=GovSubmitInput())


class CheckForm(FlaskForm):
    evidence = TextAreaField(
        "Evidence seen", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    checked_on = date_field("Checked on")
    expires_on = date_field("Expires on", "Leave blank if it does not expire")
    submit = SubmitField("Save the check", widget=GovSubmitInput())
