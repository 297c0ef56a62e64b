"""360Giving."""
