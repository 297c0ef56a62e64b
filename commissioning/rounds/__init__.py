"""Commissioning: rounds."""
