"""The forms finance records a payment with, and reverses one recorded by mistake."""

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
    paid_on = date_field("Date paid", "For example, 15 10 2024. Not in the future.")
    amount = StringField("Amount paid", widget=GovTextInput())
    payment_reference = StringField(
        "Payment reference",
        widget=GovTextInput(),
        description="The reference on the remittance, for example BACS-2024-0173",
    )
    notes = TextAreaField("Notes", widget=GovTextArea())
    submit = SubmitField("Record the payment", widget=GovSubmitInput())


class ReversePaymentForm(FlaskForm):
    """The reason is required by the service, which says so on the field."""

    reason = TextAreaField(
        "Why is this payment being reversed?",
        widget=GovTextArea(),
        description="For example: recorded as £100.00 by mistake; the payment made was "
        "£100,927.52. This is kept with the payment and in the audit log.",
    )
    submit = SubmitField("Reverse the payment", widget=GovSubmitInput())
