"""Awards: a Home Office grant for a year with its conditions, and the variations that change
allocations after the formula run is approved."""
