"""The audit log in an auditor's words (pure): what kind of record, who made the change, which
field. Events store table names, column names and actor labels; pages and exports show these.

>>> record_type("plan_lines")
'Delivery plan line'
>>> describe_actor("cli:users create", None)
'Command line: vrp users create'
>>> describe_actor("fran@opcc.example", "Fran Finance")
'Fran Finance (fran@opcc.example)'
>>> field_name("annual_budget"), field_name("recipient_id")
('annual budget', 'recipient')
"""

from __future__ import annotations

RECORD_TYPES = {
    "allocation_variations": "Allocation variation",
    "allocations": "Allocation",
    "bid_attachments": "Bid attachment",
    "bid_scores": "Bid score",
    "bids": "Bid",
    "commissioning_rounds": "Commissioning round",
    "conflict_declarations": "Declaration of interests",
    "contracts": "Contract",
    "delivery_plans": "Delivery plan",
    "due_diligence_checks": "Due diligence check",
    "financial_years": "Financial year",
    "formula_runs": "Formula run",
    "formula_versions": "Formula version",
    "grant_agreements": "Grant agreement",
    "grant_awards": "Grant award",
    "grant_payments": "Grant payment",
    "grant_streams": "Grant stream",
    "indicator_datasets": "Indicator dataset",
    "intervention_reach": "Intervention reach",
    "interventions": "Intervention",
    "match_funding_lines": "Match funding line",
    "organisations": "Organisation",
    "panel_members": "Panel member",
    "partnership": "Partnership",
    "plan_lines": "Delivery plan line",
    "providers": "Provider",
    "quarterly_returns": "Quarterly return",
    "return_lines": "Quarterly return line",
    "spoke_needs": "Spoke need",
    "underspend_records": "Underspend record",
    "users": "User account",
    "yef_strands": "YEF strand",
}
SYSTEM = "The system (no one signed in, no command)"


def record_type(table_name: str) -> str:
    """The kind of record in words; a table not listed here reads as its name, spaced out."""
    return RECORD_TYPES.get(table_name, table_name.replace("_", " ").capitalize())


def describe_actor(label: str, user_name: str | None) -> str:
    """Who made a change: the person's name (with the email they signed in with), the command
    that ran, or the system."""
    if user_name:
        return f"{user_name} ({label})" if label and label != user_name else user_name
    if label.startswith("cli:"):
        return f"Command line: vrp {label.removeprefix('cli:')}"
    if not label or label == "system":
        return SYSTEM
    return label


def field_name(column: str) -> str:
    return column.removesuffix("_id").replace("_", " ")


def describe_value(value: object) -> str:
    return "–" if value is None or value == "" else str(value)
