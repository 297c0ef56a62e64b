"""The one permission check, and the decorators that declare what each route needs.

``permission_required`` and ``public`` only label a view; ``enforce_permissions`` (registered
with ``before_request``) reads the label and decides. An endpoint with no label is refused for
everyone, so a route cannot be published by forgetting a decorator, and the route-walking test
names any such endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from auth.roles import Permission

F = TypeVar("F", bound=Callable[..., Any])

PERMISSION_ATTR = "required_permission"
PUBLIC_ATTR = "is_public"
# Endpoints that Flask itself registers.
FRAMEWORK_PUBLIC_ENDPOINTS = frozenset({"static"})


def permission_required(permission: Permission) -> Callable[[F], F]:
    def label(view: F) -> F:
        setattr(view, PERMISSION_ATTR, permission)
        return view

    return label


PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.sign_out"})


def public(view: F) -> F:
    setattr(view, PUBLIC_ATTR, True)
    return view


def required_permission_for(endpoint: str | None) -> Permission | bool | None:
    """The permission an endpoint declares; ``True`` when public; ``None`` when undeclared."""
    if endpoint is None or endpoint in FRAMEWORK_PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return True  # no such endpoint: Flask answers 404 itself
    if getattr(view, PUBLIC_ATTR, False):
        return True
    return getattr(view, PERMISSION_ATTR, None)


def can(permission: Permission) -> bool:
    """Whether the signed-in user holds ``permission`` (for templates and services)."""
    return bool(current_user.is_authenticated and current_user.can(permission))


def enforce_permissions() -> Any:
    needed = required_permission_for(request.endpoint)
    if needed is True:
        return None
    if needed is None:
        current_app.logger.error("endpoint %s declares no permission; refused", request.endpoint)
        abort(403)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        # A temporary password: nothing else until the person has chosen their own.
        return redirect(url_for("auth.change_password"))
    if not isinstance(needed, Permission) or not current_user.can(needed):
        abort(403)
    return None
