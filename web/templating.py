"""Template globals and filters: money formatting, navigation by role, permission checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from auth.permissions import can
from auth.roles import Permission
from core.money import format_gbp


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    permission: Permission


# The navigation, in order; each item shows only to those who may open it.
NAVIGATION = (
    NavItem("Home", "home.index", Permission.VIEW_HOME),
    NavItem("Spokes", "reference.spoke_list", Permission.VIEW_SPOKES),
    NavItem("Users", "auth.user_list", Permission.VIEW_USERS),
    NavItem("Audit log", "audit.event_list", Permission.VIEW_AUDIT),
)


def navigation_items() -> list[dict[str, object]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if item.endpoint not in current_app.view_functions or not can(item.permission):
            continue
        href = url_for(item.endpoint)
        active = request.endpoint == item.endpoint or (
            item.endpoint != "home.index"
            and request.endpoint is not None
            and request.endpoint.split(".")[0] == item.endpoint.split(".")[0]
            and request.path.startswith(href)
        )
        items.append({"text": item.text, "href": href, "active": active})
    return items


def money_filter(value: Decimal | None, pence: bool = True) -> str:
    if value is None:
        return "–"
    return format_gbp(value, pence=pence)


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(money_filter, "money")
    app.add_template_global(navigation_items)
    app.add_template_global(can)
    app.add_template_global(Permission, "Permission")

    @app.context_processor
    def partnership() -> dict[str, object]:
        return {"partnership_name": current_app.config["PARTNERSHIP_NAME"]}
