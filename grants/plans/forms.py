"""Forms for delivery plans: starting one, its header, its lines, and the review actions.

The forms only carry what was typed: the rules (amounts, line references, the checks) live in
``plan_services``, whose problems the views put back against these fields. Every form that
changes a plan carries the ``lock_version`` of the plan the user loaded, so a save made from an
out-of-date page is refused rather than overwriting someone else's.
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
from wtforms.validators import DataRequired, Length, Optional

from grants.vocabulary import Category, CostType, SpendType
from web.forms import LockedForm

MONEY_HINT = "In pounds and pence, for example 12500.00 or £12,500.00"


class HeaderFields:
    lead_name = StringField(
        "Plan lead",
        widget=GovTextInput(),
        description="Who leads the plan for the recipient",
        validators=[Optional(), Length(max=200)],
    )
    s151_contact = StringField(
        "Section 151 officer contact",
        widget=GovTextInput(),
        description="The chief finance officer who signs off spend (name and email)",
        validators=[Optional(), Length(max=200)],
    )
    priorities = TextAreaField(
        "Priorities",
        widget=GovTextArea(),
        description="The priorities from the needs assessment this plan addresses",
        validators=[Optional(), Length(max=5000)],
    )


class NewPlanForm(FlaskForm, HeaderFields):
    recipient = SelectField("Recipient", widget=GovSelect(), choices=[], validate_choice=False)
    financial_year = StringField(
        "Financial year",
        widget=GovTextInput(),
        description="For example 2024-25",
        validators=[DataRequired(message="Enter the financial year")],
    )
    submit = SubmitField("Start the plan", widget=GovSubmitInput())


class PlanHeaderForm(LockedForm, HeaderFields):
    submit = SubmitField("Save", widget=GovSubmitInput())


class PlanLineForm(LockedForm):
    title = StringField("Title", widget=GovTextInput(), validators=[Optional()])
    grant_stream = RadioField("Grant", widget=GovRadioInput(), choices=[], validate_choice=False)
    category = SelectField(
        "Category",
        widget=GovSelect(),
        validate_choice=False,
        choices=[("", "Choose a category")] + [(c.value, c.label) for c in Category],
    )
    yef_strand = StringField(
        "YEF Toolkit strand",
        widget=GovTextInput(),
        description="Interventions lines only, for example Mentoring, Sports programmes, "
        "Focused deterrence, A&E navigators",
        validators=[Optional()],
    )
    provider = StringField(
        "Provider",
        widget=GovTextInput(),
        description="Who delivers it, if not the recipient itself",
        validators=[Optional()],
    )
    cost_type = RadioField(
        "Labour or non-labour",
        widget=GovRadioInput(),
        validate_choice=False,
        default=CostType.NON_LABOUR.value,
        choices=[(c.value, c.label) for c in CostType],
    )
    spend_type = RadioField(
        "Revenue or capital",
        widget=GovRadioInput(),
        validate_choice=False,
        default=SpendType.REVENUE.value,
        choices=[(s.value, s.label) for s in SpendType],
    )
    annual_budget = StringField(
        "Annual budget", widget=GovTextInput(), description=MONEY_HINT, validators=[Optional()]
    )
    q1 = StringField("Q1 (Apr-Jun)", widget=GovTextInput(), validators=[Optional()])
    q2 = StringField("Q2 (Jul-Sep)", widget=GovTextInput(), validators=[Optional()])
    q3 = StringField("Q3 (Oct-Dec)", widget=GovTextInput(), validators=[Optional()])
    q4 = StringField("Q4 (Jan-Mar)", widget=GovTextInput(), validators=[Optional()])
    output_targets = TextAreaField(
        "Output targets",
        widget=GovTextArea(),
        description="What the line will deliver, for example 120 young people mentored",
        validators=[Optional(), Length(max=5000)],
    )
    line_ref = StringField(
        "Line reference",
        widget=GovTextInput(),
        description="For example INT-01. Leave blank for the next free reference of the "
        "category. Quarterly returns name lines by this reference.",
        validators=[Optional(), Length(max=20)],
    )
    submit = SubmitField("Save line", widget=GovSubmitInput())


class SubmitPlanForm(LockedForm):
    submit = SubmitField("Submit the plan to finance", widget=GovSubmitInput())


class DeleteLineForm(LockedForm):
    submit = SubmitField("Delete", widget=GovSubmitInput())


class ApprovePlanForm(LockedForm):
    comment = TextAreaField(
        "Comments (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField("Approve the plan", widget=GovSubmitInput())


class ReturnPlanForm(LockedForm):
    comment = TextAreaField(
        "What needs to change",
        widget=GovTextArea(),
        description="The recipient sees these comments and can edit and resubmit the plan",
        validators=[
            DataRequired(message="Say what needs to change before it can be approved"),
            Length(max=5000),
        ],
    )
    submit = SubmitField("Return the plan with comments", widget=GovSubmitInput())


class NewVersionForm(LockedForm):
    change_reason = TextAreaField(
        "Why the plan is changing",
        widget=GovTextArea(),
        description="The approved version stays as it is; the new version is a draft copy of "
        "it that finance reviews again",
        validators=[
            DataRequired(message="Say why the approved plan is changing"),
            Length(max=5000),
        ],
    )
    submit = SubmitField("Start a new version", widget=GovSubmitInput())
