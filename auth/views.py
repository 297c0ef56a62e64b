"""Sign in, sign out, and user administration pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from auth import services
from auth.forms import (
    ChangePasswordForm,
    ChangeUserForm,
    CreateUserForm,
    DeactivateUserForm,
    ReactivateUserForm,
    SignInForm,
    TemporaryPasswordForm,
)
from auth.models import User
from auth.permissions import permission_required, public
from auth.roles import Permission
from auth.services import SignInRefused, Throttle, authenticate, create_user
from auth.sessions import start_session
from extensions import db
from reference.queries import list_spokes
from web.forms import render_form, submit

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
            start_session()
            if user.must_change_password:
                flash("Choose your own password to carry on: yours was set for you")
                return redirect(url_for("auth.change_password"))
            flash(f"Signed in as {user.name}")
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if refusal is None else 401
    return render_template("auth/sign_in.html", form=form, refusal=refusal), status


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        # Ends every session of this person's, so a copy of this session's cookie is no use.
        services.end_sessions(current_user._get_current_object())
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
    submitted = submit(
        form,
        lambda: create_user(
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            spoke_code=form.spoke.data or None,
            temporary=True,
        ),
    )
    if submitted.saved:
        user = submitted.result
        flash(f"Created {user.email} ({user.role.label})")
        return redirect(url_for("auth.user_list"))
    return render_form("auth/user_new.html", form, submitted)


@bp.route("/admin/users/<int:user_id>")
@permission_required(Permission.VIEW_USERS)
def user_detail(user_id: int):
    """One account: who, what they may do, when they last signed in; and for administrators,
    the forms that change it (each posts to its own action)."""
    user = db.get_or_404(User, user_id)
    return _render_user(user, 200)


@bp.route("/admin/users/<int:user_id>/change", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
def user_change(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _change_form(user)
    return _act(
        user,
        form,
        "change",
        lambda: services.change_user(
            user.id,
            role=form.role.data,
            spoke_code=form.spoke.data or None,
            name=form.name.data,
            by=current_user,
        ),
        f"Saved the changes to {user.email}",
    )


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
def user_deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    form = DeactivateUserForm(prefix="deactivate")
    return _act(
        user,
        form,
        "deactivate",
        lambda: services.deactivate_user(user.id, reason=form.reason.data, by=current_user),
        f"Deactivated {user.email}: they cannot sign in, and their sessions have ended",
    )


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
def user_reactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ReactivateUserForm(prefix="reactivate")
    return _act(
        user,
        form,
        "reactivate",
        lambda: services.reactivate_user(user.id, by=current_user),
        f"Reactivated {user.email}",
    )


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
def user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = TemporaryPasswordForm(prefix="password")
    return _act(
        user,
        form,
        "password",
        lambda: services.set_temporary_password(user.id, form.password.data, by=current_user),
        f"Set a temporary password for {user.email}; they must change it when they next sign in",
    )


@bp.route("/account/password", methods=["GET", "POST"])
@permission_required(Permission.VIEW_HOME)
def change_password():
    form = ChangePasswordForm()

    def change() -> User:
        return services.change_own_password(
            current_user,
            current=form.current_password.data,
            new=form.new_password.data,
            confirm=form.confirm_password.data,
        )

    submitted = submit(form, change)
    if submitted.saved:
        login_user(submitted.result)  # this session carries on; every other one has ended
        flash("Your password is changed; you were signed out everywhere else")
        return redirect(url_for("home.index"))
    return render_form("auth/change_password.html", form, submitted)


def _change_form(user: User) -> ChangeUserForm:
    form = ChangeUserForm(
        prefix="change",
        data={
            "name": user.name,
            "role": user.role.value,
            "spoke": user.spoke.code if user.spoke else "",
        },
    )
    form.spoke.choices = [("", "Not a spoke lead")] + [(s.code, s.name) for s in list_spokes()]
    return form


def _act(user: User, form, name: str, action, done: str):  # type: ignore[no-untyped-def]
    submitted = submit(form, action)
    if submitted.saved:
        flash(done)
        return redirect(url_for("auth.user_detail", user_id=user.id))
    return _render_user(
        user, 400, **{f"{name}_form": form}, form=form, summary_problems=submitted.summary_problems
    )


def _render_user(user: User, status: int, **forms):  # type: ignore[no-untyped-def]
    forms.setdefault("change_form", _change_form(user))
    forms.setdefault("deactivate_form", DeactivateUserForm(prefix="deactivate"))
    forms.setdefault("reactivate_form", ReactivateUserForm(prefix="reactivate"))
    forms.setdefault("password_form", TemporaryPasswordForm(prefix="password"))
    return render_template("auth/user_detail.html", user=user, **forms), status
