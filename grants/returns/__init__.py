"""Quarterly returns: spend per plan line, match funding and reach; the spreadsheet template and
its import; the year's figures and forecast underspend; year-end close."""
