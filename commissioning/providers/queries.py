"""Read-only questions about providers: the list, due-diligence blockers and what expires soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from commissioning.providers.diligence import (
    CHECK_NAMES,
    EXPIRY_WINDOW_DAYS,
    Blocker,
    blocking_checks,
    expiring_checks,
)
from commissioning.providers.models import Provider
from extensions import db
from reference.models import Organisation


def providers() -> list[Provider]:
    return list(
        db.session.scalars(select(Provider).join(Provider.organisation).order_by(Organisation.name))
    )


def blockers_for(provider: Provider, on: date) -> list[Blocker]:
    return blocking_checks(provider.plain_checks(), on=on)


@dataclass(frozen=True)
class Expiring:
    provider: Provider
    check_name: str
    expires_on: date


def expiring_soon(on: date, days: int = EXPIRY_WINDOW_DAYS) -> list[Expiring]:
    rows = [
        Expiring(p, CHECK_NAMES.get(c.kind, c.kind), c.expires_on)
        for p in providers()
        for c in expiring_checks(p.plain_checks(), on=on, days=days)
        if c.expires_on is not None
    ]
    return sorted(rows, key=lambda r: (r.expires_on, r.provider.name))


def provider_by_name(name: str) -> Provider | None:
    return db.session.scalar(
        select(Provider).join(Provider.organisation).where(Organisation.name == name)
    )
