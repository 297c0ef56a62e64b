"""Template globals and filters: money, the one date and time format, navigation by role,
permission checks, the partnership's name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user
from jinja2 import Environment, pass_environment
from jinja2.filters import make_attrgetter
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from auth.permissions import can
from auth.roles import Permission
from commissioning.vocabulary import AGE_BAND_NAMES, type_name
from core.money import format_gbp
from extensions import db
from reference.models import Partnership


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    permission: Permission
    sections: tuple[str, ...] = ()  # path prefixes that belong under this item


@dataclass(frozen=True)
class NavGroup:
    """One item of the main menu for several related pages; opening it goes to the first of
    them the user may open, and inside it a section menu links them all."""

    text: str
    children: tuple[NavItem, ...]


# The navigation, in order; each item shows only to those who may open it.
NAVIGATION: tuple[NavItem | NavGroup, ...] = (
    NavItem("Home", "home.index", Permission.VIEW_HOME),
    NavItem("Spokes", "reference.spoke_list", Permission.VIEW_SPOKES, ("/spokes",)),
    NavGroup(
        "Allocations",
        (
            NavItem(
                "Allocations",
                "allocations.allocation_list",
                Permission.VIEW_ALLOCATIONS,
                ("/allocations",),
            ),
            NavItem(
                "Funding formula",
                "allocations.formula_list",
                Permission.VIEW_FORMULAS,
                ("/formulas", "/indicators", "/runs"),
            ),
        ),
    ),
    NavItem(
        "Grants",
        "awards.award_list",
        Permission.VIEW_GRANTS,
        ("/grants", "/agreements", "/variations"),
    ),
    NavItem("Payments", "payments.position", Permission.VIEW_GRANTS, ("/payments",)),
    NavItem("Delivery plans", "plans.plan_list", Permission.VIEW_PLANS, ("/plans",)),
    NavItem("Returns", "returns.return_list", Permission.VIEW_RETURNS, ("/returns",)),
    NavItem("Home Office outputs", "reports.index", Permission.VIEW_PLANS, ("/reports",)),
    NavGroup(
        "Commissioning",
        (
            NavItem(
                "Rounds and bids",
                "rounds.round_list",
                Permission.VIEW_COMMISSIONING,
                ("/commissioning/rounds", "/commissioning/bids", "/commissioning/attachments"),
            ),
            NavItem(
                "Providers",
                "providers.provider_list",
                Permission.VIEW_PROVIDERS,
                ("/commissioning/providers",),
            ),
            NavItem(
                "Interventions",
                "interventions.intervention_list",
                Permission.VIEW_INTERVENTIONS,
                ("/commissioning/interventions", "/commissioning/strands"),
            ),
            NavItem(
                "Gap map", "gaps.gap_map", Permission.VIEW_INTERVENTIONS, ("/commissioning/gaps",)
            ),
        ),
    ),
    NavGroup(
        "Administration",
        (
            NavItem(
                "Partnership",
                "partnership.overview",
                Permission.MANAGE_REFERENCE,
                ("/admin/partnership",),
            ),
            NavItem("Users", "auth.user_list", Permission.VIEW_USERS, ("/admin/users",)),
            NavItem("Audit log", "audit.event_list", Permission.VIEW_AUDIT, ("/audit",)),
        ),
    ),
)


def partnership_name() -> str:
    """The partnership's name from its set-up, else the configured default; once a request."""
    if "partnership_name" not in g:
        name = None
        try:
            name = db.session.scalar(select(Partnership.name).limit(1))
        except SQLAlchemyError:
            db.session.rollback()  # not migrated yet: the error pages still need a header
        g.partnership_name = name or current_app.config["PARTNERSHIP_NAME"]
    return str(g.partnership_name)


def _links(items: tuple[NavItem, ...]) -> list[dict[str, object]]:
    """The items the signed-in user may open, as links, the one for this page marked active."""
    links = []
    for item in items:
        if item.endpoint not in current_app.view_functions or not can(item.permission):
            continue
        href = url_for(item.endpoint)
        active = request.path == href or any(
            request.path.startswith(section) for section in item.sections
        )
        links.append({"text": item.text, "href": href, "active": active})
    return links


def navigation_items() -> list[dict[str, object]]:
    """The main menu. A group the user may open only one page of shows as that page."""
    if not current_user.is_authenticated:
        return []
    items: list[dict[str, object]] = []
    for entry in NAVIGATION:
        if isinstance(entry, NavItem):
            items.extend(_links((entry,)))
            continue
        links = _links(entry.children)
        if len(links) == 1:
            items.extend(links)
        elif links:
            active = any(link["active"] for link in links)
            items.append({"text": entry.text, "href": links[0]["href"], "active": active})
    return items


def section_navigation() -> dict[str, object] | None:
    """The section menu of the group this page is in, when the user may open more than one of
    its pages: ``{"label": ..., "items": [...]}``."""
    if not current_user.is_authenticated:
        return None
    for entry in NAVIGATION:
        if isinstance(entry, NavGroup):
            links = _links(entry.children)
            if len(links) > 1 and any(link["active"] for link in links):
                return {"label": entry.text, "items": links}
    return None


def money_filter(value: Decimal | str | None, pence: bool = True) -> str:
    """``£1,234.56``; also takes the two-decimal strings that stored results hold."""
    if value is None or value == "":
        return "–"
    return format_gbp(Decimal(value) if isinstance(value, str) else value, pence=pence)


@pass_environment
def money_total(environment: Environment, items: Iterable[object], attribute: str) -> Decimal:
    """The total of one money attribute over ``items``: ``£0.00`` for none (Jinja's ``sum``
    would give the integer 0, which is not money)."""
    amount_of = make_attrgetter(environment, attribute)
    return sum((amount_of(item) for item in items), Decimal("0.00"))


def signed_money_filter(value: Decimal | str | None) -> str:
    """A change: ``+£1,000.00`` or ``-£250.00``."""
    if value is None or value == "":
        return "–"
    amount = Decimal(value) if isinstance(value, str) else value
    return ("+" if amount > 0 else "") + format_gbp(amount)


def percent_filter(value: Decimal | str | None, signed: bool = True) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(value) if isinstance(value, str) else value
    return ("+" if signed and amount > 0 else "") + f"{amount}%"


def report_cell(value: object, kind: str = "text") -> str:
    """A cell of a report table (``reports.document``) in the one format for its kind."""
    if value is None or value == "":
        return "" if kind == "text" else "–"
    if kind == "money" and isinstance(value, Decimal):
        return money_filter(value)
    if kind == "count" and isinstance(value, int):
        return f"{value:,}"
    if kind == "percent" and isinstance(value, Decimal):
        return percent_filter(value, signed=False)
    if isinstance(value, date):
        return format_day(value)
    return str(value)


UK_TIME = ZoneInfo("Europe/London")


def format_day(day: date | None) -> str:
    """The one date format: ``1 April 2024`` (a moment in time on its UK day)."""
    if day is None:
        return "–"
    if isinstance(day, datetime) and day.tzinfo is not None:
        day = day.astimezone(UK_TIME)
    return f"{day.day} {day:%B %Y}"


def format_timestamp(moment: datetime | None) -> str:
    """The one time format, in UK time to the minute: ``1 April 2024, 14:05``."""
    if moment is None:
        return "–"
    local = moment.astimezone(UK_TIME) if moment.tzinfo else moment
    return f"{local.day} {local:%B %Y, %H:%M}"


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_timestamp, "timestamp")
    app.add_template_filter(money_filter, "money")
    app.add_template_filter(signed_money_filter, "signed_money")
    app.add_template_filter(money_total, "money_total")
    app.add_template_filter(percent_filter, "percent")
    app.add_template_filter(report_cell, "report_cell")
    app.add_template_filter(type_name, "type_name")
    app.add_template_filter(lambda n: f"{n:,}", "thousands")
    app.add_template_filter(lambda code: AGE_BAND_NAMES.get(code or "", "–"), "age_band_name")
    app.add_template_global(navigation_items)
    app.add_template_global(section_navigation)
    app.add_template_global(can)
    app.add_template_global(Permission, "Permission")

    @app.context_processor
    def partnership() -> dict[str, object]:
        return {"partnership_name": partnership_name()}
