"""Roles and permissions (pure: no Flask, no database).

A role is a fixed bundle of permissions. The auditor holds every ``view`` permission and nothing
that changes data. A spoke lead's permissions apply to their own spoke only; the scoping is done
by ``auth.scoping``, not here.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    FINANCE = "finance"
    HUB = "hub"
    PANEL = "panel"
    SPOKE = "spoke"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.FINANCE: "OPCC finance officer",
    Role.HUB: "VRP Hub",
    Role.PANEL: "Commissioning panel member",
    Role.SPOKE: "Spoke lead",
    Role.AUDITOR: "Auditor",
}


class Permission(enum.StrEnum):
    # Reading
    VIEW_HOME = "view_home"
    VIEW_SPOKES = "view_spokes"  # scoped to own spoke for spoke leads
    VIEW_ALLOCATIONS = "view_allocations"  # scoped to own spoke for spoke leads
    VIEW_FORMULAS = "view_formulas"
    VIEW_USERS = "view_users"
    VIEW_AUDIT = "view_audit"
    VIEW_GRANTS = "view_grants"  # awards, agreements; scoped for spoke leads
    VIEW_PLANS = "view_plans"  # scoped to own spoke for spoke leads
    VIEW_RETURNS = "view_returns"  # scoped to own spoke for spoke leads
    VIEW_COMMISSIONING = "view_commissioning"  # rounds and bids; panel: only rounds they sit on
    VIEW_PROVIDERS = "view_providers"
    VIEW_INTERVENTIONS = "view_interventions"  # and the gap map; scoped for spoke leads
    VIEW_STRANDS = "view_strands"  # the YEF Toolkit strands, reference data for everyone
    # Changing
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"
    MANAGE_FORMULAS = "manage_formulas"
    APPROVE_ALLOCATIONS = "approve_allocations"
    MANAGE_GRANTS = "manage_grants"  # awards, variations, agreements, year-end close
    EDIT_PLANS = "edit_plans"  # own recipient's plans (spoke leads; Hub: Hub's)
    REVIEW_PLANS = "review_plans"  # approve or return plans
    EDIT_RETURNS = "edit_returns"  # own recipient's returns, and certify them
    REVIEW_RETURNS = "review_returns"  # approve, return and reopen returns
    MANAGE_PROVIDERS = "manage_providers"  # providers and their due diligence
    MANAGE_ROUNDS = "manage_rounds"  # rounds, panels, bids entered or imported, attachments
    SCORE_BIDS = "score_bids"  # declare and score: only on rounds where the user sits
    DECIDE_BIDS = "decide_bids"  # moderate and decide: only the round's chair
    MANAGE_CONTRACTS = "manage_contracts"  # an approved bid becomes a contract
    EDIT_INTERVENTIONS = "edit_interventions"  # and needs; spoke leads: their own spoke's
    MANAGE_STRANDS = "manage_strands"  # the YEF Toolkit strands reference table

    @property
    def is_read_only(self) -> bool:
        return self.value.startswith("view_")


READ_ALL = frozenset(p for p in Permission if p.is_read_only)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.VIEW_SPOKES,
            Permission.VIEW_USERS,
            Permission.VIEW_AUDIT,
            Permission.MANAGE_USERS,
            Permission.MANAGE_REFERENCE,
            Permission.VIEW_STRANDS,
            Permission.MANAGE_STRANDS,
        }
    ),
    Role.FINANCE: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.VIEW_SPOKES,
            Permission.VIEW_ALLOCATIONS,
            Permission.VIEW_FORMULAS,
            Permission.MANAGE_FORMULAS,
            Permission.APPROVE_ALLOCATIONS,
            Permission.VIEW_GRANTS,
            Permission.MANAGE_GRANTS,
            Permission.VIEW_PLANS,
            Permission.REVIEW_PLANS,
            Permission.VIEW_RETURNS,
            Permission.REVIEW_RETURNS,
            Permission.VIEW_COMMISSIONING,
            Permission.VIEW_PROVIDERS,
            Permission.VIEW_INTERVENTIONS,
            Permission.VIEW_STRANDS,
            Permission.MANAGE_PROVIDERS,
            Permission.MANAGE_CONTRACTS,
        }
    ),
    Role.HUB: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.VIEW_SPOKES,
            Permission.VIEW_ALLOCATIONS,
            Permission.VIEW_FORMULAS,
            Permission.VIEW_GRANTS,
            Permission.VIEW_PLANS,
            Permission.EDIT_PLANS,
            Permission.VIEW_RETURNS,
            Permission.EDIT_RETURNS,
            Permission.VIEW_COMMISSIONING,
            Permission.VIEW_PROVIDERS,
            Permission.VIEW_INTERVENTIONS,
            Permission.VIEW_STRANDS,
            Permission.MANAGE_PROVIDERS,
            Permission.MANAGE_ROUNDS,
            Permission.SCORE_BIDS,
            Permission.DECIDE_BIDS,
            Permission.EDIT_INTERVENTIONS,
            Permission.MANAGE_STRANDS,
        }
    ),
    # Panel members score bids on the rounds they sit on (the chair also moderates and decides);
    # they see the interventions and gap map, but no plans, returns or agreements.
    Role.PANEL: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.VIEW_SPOKES,
            Permission.VIEW_COMMISSIONING,
            Permission.VIEW_PROVIDERS,
            Permission.VIEW_INTERVENTIONS,
            Permission.VIEW_STRANDS,
            Permission.SCORE_BIDS,
            Permission.DECIDE_BIDS,
        }
    ),
    Role.SPOKE: frozenset(
        {
            Permission.VIEW_HOME,
            Permission.VIEW_SPOKES,
            Permission.VIEW_ALLOCATIONS,
            Permission.VIEW_GRANTS,
            Permission.VIEW_PLANS,
            Permission.EDIT_PLANS,
            Permission.VIEW_RETURNS,
            Permission.EDIT_RETURNS,
            Permission.VIEW_INTERVENTIONS,
            Permission.VIEW_STRANDS,
            Permission.EDIT_INTERVENTIONS,
        }
    ),
    Role.AUDITOR: READ_ALL,
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def is_spoke_scoped(role: Role) -> bool:
    """Spoke leads see only their own spoke; every other role sees all spokes."""
    return role is Role.SPOKE
