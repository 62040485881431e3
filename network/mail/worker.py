"""Running the delivery worker: inline beside the development server, or as its own process."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from ..extensions import db
from .delivery import DeliveryReport, deliver_all, stop_requested

POLL_SECONDS = 3.0


def run_loop(
    app: Flask,
    stop: threading.Event,
    poll_seconds: float = POLL_SECONDS,
    on_report: Callable[[DeliveryReport], None] | None = None,
) -> None:
    """Deliver due mail until `stop` is set: one batch, then a sleep of `poll_seconds` when nothing was due.

    Takes the Flask app (an app context is pushed per batch), a threading.Event and an optional `on_report` callback
    given each batch's DeliveryReport; returns when the event is set. Errors of one
    batch are logged and the loop goes on: a worker never exits because of a row.
    """
    while not stop.is_set() and not stop_requested():
        with app.app_context():
            try:
                report = deliver_all()
                if report.handled and on_report is not None:
                    on_report(report)
            except Exception:  # keep the worker alive; the error is logged and the row retried later
                app.logger.exception("mail delivery failed")
                report = None
            finally:
                db.session.remove()
        if report is None or report.handled == 0:
            stop.wait(poll_seconds)


def start_inline_worker(app: Flask) -> threading.Event:
    """Start a daemon thread that delivers mail while the development server runs."""
    stop = threading.Event()
    thread = threading.Thread(target=run_loop, args=(app, stop), name="mail-worker", daemon=True)
    thread.start()
    app.logger.info("Inline mail delivery worker started.")
    return stop


