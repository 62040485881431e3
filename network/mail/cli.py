"""`flask mail deliver`: the delivery worker."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from .delivery import DeliveryReport, deliver_all, pending_count, request_stop, run_before_batch
from .worker import run_loop


@click.group("mail", help="Mail delivery.")
def mail_cli() -> None:
    """The `flask mail` command group: delivery, the worker loop and the outbox's upkeep."""
    pass


@mail_cli.command("deliver")
@click.option("--once", "mode", flag_value="once", default=True, help="Deliver what is due, then stop.")
@click.option("--loop", "mode", flag_value="loop", help="Keep delivering until stopped.")
@click.option("--batch-size", type=int, default=None, help="Messages per claimed batch (default MAIL_BATCH_SIZE).")
@click.option("--connections", type=int, default=None,
              help="SMTP connections in parallel (default MAIL_CONNECTIONS).")
@with_appcontext
def deliver_command(mode: str, batch_size: int | None, connections: int | None) -> None:
    """Send queued messages from the outbox (scheduled posts that are due are queued first).

    SIGTERM (or Ctrl+C) stops the worker after the messages in flight: they are marked, the rest of its claimed
    rows are given back, so a restarted worker neither repeats nor skips a message.
    """
    stop = threading.Event()

    def on_signal(_signum, _frame) -> None:
        request_stop()
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        _deliver(mode, batch_size, connections, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _deliver(mode: str, batch_size: int | None, connections: int | None, stop: threading.Event) -> None:
    if connections:
        current_app.config["MAIL_CONNECTIONS"] = connections
    if mode == "loop":
        click.echo("Delivering mail until stopped (Ctrl+C).")

        def show(report: DeliveryReport) -> None:
            click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}, "
                       f"not sent {report.skipped}; waiting {pending_count()}")
            if report.relay_error:
                click.echo(f"  our mail server refuses: {report.relay_error}", err=True)

        run_loop(current_app._get_current_object(), stop, on_report=show)
        return
    run_before_batch()
    lock = threading.Lock()
    with click.progressbar(length=pending_count(), label="Delivering", show_pos=True) as bar:
        def advance(_message) -> None:
            with lock:
                bar.update(1)

        total = deliver_all(batch_size, after_send=advance)
    click.echo(f"sent {total.sent}, to retry {total.retried}, failed {total.failed}, not sent {total.skipped}")
    if total.relay_error:
        click.echo(f"  our mail server refuses: {total.relay_error}", err=True)
    for error in total.errors[:20]:
        click.echo(f"  {error}", err=True)


COMMANDS = [mail_cli]
