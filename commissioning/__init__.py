"""Commissioning: providers, rounds (bids, the panel, decisions, contracts), the interventions
register with its reach, and the gap map. One folder per capability, as in ``grants/``."""
