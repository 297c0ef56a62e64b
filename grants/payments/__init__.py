"""Payments: each payment made to a recipient against its grant agreement's schedule, and where
every pound stands (allocated, claimed, paid, spent, remaining) per recipient and grant."""
