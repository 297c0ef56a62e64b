"""Forms for awards, allocation variations and grant agreements.

Amounts and percentages are text fields: the services parse them (and refuse more than two
decimals) so the rule lives in one place. Forms that change a record carry the ``lock_version``
the user loaded, so a save over someone else's is refused.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from core.financial_year import QUARTERS, quarter_label
from grants.vocabulary import AwardStatus, PaymentSchedule

DATE_FORMAT = "%d %m %Y"


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


def _date(label: str, description: str = "For example, 27 3 2024") -> OptionalDateField:
    return OptionalDateField(
        label, widget=DayMonthYearInput(), format=DATE_FORMAT, description=description
    )


def _lock_version() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


class AwardForm(FlaskForm):
    """A year's award of one grant, with its conditions."""

    financial_year = StringField(
        "Financial year",
        widget=GovTextInput(),
        description="For example 2024-25",
        validators=[DataRequired(message="Enter the financial year")],
    )
    grant_stream = SelectField("Grant", widget=GovSelect(), choices=[])
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        default=AwardStatus.INDICATIVE.value,
        choices=[
            (AwardStatus.INDICATIVE.value, "Indicative"),
            (AwardStatus.CONFIRMED.value, "Confirmed"),
        ],
    )
    indicative_amount = StringField("Indicative amount", widget=GovTextInput())
    confirmed_amount = StringField(
        "Confirmed amount",
        widget=GovTextInput(),
        description="Leave blank until the Home Office confirms it",
    )
    award_reference = StringField(
        "Award reference",
        widget=GovTextInput(),
        description="The Home Office's reference for the grant offer",
        validators=[Optional(), Length(max=100)],
    )
    offer_date = _date("Date of the offer")
    confirmed_date = _date("Date confirmed")
    min_match_percent = StringField(
        "Minimum match funding share",
        widget=GovTextInput(),
        description="Match funding as a share of grant spend",
        default="20",
    )
    min_interventions_percent = StringField(
        "Minimum interventions share",
        widget=GovTextInput(),
        description="Share of the grant to spend on interventions (optional)",
    )
    evaluation_percent = StringField(
        "Evaluation share",
        widget=GovTextInput(),
        description="Share of intervention spend for evaluation (optional)",
    )
    admin_cap_percent = StringField(
        "Cap on management and administration", widget=GovTextInput(), description="(optional)"
    )
    variance_threshold_percent = StringField(
        "Variance threshold (percent)",
        widget=GovTextInput(),
        default="10",
        description="A return explains spend that differs from profile by more than this",
    )
    variance_threshold_amount = StringField(
        "Variance threshold (pounds)",
        widget=GovTextInput(),
        default="5000.00",
        description="… or by more than this",
    )
    svd_labour_amount = StringField(
        "Labour", widget=GovTextInput(), description="SVD only: the part of the grant for labour"
    )
    svd_non_labour_amount = StringField(
        "Non-labour",
        widget=GovTextInput(),
        description="SVD only: labour and non-labour must add up to the award",
    )
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=4000)])
    lock_version = _lock_version()
    submit = SubmitField("Save the award", widget=GovSubmitInput())


class ConfirmAwardForm(FlaskForm):
    confirmed_amount = StringField("Confirmed amount", widget=GovTextInput())
    confirmed_date = _date("Date confirmed", "Leave blank for today")
    svd_labour_amount = StringField(
        "Labour", widget=GovTextInput(), description="Leave blank to keep the current figure"
    )
    svd_non_labour_amount = StringField(
        "Non-labour", widget=GovTextInput(), description="Leave blank to keep the current figure"
    )
    lock_version = _lock_version()
    submit = SubmitField("Confirm the award", widget=GovSubmitInput())


def _quarter_choices() -> list[tuple[str, str]]:
    return [("", "Not given")] + [(str(q), quarter_label(q)) for q in QUARTERS]


class _VariationFields(FlaskForm):
    financial_year = SelectField("Financial year", widget=GovSelect(), choices=[])
    grant_stream = SelectField("Grant", widget=GovSelect(), choices=[])
    quarter = SelectField(
        "Quarter when agreed",
        widget=GovSelect(),
        choices=_quarter_choices(),
        validators=[Optional()],
    )
    reason = TextAreaField(
        "Reason", widget=GovTextArea(), validators=[Optional(), Length(max=4000)]
    )
    decision_reference = StringField(
        "Decision reference",
        widget=GovTextInput(),
        description="The decision that agrees the variation",
        validators=[Optional(), Length(max=100)],
    )


class ReallocationForm(_VariationFields):
    """Money moved from one recipient's allocation to another's."""

    from_recipient = SelectField("Move from", widget=GovSelect(), choices=[])
    to_recipient = SelectField("Move to", widget=GovSelect(), choices=[])
    amount = StringField("Amount to move", widget=GovTextInput())
    submit = SubmitField("Record the reallocation", widget=GovSubmitInput())


class AdjustmentForm(_VariationFields):
    """One recipient's allocation changed up or down."""

    recipient = SelectField("Recipient", widget=GovSelect(), choices=[])
    amount = StringField(
        "Change",
        widget=GovTextInput(),
        description="Positive to add, negative (for example -250.00) to reduce",
    )
    submit = SubmitField("Record the adjustment", widget=GovSubmitInput())


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
    lock_version = _lock_version()
    submit = SubmitField("Save the draft", widget=GovSubmitInput())


class IssueAgreementForm(FlaskForm):
    issued_on = _date("Date issued", "Leave blank for today")
    opcc_signatory = StringField(
        "Signing for the OPCC", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    lock_version = _lock_version()
    submit = SubmitField("Issue for signature", widget=GovSubmitInput())


class SignAgreementForm(FlaskForm):
    signed_on = _date("Date signed", "Leave blank for today")
    recipient_signatory = StringField(
        "Signed for the spoke by", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    lock_version = _lock_version()
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
    lock_version = _lock_version()
    submit = SubmitField("Start the new version", widget=GovSubmitInput())
