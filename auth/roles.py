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
    VIEW_SPOKES = "view_spokes"               # scoped to own spoke for spoke leads
    VIEW_ALLOCATIONS = "view_allocations"     # scoped to own spoke for spoke leads
    VIEW_FORMULAS = "view_formulas"
    VIEW_USERS = "view_users"
    VIEW_AUDIT = "view_audit"
    # Changing
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"
    MANAGE_FORMULAS = "manage_formulas"
    APPROVE_ALLOCATIONS = "approve_allocations"

    @property
    def is_read_only(self) -> bool:
        return self.value.startswith("view_")


READ_ALL = frozenset(p for p in Permission if p.is_read_only)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({
        Permission.VIEW_HOME, Permission.VIEW_SPOKES, Permission.VIEW_USERS,
        Permission.VIEW_AUDIT, Permission.MANAGE_USERS, Permission.MANAGE_REFERENCE,
    }),
    Role.FINANCE: frozenset({
        Permission.VIEW_HOME, Permission.VIEW_SPOKES, Permission.VIEW_ALLOCATIONS,
        Permission.VIEW_FORMULAS, Permission.MANAGE_FORMULAS, Permission.APPROVE_ALLOCATIONS,
    }),
    Role.HUB: frozenset({
        Permission.VIEW_HOME, Permission.VIEW_SPOKES, Permission.VIEW_ALLOCATIONS,
        Permission.VIEW_FORMULAS,
    }),
    Role.PANEL: frozenset({Permission.VIEW_HOME, Permission.VIEW_SPOKES}),
    Role.SPOKE: frozenset({
        Permission.VIEW_HOME, Permission.VIEW_SPOKES, Permission.VIEW_ALLOCATIONS,
    }),
    Role.AUDITOR: READ_ALL,
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def is_spoke_scoped(role: Role) -> bool:
    """Spoke leads see only their own spoke; every other role sees all spokes."""
    return role is Role.SPOKE
