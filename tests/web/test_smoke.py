from tests.builders import make_spokes, make_user


def test_finance_sees_landing_page(client, sign_in):
    make_spokes()
    user = make_user(role="finance")
    sign_in(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "South Gloucestershire" in response.get_data(as_text=True)
