"""The command line acts as someone: ``--as EMAIL`` on every import (and any approval).

A command given ``--as`` runs with that person's account: it must be active and hold the
permission the same action needs on the web, the audit log records it as the actor (its id and
email, prefixed ``cli:`` so the log shows where it came from), and services receive it as the
``user`` whose scope they check (a spoke lead may import only their own spoke's return). Without
``--as`` the command refuses, saying so: nothing on the command line is done by nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import g
from sqlalchemy import func, select

from auth.models import User
from auth.roles import Permission
from extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def as_option(view: F) -> F:
    """``--as EMAIL``: required; the command refuses without it (click says which option)."""
    return click.option(
        "--as",
        "as_email",
        required=True,
        metavar="EMAIL",
        help="The account this is done as (it must be active and allowed to do it); recorded "
        "as the actor in the audit log.",
    )(view)


def acting_user(email: str, permission: Permission, what: str) -> User:
    """The active account ``email`` allowed ``permission``, now the actor of this command; or a
    one-line refusal (exit status 1) naming why."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"--as {email}: there is no account with that email")
    if not user.active:
        raise click.ClickException(f"--as {email}: the account is deactivated")
    if not user.can(permission):
        raise click.ClickException(f"--as {email}: a {user.role.label} may not {what}")
    g.cli_user = user
    return user
