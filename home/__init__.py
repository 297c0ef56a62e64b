"""The landing page: what each role needs first, for the current financial year."""
