"""Browser fixtures: the app served on a free local port, and Debian's chromium through Playwright.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (installed by
``make test`` when missing) with the flags this machine needs as root and offline.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from tests.postgres_server import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _read_whole(app: Flask) -> WSGIApplication:
    """The app, each response read whole and closed before it is sent. werkzeug's development
    server leaves a file it was sending open when the browser drops the connection (a favicon
    cut short by the next navigation), which the test run then reports as an unclosed file."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app (its own database) on 127.0.0.1 in a background thread."""
    app.config["WTF_CSRF_ENABLED"] = True  # the browser submits real forms with real tokens
    server = make_server("127.0.0.1", free_port(), _read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    close_context(context)


def close_context(context: BrowserContext) -> None:
    """Close a browser context once its pages have no request in flight: a context closed while
    the live server is still sending (a favicon, say) drops the connection under werkzeug, which
    then leaves the file it was sending open."""
    for open_page in context.pages:
        # Still busy after 5 s: close anyway, and let the test report what it finds.
        with contextlib.suppress(PlaywrightTimeoutError):
            open_page.wait_for_load_state("networkidle", timeout=5_000)
    context.close()


def axe_violations(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core on the page and describe each violation of the given impacts."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test`, which installs the npm packages")
    # Evaluated through the debugging protocol, not added as a <script>: the page's
    # Content-Security-Policy refuses inline scripts, as it should.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in impacts
    ]
