"""Quarterly returns: spend, match funding and reach; spokes submit, finance reviews."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("returns", __name__)
