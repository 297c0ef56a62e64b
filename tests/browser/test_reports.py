"""Finance downloads a quarter's Home Office spend return from the outputs page in a real
browser; the file is the workbook with the quarter's totals. The page has no serious or
critical accessibility violations (axe)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page
from python_calamine import CalamineWorkbook

from demo.data import DEMO_PASSWORD
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_finance_downloads_a_quarterly_return(app, demo, live_server: str, page: Page):
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("finance@asvrp.example")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Home Office outputs"
    ).click()
    page.get_by_label("Financial year").select_option("2023-24")
    page.get_by_role("button", name="Show").click()
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX Violence Reduction Unit grant quarter 4").click()
    download = download_info.value

    assert download.suggested_filename == "quarterly-return-VRU-2023-24-q4.xlsx"
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(download.path().read_bytes()))
    rows = workbook.get_sheet_by_name("Finance by category").to_python()
    total = next(row for row in rows if row and row[0] == "Total")
    assert f"{total[1]:.2f}" == "1528667.00"
