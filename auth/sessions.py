"""Sessions that end: on sign-out, on deactivation, and after a spell without activity.

A session cookie names ``"user id:session version"`` (see ``User.get_id``); moving the user's
version on (``User.end_sessions``) ends every session of theirs, this one and any copy of its
cookie. Sign-out does that, so it ends the person's sessions in other browsers too (said in
SECURITY.md). The idle timeout keeps the time of the last request in the (signed) session: a
session not used for ``IDLE_MINUTES`` is signed out at its next request, and since the time is
in the signed cookie an old copy of the cookie stays idle.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app, flash, request, session
from flask_login import current_user, logout_user

LAST_ACTIVE = "last_active"
# Requests that are not the person doing anything: they neither refresh nor end a session.
PASSIVE_ENDPOINTS = frozenset({"static", "health.healthz"})


def is_idle(last_active: float | None, now: float, idle: timedelta) -> bool:
    """Whether a session last used at ``last_active`` (seconds since the epoch) has been idle
    longer than ``idle`` at ``now``; a session with no time recorded is idle.

    >>> is_idle(1000.0, 1000.0 + 30 * 60, timedelta(minutes=30))
    False
    >>> is_idle(1000.0, 1001.0 + 30 * 60, timedelta(minutes=30))
    True
    """
    if last_active is None:
        return True
    return now - last_active > idle.total_seconds()


def end_idle_session(now: float | None = None) -> None:
    """Before each request: sign out a session idle too long, else note this request's time."""
    if request.endpoint in PASSIVE_ENDPOINTS or not current_user.is_authenticated:
        return
    now = time.time() if now is None else now
    minutes = current_app.config["IDLE_MINUTES"]
    idle = timedelta(minutes=minutes)
    last_active = session.get(LAST_ACTIVE)
    if is_idle(float(last_active) if isinstance(last_active, int | float) else None, now, idle):
        logout_user()
        session.pop(LAST_ACTIVE, None)
        flash(f"You were signed out after {minutes} minutes without activity")
        return
    session[LAST_ACTIVE] = int(now)


def start_session() -> None:
    """Call on sign-in: the idle clock starts now."""
    session[LAST_ACTIVE] = int(time.time())


def register_session_rules(app: Flask) -> None:
    app.before_request(end_idle_session)
