"""Forms for grant agreements: draft, issue, sign and vary.

Forms that change an agreement carry the ``lock_version`` the user loaded, so a save over someone
else's is refused.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from grants.vocabulary import PaymentSchedule
from web.forms import date_field, lock_version_field


class AgreementForm(FlaskForm):
    """A draft agreement: who, which year, how paid, on what conditions, signed by whom."""

    financial_year = SelectField("Financial year", widget=GovSelect(), choices=[])
    recipient = SelectField("Spoke", widget=GovSelect(), choices=[])
    payment_schedule = RadioField(
        "Payment schedule",
        widget=GovRadioInput(),
        default=PaymentSchedule.QUARTERLY_IN_ARREARS.value,
        choices=[(s.value, s.label) for s in PaymentSchedule],
    )
    conditions = TextAreaField(
        "Conditions",
        widget=GovTextArea(),
        description="Numbered paragraphs separated by a blank line. Leave blank for the default "
        "conditions from the year's awards.",
        validators=[Optional(), Length(max=20000)],
    )
    opcc_signatory = StringField(
        "Signing for the OPCC", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    recipient_signatory = StringField(
        "Signing for the spoke", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    lock_version = lock_version_field()
    submit = SubmitField("Save the draft", widget=GovSubmitInput())


class IssueAgreementForm(FlaskForm):
    issued_on = date_field("Date issued", "Leave blank for today")
    opcc_signatory = StringField(
        "Signing for the OPCC", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    lock_version = lock_version_field()
    submit = SubmitField("Issue for signature", widget=GovSubmitInput())


class SignAgreementForm(FlaskForm):
    signed_on = date_field("Date signed", "Leave blank for today")
    recipient_signatory = StringField(
        "Signed for the spoke by", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    lock_version = lock_version_field()
    submit = SubmitField("Record the signature", widget=GovSubmitInput())


class VaryAgreementForm(FlaskForm):
    variation_reason = TextAreaField(
        "Reason for the variation", widget=GovTextArea(), validators=[Optional(), Length(max=4000)]
    )
    conditions = TextAreaField(
        "Conditions of the new version",
        widget=GovTextArea(),
        description="Leave as they are to keep the signed conditions",
        validators=[Optional(), Length(max=20000)],
    )
    lock_version = lock_version_field()
    submit = SubmitField("Start the new version", widget=GovSubmitInput())
