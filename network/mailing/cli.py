"""`flask mail deliver`: the delivery worker."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from .delivery import deliver_batch
from .models import PENDING, OutboxMessage
from .worker import run_loop


@click.group("mail", help="Mail delivery.")
def mail_cli() -> None:
    pass


@mail_cli.command("deliver")
@click.option("--once", "mode", flag_value="once", default=True, help="Deliver what is due, then stop.")
@click.option("--loop", "mode", flag_value="loop", help="Keep delivering until stopped.")
@with_appcontext
def deliver_command(mode: str) -> None:
    """Send queued messages from the outbox."""
    if mode == "loop":
        click.echo("Delivering mail until stopped (Ctrl+C).")
        stop = threading.Event()
        try:
            run_loop(current_app._get_current_object(), stop)
        except KeyboardInterrupt:
            stop.set()
        return
    due = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == PENDING)) or 0
    sent = retried = failed = 0
    with click.progressbar(length=due, label="Delivering") as bar:
        while True:
            report = deliver_batch()
            if report.handled == 0:
                break
            sent, retried, failed = sent + report.sent, retried + report.retried, failed + report.failed
            bar.update(report.handled)
    click.echo(f"sent {sent}, to retry {retried}, failed {failed}")


COMMANDS = [mail_cli]
