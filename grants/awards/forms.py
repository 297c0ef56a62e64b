"""Forms for awards and allocation variations.

Amounts and percentages are text fields: the services parse them (and refuse more than two
decimals) so the rule lives in one place. Forms that change a record carry the ``lock_version``
the user loaded, so a save over someone else's is refused.
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
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from core.financial_year import QUARTERS, quarter_label
from grants.vocabulary import AwardStatus
from web.forms import date_field, lock_version_field


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
    offer_date = date_field("Date of the offer")
    confirmed_date = date_field("Date confirmed")
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
    return_due_days = StringField(
        "Returns due (days after each quarter ends)",
        widget=GovTextInput(),
        description="Leave blank for the agreement's terms: the last day of the month after "
        "the quarter",
    )
    plan_due_on = date_field(
        "Delivery plan due", "Leave blank for the end of April. For example, 30 4 2025"
    )
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=4000)])
    lock_version = lock_version_field()
    submit = SubmitField("Save the award", widget=GovSubmitInput())


class ConfirmAwardForm(FlaskForm):
    confirmed_amount = StringField("Confirmed amount", widget=GovTextInput())
    confirmed_date = date_field("Date confirmed", "Leave blank for today")
    svd_labour_amount = StringField(
        "Labour", widget=GovTextInput(), description="Leave blank to keep the current figure"
    )
    svd_non_labour_amount = StringField(
        "Non-labour", widget=GovTextInput(), description="Leave blank to keep the current figure"
    )
    lock_version = lock_version_field()
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
