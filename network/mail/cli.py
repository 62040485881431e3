"""`flask mail deliver` (the delivery worker), `flask mail inbound` and `flask mail fetch` (inbound mail)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..text import is_ascii_digits
from .delivery import DeliveryReport, deliver_all, pending_count, request_stop, run_before_batch
from .inbound import handle_inbound, retry_inbound
from .receiving import fetch_imap, run_lmtp
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


def _until_signal(run) -> None:
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda _s, _f: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@mail_cli.command("inbound")
@click.option("--lmtp", "lmtp", metavar="HOST:PORT", default=None,
              help="Serve LMTP here for the MTA (e.g. 127.0.0.1:8024) until stopped.")
@click.option("--file", "paths", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Handle a message from a file (.eml); may be given several times.")
@click.option("--stdin", "from_stdin", is_flag=True, help="Handle one message read from standard input.")
@click.option("--retry", "retry", is_flag=True, help="Handle again every message whose handling failed.")
@with_appcontext
def inbound_command(lmtp: str | None, paths: tuple[str, ...], from_stdin: bool, retry: bool) -> None:
    """Receive mail for the network's addresses: calendar replies, unsubscribe requests and bounce reports."""
    if lmtp:
        host, _colon, port = lmtp.rpartition(":")
        if not host or not is_ascii_digits(port):
            raise click.BadParameter("use HOST:PORT, e.g. 127.0.0.1:8024", param_hint="--lmtp")
        app = current_app._get_current_object()
        click.echo(f"LMTP server on {host}:{port} (Ctrl+C stops it).")
        _until_signal(lambda stop: run_lmtp(app, host, int(port), stop))
        return
    messages = [Path(path).read_bytes() for path in paths]
    if from_stdin:
        messages.append(sys.stdin.buffer.read())
    for raw in messages:
        outcome = handle_inbound(raw, source="cli")
        click.echo(f"message {outcome.inbound_id}: {outcome.status}"
                   f"{' (' + outcome.kind + ')' if outcome.kind else ''}: {outcome.outcome}")
    if retry:
        click.echo(f"retried {retry_inbound()}")
    if not (messages or retry):
        raise click.UsageError("Give --lmtp HOST:PORT, --file PATH, --stdin or --retry.")


@mail_cli.command("fetch")
@click.option("--once", "mode", flag_value="once", default=True, help="Fetch what is there, then stop.")
@click.option("--loop", "mode", flag_value="loop", help="Keep fetching until stopped.")
@click.option("--interval", type=float, default=60.0, show_default=True, help="Seconds between fetches (--loop).")
@with_appcontext
def fetch_command(mode: str, interval: float) -> None:
    """Fetch mail from the IMAP mailbox of INBOUND_IMAP_* (over TLS) and handle each message."""

    def once() -> bool:
        try:
            report = fetch_imap()
        except Exception as exc:
            db.session.rollback()
            click.echo(f"IMAP: {exc.__class__.__name__}: {exc}", err=True)
            return False
        click.echo(f"fetched {report.fetched} (already received {report.duplicates})")
        for error in report.errors:
            click.echo(f"  {error}", err=True)
        return not report.errors

    if mode == "once":
        if not once():
            sys.exit(1)
        return

    def loop(stop: threading.Event) -> None:
        while not stop.is_set():
            once()
            db.session.remove()
            stop.wait(interval)

    _until_signal(loop)


COMMANDS = [mail_cli]
