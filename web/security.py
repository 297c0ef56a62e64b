"""Security headers on every response: what a browser may load, frame, sniff, send on and keep.

The Content-Security-Policy allows scripts, styles, images and fonts from this site only: no
inline script or style attribute anywhere (``static/js/app.js`` does what inline scripts did;
classes in ``assets/scss/app.scss`` what style attributes did). Nothing but static files may be
kept by a browser or proxy cache: signed-in pages, downloads and error pages all carry
``Cache-Control: no-store``. HSTS is sent only over HTTPS (behind the proxy, ``X-Forwarded-Proto``
says so), since over plain HTTP a browser ignores it.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Browsers show a PDF through a built-in viewer that "object-src 'none'" blocks in some of them:
# a PDF may be shown by the viewer, from this site only.
PDF_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "object-src 'none'", "object-src 'self'"
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    if response.mimetype == "application/pdf":
        response.headers.setdefault("Content-Security-Policy", PDF_CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
