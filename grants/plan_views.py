"""Delivery plans: spokes and the Hub fill them in, finance reviews."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__)
