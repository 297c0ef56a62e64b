"""Allocations: the funding formula in the database and on the web.

Formula versions (the TOML text, never edited: a change is a new version), indicator datasets
(versioned, with source and "as of" per value), runs (formula version + dataset + pot + previous
year, with the full explained result), scenario comparison, and approval, which turns one run
into the year's allocations for its grant. The arithmetic itself lives in the pure ``formulas``
package; this package stores, checks permission-free rules and shows.
"""
