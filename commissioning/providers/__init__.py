"""Commissioning: providers."""
