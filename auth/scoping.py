"""Spoke scoping: the one helper that narrows what a spoke lead can see to their own spoke.

Every query that lists or fetches spoke-owned records passes through ``scope_to_user``; every
page for one spoke calls ``ensure_spoke_visible``.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, false

from auth.models import User
from reference.models import Organisation


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
