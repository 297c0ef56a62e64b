"""Account use cases for the whole life of an account: create, sign in with throttling, change
role or spoke, deactivate and reactivate, temporary passwords, changing one's own password.

Rules, decided here:
- A password is at least ``MIN_PASSWORD_LENGTH`` characters, is not one of the 30,000 most common
  passwords, and is not easy to guess (zxcvbn scores it 3 or more of 4, knowing the person's
  name and email).
- A temporary password (set by an administrator) must be changed at the next sign-in: until it
  is, every page leads to the change-password page.
- Deactivating an account ends its sessions at once (the session carries the user's
  ``session_version``, which moves on) and it cannot sign in; nothing of it is deleted. The last
  active administrator cannot be deactivated or given another role.
- A new password ends every other session of the account.
Services own the transaction: they commit on success and leave nothing behind on failure. Every
change is audited (``User`` is audited; the password hash never appears in the log).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import FloatOperation, localcontext
from functools import lru_cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from audit.listeners import set_reason
from auth.models import SignInAttempt, User
from auth.roles import Role
from core.problems import DomainError, Problem, Problems
from database import utcnow
from extensions import db
from reference.models import Organisation, OrganisationKind

MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3  # zxcvbn: 0 (too guessable) to 4 (very unguessable)


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
    temporary: bool = False,
) -> User:
    """Create an account; ``temporary`` makes the person choose their own password at their
    first sign-in."""
    problems = Problems()
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email):
        problems.add(f"{email!r} is not an email address", column="email")
    elif db.session.scalar(select(User.id).where(User.email == email)) is not None:
        problems.add(f"a user with email {email} already exists", column="email")
    role_value, spoke = _role_and_spoke(role, spoke_code, problems)
    for message in password_problems(password, email=email, name=name):
        problems.add(message, column="password")
    if problems:
        raise DomainError("The user was not created", problems)
    user = User(email=email, name=(name or email).strip(), role=role_value, spoke=spoke)
    user.set_password(password)
    user.must_change_password = temporary
    db.session.add(user)
    db.session.commit()
    return user


def _role_and_spoke(
    role: str | None, spoke_code: str | None, problems: Problems
) -> tuple[Role | None, Organisation | None]:
    try:
        role_value = Role(role)
    except ValueError:
        problems.add(
            f"unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}",
            column="role",
        )
        return None, None
    spoke = None
    if role_value is Role.SPOKE:
        if not spoke_code:
            problems.add("choose the spoke this spoke lead works for", column="spoke")
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
    return role_value, spoke


def password_problems(password: str | None, *, email: str = "", name: str = "") -> list[str]:
    """Why a password is too weak, in words a person can act on; empty when it will do."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"the password must be at least {MIN_PASSWORD_LENGTH} characters"]
    if password.lower() in _common_passwords():
        return ["this is one of the most common passwords: choose another"]
    with localcontext() as context:
        # zxcvbn mixes floats with Decimals in its own estimates (never money): let it.
        context.traps[FloatOperation] = False
        result = zxcvbn(password[:100], user_inputs=[email, name, *email.split("@"), "vrp"])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return []
    hint = result["feedback"].get("warning") or "it would be easy to guess"
    advice = " ".join(result["feedback"].get("suggestions") or ["Use a few unrelated words."])
    return [f"the password is too easy to guess ({hint.rstrip('.')}). {advice}"]


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def change_user(
    user_id: int, *, role: str, spoke_code: str | None, name: str | None, by: User | None
) -> User:
    """Change someone's role, spoke or name."""
    user = _user(user_id)
    problems = Problems()
    role_value, spoke = _role_and_spoke(role, spoke_code, problems)
    name = (name or "").strip() or user.name
    if len(name) > 200:
        problems.add("the name must be 200 characters or fewer", column="name")
    if role_value is not Role.ADMIN and user.role is Role.ADMIN and _is_last_admin(user):
        problems.add(
            "this is the only active administrator: make someone else an administrator first",
            column="role",
        )
    if problems or role_value is None:
        raise DomainError("The account was not changed", problems)
    user.role, user.spoke, user.name = role_value, spoke, name
    set_reason(db.session, f"account changed by {_who(by)}")
    db.session.commit()
    return user


def deactivate_user(user_id: int, *, reason: str | None, by: User | None) -> User:
    """Stop someone signing in, and end the sessions they have now."""
    user = _user(user_id)
    problems = Problems()
    if not (reason or "").strip():
        problems.add("enter why the account is being deactivated", column="reason")
    if user.role is Role.ADMIN and _is_last_admin(user):
        problems.add(
            "this is the only active administrator and cannot be deactivated", column="reason"
        )
    if by is not None and by.id == user.id:
        problems.add("you cannot deactivate your own account", column="reason")
    if problems:
        raise DomainError("The account was not deactivated", problems)
    user.active = False
    user.end_sessions()
    set_reason(db.session, f"deactivated by {_who(by)}: {(reason or '').strip()}")
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Sign out: end the person's sessions, in this browser and in any other."""
    user.end_sessions()
    db.session.commit()


def reactivate_user(user_id: int, *, by: User | None) -> User:
    user = _user(user_id)
    user.active = True
    set_reason(db.session, f"reactivated by {_who(by)}")
    db.session.commit()
    return user


def set_temporary_password(user_id: int, password: str | None, *, by: User | None) -> User:
    """An administrator sets a password the person must change when they next sign in."""
    user = _user(user_id)
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise DomainError(
            "The password was not set", [Problem(m, column="password") for m in problems]
        )
    user.set_password(password or "")
    user.must_change_password = True
    user.end_sessions()
    set_reason(db.session, f"temporary password set by {_who(by)}")
    db.session.commit()
    return user


def change_own_password(
    user: User, *, current: str | None, new: str | None, confirm: str | None
) -> User:
    """Someone changes their own password; every other session of theirs ends."""
    problems = Problems()
    if not user.check_password(current or ""):
        problems.add("your current password is not right", column="current_password")
    for message in password_problems(new, email=user.email, name=user.name):
        problems.add(message, column="new_password")
    if new and current and new == current:
        problems.add("the new password must differ from the current one", column="new_password")
    if (new or "") != (confirm or ""):
        problems.add("the two new passwords do not match", column="confirm_password")
    if problems:
        raise DomainError("Your password was not changed", problems)
    user.set_password(new or "")
    user.must_change_password = False
    user.end_sessions()
    set_reason(db.session, "changed their own password")
    db.session.commit()
    return user


def find_user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise DomainError(
            f"There is no account for {email}",
            [Problem(f"no account for {email!r}", column="email")],
        )
    return user


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError("There is no such account", [Problem("no such account", column="user")])
    return user


def _is_last_admin(user: User) -> bool:
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
        )
    )
    return user.active and not others


def _who(user: User | None) -> str:
    return user.email if user is not None else "the command line"


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
