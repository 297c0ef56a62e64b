"""PDF documents from HTML, with WeasyPrint at the edge: HTML text in, PDF bytes out.

Nothing here knows about grants or the database; callers render a template and pass the HTML.
Rendering never fetches anything over the network: only ``data:`` and ``file:`` URLs are
followed (a stylesheet or image anywhere else is refused and left out), so a document renders
the same offline and cannot be made to call out from the server.
"""

from __future__ import annotations

from typing import Any

ALLOWED_PROTOCOLS = frozenset({"data", "file"})


def refusing_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that follows ``data:`` and ``file:`` URLs and refuses the rest."""
    # Imported here, not at the top: WeasyPrint loads Pango and fonts, which only PDFs need.
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False)


def render_document(html: str, base_url: str | None = None) -> Any:
    """Lay ``html`` out as pages (a ``weasyprint.Document``), ready to write as a PDF."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    return HTML(string=html, base_url=base_url, url_fetcher=refusing_url_fetcher()).render()


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of ``html``; relative URLs resolve against ``base_url`` (a ``file:`` folder)."""
    pdf: bytes = render_document(html, base_url).write_pdf()
    return pdf
