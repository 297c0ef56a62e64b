"""Bad input on the remaining forms: a clear message naming the field, nothing stored."""

from __future__ import annotations

from sqlalchemy import func, select

from auth.roles import Role
from commissioning.interventions.models import Intervention
from commissioning.providers.models import Provider
from extensions import db
from tests.builders import make_spokes, make_user


def test_a_provider_needs_a_name_and_a_well_formed_identifier(client, sign_in):
    sign_in(make_user(role=Role.FINANCE))

    response = client.post(
        "/commissioning/providers/new",
        data={"name": "", "legal_status": "charity", "org_identifier": "charity 123"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#name"' in html and "Enter the provider&#39;s name" in html
    assert 'href="#org_identifier"' in html and "GB-CHC-1234567" in html
    assert db.session.scalar(select(func.count(Provider.id))) == 0


def test_an_intervention_needs_its_type_level_and_spokes(client, sign_in):
    make_spokes()
    sign_in(make_user(role=Role.HUB))

    response = client.post(
        "/commissioning/interventions/new",
        data={"name": "Mentoring", "financial_year": "2024-25", "annual_cost": "12.345"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("intervention_type", "level", "spokes", "annual_cost"):
        assert f'href="#{field}' in html, field
    assert db.session.scalar(select(func.count(Intervention.id))) == 0
