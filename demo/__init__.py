"""The Avon and Somerset demonstration data (figures from the 2023/24 annual report and the 2021
needs assessment; where a figure is not published it is labelled illustrative)."""
