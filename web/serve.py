"""``vrp serve``: the production server (gunicorn) with several worker processes.

Settings come from the environment as for every command (``SECRET_KEY``, ``DATABASE_URL``); they
are checked before any worker starts, so a bad one is one clear line and a non-zero exit. Access
and error logs go to standard output and standard error, for the service manager to collect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, with_appcontext
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.factory()  # one app per worker: no database connection crosses a fork


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 behind a reverse proxy on another host).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes; about two per core.",
)
@click.option(
    "--timeout",
    default=60,
    show_default=True,
    type=click.IntRange(5, 3600),
    help="Seconds before a stuck worker is restarted.",
)
@with_appcontext
def serve_command(host: str, port: int, workers: int, timeout: int) -> None:
    """Serve the app with gunicorn, for production."""
    factory = click.get_current_context().ensure_object(ScriptInfo).create_app
    if factory is None:
        raise click.ClickException("vrp serve needs the app factory: run it as `vrp serve`")
    _Server(
        factory,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "timeout": timeout,
            "accesslog": "-",
            "errorlog": "-",
            "forwarded_allow_ips": "127.0.0.1",
            "proc_name": "vrp",
        },
    ).run()
