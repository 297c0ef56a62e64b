"""``vrp users``: manage accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import g
from flask.cli import with_appcontext
from sqlalchemy import select

from auth.models import User
from auth.roles import Role
from auth.services import create_user
from core.problems import DomainError
from extensions import db


@click.group("users", help="Create and list user accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(r.value for r in Role)}.")
@click.option("--spoke", "spoke_code", help="The spoke code, for spoke leads (e.g. bristol).")
@click.option("--name", help="Full name (defaults to the email address).")
@with_appcontext
def create_command(email: str, role: str, spoke_code: str | None, name: str | None) -> None:
    """Create a user. The password is read from a prompt, or from standard input when piped;
    it is never a command-line argument (arguments end up in shell history)."""
    g.cli_actor = "cli:users create"
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(
            email=email, name=name or email, role=role, password=password, spoke_code=spoke_code
        )
    except DomainError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"Error: {problem.column}: {problem.message}", err=True)
        raise SystemExit(1) from None
    scope = f" for {user.spoke.name}" if user.spoke else ""
    click.echo(f"Created {user.email} ({user.role.label}{scope})")


@users_cli.command("list")
@with_appcontext
def list_command() -> None:
    """List user accounts with their roles."""
    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        spoke = f" [{user.spoke.code}]" if user.spoke else ""
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.email:40} {user.role.value:8}{spoke}{state}")
