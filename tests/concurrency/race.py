"""Two people at once, for real: each attempt runs in its own thread, with its own app (so its
own engine, database connection and transaction) and its own app context, and the attempts meet
at a barrier after their reads so that both write while both transactions are open.

Where an attempt can do its reads itself (load the record and the version its form showed), it
calls ``race.meet()`` between reading and writing. Where the reads and the writes are inside one
service call (a payment's checks), ``race.meeting_before(function)`` is patched into the service
at the point between them, and each attempt waits there once. For example::

    race = Race(database_url)
    winner, loser = one_winner(race.run(lambda: save("A"), lambda: save("B")))
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from audit.models import AuditAction, AuditEvent
from extensions import db
from tests.builders import make_app

TIMEOUT_SECONDS = 30  # a deadlock or a lost thread fails the test instead of hanging it


@dataclass
class Outcome:
    """What one attempt returned, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


class Race:
    def __init__(self, database_url: str, parties: int = 2) -> None:
        self.database_url = database_url
        self.parties = parties
        self._barrier = threading.Barrier(parties, timeout=TIMEOUT_SECONDS)
        self._met = threading.local()
        self._audit_before = 0

    def meet(self) -> None:
        """Wait here until every attempt has got here (each attempt meets once)."""
        if getattr(self._met, "done", False):
            return
        self._met.done = True
        self._barrier.wait()

    def meeting_before(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, but each attempt first meets the others (the first time it calls it)."""

        @wraps(function)
        def met_first(*args: Any, **kwargs: Any) -> Any:
            self.meet()
            return function(*args, **kwargs)

        return met_first

    def run(self, *attempts: Callable[[], Any]) -> list[Outcome]:
        """Run the attempts at once, one thread each inside its own app's context, and return
        their outcomes in order."""
        return self._run(attempts, self._in_app_context)

    def run_on_pages(self, *attempts: Callable[[FlaskClient], Any]) -> list[Outcome]:
        """As ``run``, but each attempt is given a test client of its own app: a person in a
        browser of their own (each request has its own app context, session and transaction)."""
        return self._run(attempts, self._with_client)

    def _run(
        self, attempts: tuple[Callable[..., Any], ...], target: Callable[..., Any]
    ) -> list[Outcome]:
        if len(attempts) != self.parties:
            raise ValueError(f"{len(attempts)} attempts for a race of {self.parties}")
        # The test's own session may hold a transaction open from its set-up: end it, and read
        # afresh afterwards.
        db.session.rollback()
        self._audit_before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        outcomes = [Outcome() for _ in attempts]
        with ExitStack() as stack:
            # Apps are made here, one after the other: create_app is not made to run in threads.
            apps = [stack.enter_context(make_app(self.database_url)) for _ in attempts]
            threads = [
                threading.Thread(
                    target=self._record, args=(target, app, attempt, outcome), daemon=True
                )
                for app, attempt, outcome in zip(apps, attempts, outcomes, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(TIMEOUT_SECONDS * 2)
            stuck = [thread.name for thread in threads if thread.is_alive()]
            if stuck:
                raise AssertionError(f"attempts still running after the timeout: {stuck}")
        db.session.expire_all()
        return outcomes

    def audited_updates(self, table_name: str, record_id: int) -> list[AuditEvent]:
        """The audit log's updates of one record made during the race, oldest first."""
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.id > self._audit_before,
                    AuditEvent.table_name == table_name,
                    AuditEvent.record_id == str(record_id),
                    AuditEvent.action == AuditAction.UPDATE,
                )
                .order_by(AuditEvent.id)
            )
        )

    def _record(
        self, target: Callable[..., Any], app: Flask, attempt: Callable[..., Any], outcome: Outcome
    ) -> None:
        try:
            outcome.value = target(app, attempt)
        except BaseException as error:  # reported through the outcome, to the test
            outcome.error = error
            self._barrier.abort()  # never leave the other attempt waiting for this one

    @staticmethod
    def _in_app_context(app: Flask, attempt: Callable[[], Any]) -> Any:
        with app.app_context():
            try:
                return attempt()
            finally:
                db.session.remove()

    @staticmethod
    def _with_client(app: Flask, attempt: Callable[[FlaskClient], Any]) -> Any:
        return attempt(app.test_client())


def one_winner(outcomes: list[Outcome]) -> tuple[Outcome, Outcome]:
    """The one attempt that succeeded and the one that was refused; fails unless exactly so."""
    won = [o for o in outcomes if o.error is None]
    lost = [o for o in outcomes if o.error is not None]
    assert len(won) == 1 and len(lost) == 1, f"expected one winner and one loser: {outcomes}"
    return won[0], lost[0]
