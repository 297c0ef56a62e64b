"""Spoke scoping: the one helper that narrows what a spoke lead can see to their own spoke.

Every query that lists or fetches spoke-owned records passes through ``scope_to_user``; every
page for one spoke calls ``ensure_spoke_visible``.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, false

from auth.models import User
from auth.roles import Role
from reference.models import Organisation, OrganisationKind


def scope_to_user(statement: Select[Any], spoke_id_column: Any, user: User) -> Select[Any]:
    """Narrow ``statement`` to the user's spoke when the user is a spoke lead."""
    if not user.is_spoke_scoped:
        return statement
    if user.spoke_id is None:
        return statement.where(false())
    return statement.where(spoke_id_column == user.spoke_id)


def can_see_spoke(user: User, spoke: Organisation) -> bool:
    return not user.is_spoke_scoped or (user.spoke_id is not None and user.spoke_id == spoke.id)


def ensure_spoke_visible(user: User, spoke: Organisation) -> None:
    if not can_see_spoke(user, spoke):
        abort(403)


def can_edit_for(user: User, recipient: Organisation) -> bool:
    """Whether ``user`` may edit plans and returns for ``recipient``: a spoke lead for their
    own spoke, a Hub user for the Hub. Finance reviews but does not fill in."""
    if user.is_spoke_scoped:
        return user.spoke_id is not None and user.spoke_id == recipient.id
    return user.role is Role.HUB and recipient.kind is OrganisationKind.HUB


def ensure_can_edit_for(user: User, recipient: Organisation) -> None:
    if not can_edit_for(user, recipient):
        abort(403)
