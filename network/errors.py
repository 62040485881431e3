"""Localised error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape

from .extensions import db


def init_app(app: Flask) -> None:
    """Register the error pages (400, 403, 404, 405, 413, 429, 500 and CSRF failures) on `app`."""
    def page(status: int, title: str, message: str):
        return render_template("errors/error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Bad request"), _("The request could not be understood. Please try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(
            400,
            _("The form has expired"),
            _("The form was missing its security token or it had expired. Reload the page and try again."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("Access denied"), _("You do not have permission to open this page."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Page not found"), _("The page you were looking for does not exist or has moved."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        response, status = page(
            405, _("Not allowed"), _("This page cannot be used that way. Go back and use the page's own buttons.")
        )
        return response, status, {"Allow": ", ".join(error.valid_methods or [])}

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("File too large"), _("The uploaded file is larger than allowed."))

    @app.errorhandler(429)
    def too_many(error):
        return page(429, _("Too many attempts"), _("Too many attempts in a short time. Wait a minute and try again."))

    @app.errorhandler(500)
    def server_error(error):
        title, message = _("Something went wrong"), _("An unexpected error occurred. Please try again later.")
        try:
            # The failed request may have left the session in a broken transaction; the page itself needs the
            # database (the logged-in user), so start clean.
            db.session.rollback()
            return page(500, title, message)
        except Exception:  # the database itself is down: a page without the layout still says what happened
            app.logger.exception("The error page could not be rendered")
            body = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
            return body, 500
