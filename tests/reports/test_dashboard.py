"""Each role's home page shows its figures for the current year, linked to the records behind
them: finance and the Hub every recipient, a spoke lead their own position, the panel its
rounds (and no grant figures)."""

from __future__ import annotations

import re

from demo.data import DEMO_PASSWORD


def home(client, sign_in, email: str) -> str:
    sign_in(email, DEMO_PASSWORD)
    return client.get("/").get_data(as_text=True)


def test_finance_sees_every_recipient_with_a_chart_and_links(demo, client, sign_in):
    page = home(client, sign_in, "finance@asvrp.example")

    assert 'data-testid="dashboard"' in page
    position = page[page.index('data-testid="dashboard-position"') :]
    position = position[: position.index("</table>")]
    for name in ("Avon and Somerset VRP Hub", "Bristol", "Somerset", "South Gloucestershire"):
        assert f">{name}</a>" in position
    assert "<svg" in page and "Allocation against spend to date" in page
    assert "/returns/underspend?year=" in position
    returns = page[page.index('data-testid="dashboard-returns"') :]
    assert re.search(r"Q2</th>\s*<td[^>]*><a [^>]*>[^<]*draft", returns)


def test_a_spoke_lead_sees_their_own_position(demo, client, sign_in):
    page = home(client, sign_in, "bristol@asvrp.example")

    assert "Your position" in page
    position = page[page.index('data-testid="dashboard-position"') :]
    position = position[: position.index("</table>")]
    assert ">Bristol</a>" in position
    assert "South Gloucestershire" not in position and "VRP Hub" not in position


def test_the_panel_sees_its_rounds_and_no_grant_figures(demo, client, sign_in):
    page = home(client, sign_in, "panel@asvrp.example")

    assert 'data-testid="dashboard"' not in page
    assert 'data-testid="panel-work"' in page
