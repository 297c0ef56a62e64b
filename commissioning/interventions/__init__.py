"""Commissioning: interventions."""
