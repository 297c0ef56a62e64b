"""``database.Money`` keeps pounds and pence exactly on SQLite and PostgreSQL alike.

A throwaway table with its own MetaData (so the models and migrations never see it) is created on
the test database for each test and dropped afterwards.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from core.money import MoneyError
from database import Money
from extensions import db

metadata = MetaData()
amounts = Table(
    "test_money_amounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("amount", Money, nullable=True),
)


@pytest.fixture
def amounts_table(app):
    db.session.remove()
    metadata.create_all(db.engine)
    yield amounts
    db.session.remove()
    metadata.drop_all(db.engine)


def store(value) -> int:
    with db.engine.begin() as connection:
        return connection.execute(insert(amounts).values(amount=value)).inserted_primary_key[0]


def load(row_id: int) -> Decimal | None:
    with db.engine.connect() as connection:
        return connection.execute(
            select(amounts.c.amount).where(amounts.c.id == row_id)
        ).scalar_one()


def stored_pence(row_id: int) -> int:
    with db.engine.connect() as connection:
        return connection.execute(
            text("SELECT amount FROM test_money_amounts WHERE id = :id"), {"id": row_id}
        ).scalar_one()


# amount as written, and the integer pence the database holds
ROUND_TRIPS = (
    ("0.01", 1),
    ("0.00", 0),
    ("1528667.00", 152866700),
    ("157181.26", 15718126),
    ("99999999999.99", 9999999999999),
    ("-5702.48", -570248),
    ("-0.01", -1),
    ("-99999999999.99", -9999999999999),
)


def test_money_round_trips_exactly(amounts_table):
    ids = {amount: store(Decimal(amount)) for amount, _ in ROUND_TRIPS}

    for amount, pence in ROUND_TRIPS:
        loaded = load(ids[amount])
        assert isinstance(loaded, Decimal)
        assert str(loaded) == amount  # same value and always two places
        assert stored_pence(ids[amount]) == pence  # integer pence underneath, on both databases


def test_money_is_normalised_to_two_places(amounts_table):
    assert str(load(store(Decimal("7.5")))) == "7.50"
    assert str(load(store(Decimal("1E+2")))) == "100.00"


def test_money_keeps_null(amounts_table):
    assert load(store(None)) is None


def test_a_sum_of_stored_amounts_is_exact(amounts_table):
    # 0.10 + 0.20 is 0.30 here, not 0.30000000000000004.
    for value in ("0.10", "0.20"):
        store(Decimal(value))
    with db.engine.connect() as connection:
        pence = connection.execute(text("SELECT SUM(amount) FROM test_money_amounts")).scalar_one()

    assert pence == 30


REFUSED = (
    (1.5, "must be a Decimal"),
    (0.1, "must be a Decimal"),
    (1, "must be a Decimal"),
    ("1.00", "must be a Decimal"),
    (Decimal("1.005"), "more than two decimal places"),
    (Decimal("0.001"), "more than two decimal places"),
    (Decimal("NaN"), "finite"),
)


def test_money_refuses_to_bind_what_is_not_an_exact_amount(amounts_table):
    for value, message in REFUSED:
        with pytest.raises(StatementError, match=message) as caught:
            store(value)
        assert isinstance(caught.value.orig, MoneyError), value

    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM test_money_amounts")).scalar_one() == 0
