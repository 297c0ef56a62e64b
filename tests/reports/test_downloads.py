"""Downloads of the Home Office outputs go through the one permission check: a spoke lead gets
only their own spoke's delivery plan; consolidated outputs are for the roles that see every
recipient."""

from __future__ import annotations

import pytest

from demo.data import DEMO_PASSWORD
from tests.reports.helpers import pdf_pages, sheet_values

DOWNLOADS = (
    "/reports/2023-24/delivery-plan.pdf",
    "/reports/2023-24/delivery-plan.xlsx?spoke=bristol",
    "/reports/2023-24/quarterly-return-VRU-q4.xlsx",
    "/reports/2023-24/quarterly-return-SVD-q4.pdf",
    "/reports/2023-24/annual-summary.pdf",
    "/reports/2023-24/annual-summary.xlsx",
    "/reports/2023-24/360giving.json",
    "/reports/2023-24/360giving.csv",
)

EXPECTED = {
    # delivery plans, the Bristol plan, returns x2, summary x2, 360Giving x2
    "finance@asvrp.example": (200, 200, 200, 200, 200, 200, 200, 200),
    "hub@asvrp.example": (200, 200, 200, 200, 200, 200, 200, 200),
    "auditor@asvrp.example": (200, 200, 200, 200, 200, 200, 200, 200),
    "bristol@asvrp.example": (403, 200, 403, 403, 403, 403, 403, 403),
    "banes@asvrp.example": (403, 403, 403, 403, 403, 403, 403, 403),
    "panel@asvrp.example": (403, 403, 403, 403, 403, 403, 403, 403),
    "admin@asvrp.example": (403, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("email", list(EXPECTED))
def test_who_may_download_what(demo, client, sign_in, email):
    sign_in(email, DEMO_PASSWORD)

    answered = tuple(client.get(url).status_code for url in DOWNLOADS)

    assert answered == EXPECTED[email]


def test_downloads_are_the_documents(demo, client, sign_in):
    sign_in("finance@asvrp.example", DEMO_PASSWORD)

    xlsx = client.get("/reports/2023-24/annual-summary.xlsx")
    pdf = client.get("/reports/2023-24/quarterly-return-VRU-q4.pdf")

    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="annual-summary-2023-24.xlsx"' in xlsx.headers["Content-Disposition"]
    assert "Breakdown of spending" in sheet_values(xlsx.data)
    assert "Page 1 of" in pdf_pages(pdf.data)[0]


def test_a_draft_download_is_marked_draft(demo, client, sign_in):
    sign_in("finance@asvrp.example", DEMO_PASSWORD)

    response = client.get("/reports/2024-25/quarterly-return-VRU-q2.pdf")

    assert response.status_code == 200
    assert "-draft.pdf" in response.headers["Content-Disposition"]
    assert all("DRAFT" in text for text in pdf_pages(response.data))


@pytest.mark.parametrize(
    "url",
    [
        "/reports/1999-00/annual-summary.pdf",
        "/reports/2023-24/quarterly-return-XYZ-q1.pdf",
        "/reports/2023-24/quarterly-return-VRU-q7.pdf",
        "/reports/2023-24/delivery-plan.pdf?spoke=atlantis",
        "/reports/2023-24/annual-summary.docx",
    ],
)
def test_unknown_year_grant_quarter_spoke_or_format_is_not_found(demo, client, sign_in, url):
    sign_in("finance@asvrp.example", DEMO_PASSWORD)

    assert client.get(url).status_code == 404


def test_the_outputs_page_offers_each_role_what_it_may_download(demo, client, sign_in):
    sign_in("bristol@asvrp.example", DEMO_PASSWORD)
    spoke_page = client.get("/reports/?year=2023-24").get_data(as_text=True)
    client.post("/sign-out")
    sign_in("finance@asvrp.example", DEMO_PASSWORD)
    finance_page = client.get("/reports/?year=2023-24").get_data(as_text=True)

    assert "spoke=bristol" in spoke_page and "quarterly-return" not in spoke_page
    assert "quarterly-return-VRU-q4.xlsx" in finance_page
    assert "360giving.json" in finance_page
