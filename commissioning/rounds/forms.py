"""Forms for rounds, bids, the panel's declarations, scores, moderation and decisions, and
contracts. They carry only what was typed; the rules live in the services, whose problems the
views put back against these fields. Choices come from ``rounds.queries`` via the views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from commissioning.rounds.limits import BID_TEXT_LIMITS
from commissioning.vocabulary import (
    AGE_BANDS,
    DEFAULT_CRITERIA,
    INTERVENTION_TYPES,
    Decision,
    Level,
)
from web.forms import date_field

MONEY_HINT = "In pounds and pence, for example 12500.00"


def _text(label: str, hint: str = "", *, width: str = "", max_length: int = 300) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[Optional(), Length(max=max_length)],
        render_kw={"class": width} if width else None,
    )


class CriterionForm(Form):
    name = _text("Criterion")
    weight = _text("Weight (%)")
    max_score = _text("Maximum score")


class RoundForm(FlaskForm):
    name = _text("Name", "For example: Bristol and South Gloucestershire interventions 2025-26")
    financial_year = _text("Financial year", "For example 2025-26")
    grant_stream = SelectField(
        "Grant that pays", widget=GovSelect(), choices=[], validate_choice=False
    )
    budget = _text("Budget", MONEY_HINT)
    opens_on = date_field("Opens")
    closes_on = date_field("Closes", "The last day a bid can be made, for example 31 1 2025")
    recipients = SelectMultipleField(
        "Commissioning for", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    eligibility = TextAreaField(
        "Eligibility questions",
        widget=GovTextArea(),
        description="One question a line",
        validators=[Optional(), Length(max=5000)],
    )
    disagreement_margin = _text(
        "Disagreement margin",
        "Points out of 100: members' totals further apart than this flag the bid for moderation",
    )
    criteria = FieldList(FormField(CriterionForm), min_entries=len(DEFAULT_CRITERIA) + 1)
    panel = SelectMultipleField(
        "Panel members", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    chair = SelectField("Chair", widget=GovSelect(), choices=[], validate_choice=False)
    submit = SubmitField("Open the round", widget=GovSubmitInput())


class BidForm(FlaskForm):
    reference = _text(
        "Reference",
        "Leave blank for the next number, like B004",
        max_length=BID_TEXT_LIMITS["reference"],
    )
    provider = SelectField("Provider", widget=GovSelect(), choices=[], validate_choice=False)
    title = _text("Intervention", max_length=BID_TEXT_LIMITS["title"])
    summary = TextAreaField(
        "Summary",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=BID_TEXT_LIMITS["summary"])],
    )
    spokes = SelectMultipleField(
        "Spokes it serves", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    intervention_types = SelectMultipleField(
        "Intervention types",
        widget=GovCheckboxesInput(),
        choices=list(INTERVENTION_TYPES),
        validate_choice=False,
        description="From the needs assessment's 14",
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
    cohort = _text(
        "Cohort",
        "Who it is for, for example: young people at risk of exclusion",
        max_length=BID_TEXT_LIMITS["cohort"],
    )
    age_band = SelectField(
        "Age band", widget=GovSelect(), choices=[("", ""), *AGE_BANDS], validate_choice=False
    )
    setting = _text(
        "Setting",
        "For example: schools, community, hospital",
        max_length=BID_TEXT_LIMITS["setting"],
    )
    output_targets = TextAreaField(
        "Output targets",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=BID_TEXT_LIMITS["output_targets"])],
    )
    participants = _text("Participants", "How many young people it expects to reach")
    cost = _text("Cost", MONEY_HINT)
    q1 = _text("Q1 (April to June)")
    q2 = _text("Q2 (July to September)")
    q3 = _text("Q3 (October to December)")
    q4 = _text("Q4 (January to March)")
    match_funding = _text("Match funding offered", MONEY_HINT)
    submitted_on = date_field("Date received", "Leave blank for today")
    submit = SubmitField("Save the bid", widget=GovSubmitInput())


class DeclareForm(FlaskForm):
    conflicted = RadioField(
        "Do you have a conflict of interest with this bid?",
        widget=GovRadioInput(),
        choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict")],
        validate_choice=False,
        description=(
            "For example: you work for, volunteer with, or are related to someone at the provider. "
            "If you declare a conflict you will not see or score this bid."
        ),
    )
    detail = TextAreaField(
        "The conflict", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField("Declare", widget=GovSubmitInput())


class ModerateForm(FlaskForm):
    score = _text("Agreed score", "A number from 0 to 100, up to two decimals, for example 72.5")
    reason = TextAreaField(
        "Reason", widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField("Save the agreed score", widget=GovSubmitInput())


class DecideForm(FlaskForm):
    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[(d.value, d.label) for d in Decision],
        validate_choice=False,
    )
    reference = _text("Decision reference", "For example: CF-2025-07")
    conditions = TextAreaField(
        "Conditions", widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    minutes = TextAreaField(
        "Minutes",
        widget=GovTextArea(),
        description="The panel's reasons for the decision, as minuted",
        validators=[Optional(), Length(max=10000)],
    )
    submit = SubmitField("Check the decision", widget=GovSubmitInput())


class AttachmentForm(FlaskForm):
    file = FileField(
        "Attach a file", widget=GovFileInput(), description="PDF, Word (DOCX) or Excel (XLSX)"
    )
    submit = SubmitField("Attach", widget=GovSubmitInput())


class ContractForm(FlaskForm):
    reference = _text("Contract reference")
    plan_line = SelectField(
        "Delivery plan line", widget=GovSelect(), choices=[], validate_choice=False
    )
    value = _text("Value", MONEY_HINT)
    vru_amount = _text("Paid from the VRU grant", MONEY_HINT)
    svd_amount = _text("Paid from the SVD grant", MONEY_HINT)
    match_amount = _text("Match funding", MONEY_HINT)
    starts_on = date_field("Starts")
    ends_on = date_field("Ends")
    submit = SubmitField("Make the contract", widget=GovSubmitInput())


class ImportBidsForm(FlaskForm):
    file = FileField(
        "Bid spreadsheet", widget=GovFileInput(), description="The filled-in template (XLSX)"
    )
    submit = SubmitField("Import", widget=GovSubmitInput())


class PanelForm(FlaskForm):
    panel = SelectMultipleField(
        "Panel members", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    chair = SelectField("Chair", widget=GovSelect(), choices=[], validate_choice=False)
    submit = SubmitField("Save the panel", widget=GovSubmitInput())
