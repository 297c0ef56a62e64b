"""Grant awards, allocation variations, grant agreements and year-end close (finance)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("awards", __name__)
