"""The form finance records a payment with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from core.financial_year import QUARTERS, quarter_label
from web.forms import date_field


class PaymentForm(FlaskForm):
    """Every rule is the service's, so every problem shows at once."""

    recipient = SelectField("Recipient", widget=GovSelect(), choices=[])
    grant = SelectField("Grant", widget=GovSelect(), choices=[])
    quarter = SelectField(
        "Quarter paid for",
        widget=GovSelect(),
        choices=[("", "Choose")] + [(str(q), quarter_label(q)) for q in QUARTERS],
    )
    paid_on = date_field("Date paid")
    amount = StringField("Amount paid", widget=GovTextInput())
    payment_reference = StringField(
        "Payment reference",
        widget=GovTextInput(),
        description="The reference on the remittance, for example BACS-2024-0173",
    )
    notes = TextAreaField("Notes", widget=GovTextArea())
    submit = SubmitField("Record the payment", widget=GovSubmitInput())
