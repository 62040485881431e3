"""Localised error pages."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError

from .extensions import db, limiter

# SQLite's messages when the busy timeout ran out; PostgreSQL's SQLSTATE for a lock_timeout (lock_not_available).
_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
_BUSY_SQLSTATES = frozenset({"55P03"})


def is_database_busy(error: BaseException) -> bool:
    """Takes an exception; True when it says the database was locked by another writer past the wait allowed
    (SQLite "database is locked", PostgreSQL lock_not_available), i.e. a retry later may well succeed.
    """
    if not isinstance(error, OperationalError):
        return False
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(original or error).lower()
    return any(message in text for message in _BUSY_MESSAGES)


def retry_after_seconds() -> int:
    """Takes nothing (reads the request's breached rate limit); returns how many seconds until it lets the client
    in again (at least 1; 60 when no limit is known, e.g. a 429 raised by hand).
    """
    current = limiter.current_limit
    if current is None or not current.breached:
        return 60
    return max(1, int(current.reset_at - time.time()))  # as Flask-Limiter's own Retry-After counts it


def _bare_page(status: int, title: str, message: str):
    body = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
    return body, status


def _database_busy(error: OperationalError):
    """503 with Retry-After when another writer held the lock past the wait allowed; any other database error is
    raised again (a 500 as before).
    """
    if not is_database_busy(error):
        raise error
    # Nothing was saved; the same request will very likely succeed in a moment.
    db.session.rollback()
    title = _("The service is busy")
    message = _("Your change could not be saved because the service is busy. Nothing was changed. "
                "Wait a moment and try again.")
    headers = {"Retry-After": str(int(current_app.config.get("DATABASE_BUSY_RETRY_AFTER", 10)))}
    current_app.logger.warning("Database busy, answered 503: %s", str(getattr(error, "orig", error)).splitlines()[0])
    try:
        body = render_template("errors/error.html", status=503, title=title, message=message)
    except Exception:  # the page's own reads failed too
        body = _bare_page(503, title, message)[0]
    return body, 503, headers


def init_app(app: Flask) -> None:
    """Register the error pages (400, 403, 404, 405, 413, 429, 500, a busy database's 503, CSRF) on `app`."""
    def page(status: int, title: str, message: str):
        return render_template("errors/error.html", status=status, title=title, message=message), status

    app.register_error_handler(OperationalError, _database_busy)

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
        wait = retry_after_seconds()
        minutes = max(1, math.ceil(wait / 60))
        message = ngettext(
            "Too many attempts in a short time. Nothing was sent or saved. Try again in %(num)d minute.",
            "Too many attempts in a short time. Nothing was sent or saved. Try again in %(num)d minutes.",
            minutes,
        )
        response, status = page(429, _("Too many attempts"), message)
        return response, status, {"Retry-After": str(wait)}

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
            return _bare_page(500, title, message)
