"""``vrp users``: manage accounts from the command line, for their whole life.

Passwords are read from a prompt, or from standard input when piped; never from an argument
(arguments end up in shell history and process lists).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from flask import g
from flask.cli import with_appcontext
from sqlalchemy import select

from auth import services
from auth.models import User
from auth.roles import Role
from core.problems import DomainError
from extensions import db
from web.templating import format_timestamp


@click.group("users", help="Create, change, deactivate and list user accounts.")
def users_cli() -> None:
    pass


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


def _run(action: str, work: Callable[[], Any]) -> Any:
    g.cli_actor = f"cli:users {action}"
    try:
        return work()
    except DomainError as error:
        db.session.rollback()
        if not error.problems:
            click.echo(f"Error: {error.message}", err=True)
        for problem in error.problems:
            hint = OPTION_HINTS.get(problem.column or "", "")
            click.echo(f"Error: {problem.column}: {problem.message}{hint}", err=True)
        raise SystemExit(1) from None


# The service names the field; the command line says which of its options sets it.
OPTION_HINTS = {"spoke": " (--spoke CODE)"}


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(r.value for r in Role)}.")
@click.option("--spoke", "spoke_code", help="The spoke code, for spoke leads (e.g. bristol).")
@click.option("--name", help="Full name (defaults to the email address).")
@click.option(
    "--temporary",
    is_flag=True,
    help="The person must choose their own password when they first sign in.",
)
@with_appcontext
def create_command(
    email: str, role: str, spoke_code: str | None, name: str | None, temporary: bool
) -> None:
    """Create an account."""
    password = _read_password("Password")
    user = _run(
        "create",
        lambda: services.create_user(
            email=email,
            name=name or email,
            role=role,
            password=password,
            spoke_code=spoke_code,
            temporary=temporary,
        ),
    )
    scope = f" for {user.spoke.name}" if user.spoke else ""
    click.echo(f"Created {user.email} ({user.role.label}{scope})")


@users_cli.command("list")
@with_appcontext
def list_command() -> None:
    """List accounts: role, spoke, status and when each last signed in."""
    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        spoke = f" [{user.spoke.code}]" if user.spoke else ""
        state = "" if user.active else " (deactivated)"
        last = format_timestamp(user.last_signed_in_at) if user.last_signed_in_at else "never"
        click.echo(f"{user.email:40} {user.role.value:8}{spoke}{state}  last signed in: {last}")


@users_cli.command("change")
@click.argument("email")
@click.option("--role", help=f"New role: {', '.join(r.value for r in Role)}.")
@click.option("--spoke", "spoke_code", help="New spoke (spoke leads only).")
@click.option("--name", help="New full name.")
@with_appcontext
def change_command(email: str, role: str | None, spoke_code: str | None, name: str | None) -> None:
    """Change someone's role, spoke or name."""

    def work() -> User:
        user = services.find_user(email)
        new_role = role or user.role.value
        spoke = (
            spoke_code
            if spoke_code is not None
            else (user.spoke.code if user.spoke and new_role == Role.SPOKE.value else None)
        )
        return services.change_user(user.id, role=new_role, spoke_code=spoke, name=name, by=None)

    user = _run("change", work)
    scope = f" for {user.spoke.name}" if user.spoke else ""
    click.echo(f"Changed {user.email}: {user.role.label}{scope}")


@users_cli.command("deactivate")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@with_appcontext
def deactivate_command(email: str, reason: str) -> None:
    """Stop someone signing in; their sessions end at once. Nothing is deleted."""
    user = _run(
        "deactivate",
        lambda: services.deactivate_user(services.find_user(email).id, reason=reason, by=None),
    )
    click.echo(f"Deactivated {user.email}; their sessions have ended")


@users_cli.command("reactivate")
@click.argument("email")
@with_appcontext
def reactivate_command(email: str) -> None:
    """Let a deactivated account sign in again."""
    user = _run(
        "reactivate", lambda: services.reactivate_user(services.find_user(email).id, by=None)
    )
    click.echo(f"Reactivated {user.email}")


@users_cli.command("reset-password")
@click.argument("email")
@with_appcontext
def reset_password_command(email: str) -> None:
    """Set a temporary password, which the person must change when they next sign in."""
    user = _run("reset-password", lambda: services.find_user(email))
    password = _read_password("Temporary password")
    _run("reset-password", lambda: services.set_temporary_password(user.id, password, by=None))
    click.echo(
        f"Set a temporary password for {user.email}; they must change it when they "
        "next sign in, and their sessions have ended"
    )
