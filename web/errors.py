"""Error pages in the service's own style."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from extensions import db

ERROR_TITLES = {
    400: "Sorry, there is a problem with what was sent",
    401: "You need to sign in",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, that action is not allowed here",
    413: "The file is too large",
    500: "Sorry, there is a problem with the service",
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template(
            "errors/error.html",
            status=400,
            title="Your form has expired",
            detail="The form was open too long or was sent from elsewhere. Go back, reload the "
            "page and try again; nothing was saved.",
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        # abort(403, description=...) says why it is refused (werkzeug's own says nothing more).
        said = error.description if error.description != type(error).description else None
        said = said if status == 403 else None
        return render_template(
            "errors/error.html",
            status=status,
            title=ERROR_TITLES.get(status, error.name),
            detail=said,
        ), status

    @app.errorhandler(Exception)
    def server_error(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_template(
            "errors/error.html",
            status=500,
            title=ERROR_TITLES[500],
            detail="Nothing you sent was saved. Try again later.",
        ), 500
