"""Commissioning: gaps."""
