"""Account use cases: create users, sign in with throttling.

Services own the transaction: they commit on success and leave nothing behind on failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from auth.models import SignInAttempt, User
from auth.roles import Role
from core.problems import DomainError, Problems
from database import utcnow
from extensions import db
from reference.models import Organisation, OrganisationKind

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password")


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENERIC_SIGN_IN_FAILURE = "Enter a correct email address and password"


@dataclass(frozen=True)
class Throttle:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


class SignInRefused(DomainError):
    """Wrong email or password (one generic message), or too many recent failures."""


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    spoke_code: str | None = None,
) -> User:
    problems = Problems()
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email):
        problems.add(f"{email!r} is not an email address", column="email")
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        problems.add(f"a user with email {email} already exists", column="email")
    try:
        role_value = Role(role)
    except ValueError:
        problems.add(
            f"unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}",
            column="role",
        )
        role_value = None
    spoke = None
    if role_value is Role.SPOKE:
        if not spoke_code:
            problems.add("a spoke lead needs a spoke (--spoke CODE)", column="spoke")
        else:
            spoke = db.session.scalar(
                select(Organisation).where(
                    Organisation.code == spoke_code, Organisation.kind == OrganisationKind.SPOKE
                )
            )
            if spoke is None:
                known = db.session.scalars(
                    select(Organisation.code)
                    .where(Organisation.kind == OrganisationKind.SPOKE)
                    .order_by(Organisation.code)
                )
                problems.add(
                    f"unknown spoke {spoke_code!r}; known spokes: {', '.join(known) or 'none'}",
                    column="spoke",
                )
    elif spoke_code:
        problems.add("only spoke leads are bound to a spoke", column="spoke")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.add(
            f"the password must be at least {MIN_PASSWORD_LENGTH} characters", column="password"
        )
    if problems:
        raise DomainError("The user was not created", problems)
    user = User(email=email, name=(name or email).strip(), role=role_value, spoke=spoke)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(
    email: str,
    password: str,
    *,
    remote_addr: str | None = None,
    throttle: Throttle = Throttle(),
    now: datetime | None = None,
) -> User:
    """Return the user for a correct email and password, or raise ``SignInRefused``.

    After ``throttle.max_failures`` failures for one email address within ``throttle.window``
    every attempt is refused, right or wrong, until the window has passed.
    """
    now = now or utcnow()
    email = (email or "").strip().lower()
    recent_failures = (
        db.session.scalar(
            select(func.count(SignInAttempt.id)).where(
                SignInAttempt.email == email,
                SignInAttempt.succeeded.is_(False),
                SignInAttempt.attempted_at > now - throttle.window,
            )
        )
        or 0
    )
    if recent_failures >= throttle.max_failures:
        minutes = int(throttle.window.total_seconds() // 60)
        raise SignInRefused(
            f"Too many failed attempts to sign in. Wait {minutes} minutes and try again."
        )
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        # Check against a throwaway hash so an unknown email takes as long as a known one
        # and the timing does not tell which addresses have accounts.
        check_password_hash(_dummy_hash(), password or "")
        ok = False
    else:
        ok = user.active and user.check_password(password or "")
    db.session.add(
        SignInAttempt(email=email, remote_addr=remote_addr, attempted_at=now, succeeded=ok)
    )
    if user is None or not ok:
        db.session.commit()
        raise SignInRefused(GENERIC_SIGN_IN_FAILURE)
    user.last_signed_in_at = now
    db.session.commit()
    return user
