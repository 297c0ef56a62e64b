"""Sign in, sign out, and user administration pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from auth.forms import CreateUserForm, SignInForm
from auth.models import User
from auth.permissions import permission_required, public
from auth.roles import Permission
from auth.services import SignInRefused, Throttle, authenticate, create_user
from core.problems import DomainError
from extensions import db
from reference.queries import list_spokes

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    refusal = None
    if form.validate_on_submit():
        throttle = Throttle(
            max_failures=current_app.config["SIGN_IN_MAX_FAILURES"],
            window=timedelta(minutes=current_app.config["SIGN_IN_LOCKOUT_MINUTES"]),
        )
        try:
            user = authenticate(
                form.email.data,
                form.password.data,
                remote_addr=request.remote_addr,
                throttle=throttle,
            )
        except SignInRefused as refused:
            refusal = refused.message
        else:
            login_user(user)
            flash(f"Signed in as {user.name}")
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if refusal is None else 401
    return render_template("auth/sign_in.html", form=form, refusal=refusal), status


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    logout_user()
    flash("You have signed out")
    return redirect(url_for("auth.sign_in"))


@bp.route("/admin/users")
@permission_required(Permission.VIEW_USERS)
def user_list():
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("auth/user_list.html", users=users)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def user_new():
    form = CreateUserForm()
    form.spoke.choices = [("", "Not a spoke lead")] + [(s.code, s.name) for s in list_spokes()]
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                spoke_code=form.spoke.data or None,
            )
        except DomainError as error:
            db.session.rollback()
            for problem in error.problems:
                field = getattr(form, problem.column or "", None)
                target = field if field is not None else form.email
                target.errors = [*target.errors, problem.message[:1].upper() + problem.message[1:]]
        else:
            flash(f"Created {user.email} ({user.role.label})")
            return redirect(url_for("auth.user_list"))
    return render_template("auth/user_new.html", form=form)
