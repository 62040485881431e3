"""`flask mail deliver`: the delivery worker."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from .delivery import DeliveryReport, deliver_batch, pending_count, run_before_batch
from .worker import run_loop


@click.group("mail", help="Mail delivery.")
def mail_cli() -> None:
    pass


@mail_cli.command("deliver")
@click.option("--once", "mode", flag_value="once", default=True, help="Deliver what is due, then stop.")
@click.option("--loop", "mode", flag_value="loop", help="Keep delivering until stopped.")
@click.option("--batch-size", type=int, default=None, help="Messages per SMTP connection (default MAIL_BATCH_SIZE).")
@with_appcontext
def deliver_command(mode: str, batch_size: int | None) -> None:
    """Send queued messages from the outbox (scheduled posts that are due are queued first)."""
    if mode == "loop":
        click.echo("Delivering mail until stopped (Ctrl+C).")
        stop = threading.Event()
        def show(report: DeliveryReport) -> None:
            click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}, "
                       f"not sent {report.skipped}; waiting {pending_count()}")

        try:
            run_loop(current_app._get_current_object(), stop, on_report=show)
        except KeyboardInterrupt:
            stop.set()
        return
    run_before_batch()
    total = DeliveryReport()
    with click.progressbar(length=pending_count(), label="Delivering", show_pos=True) as bar:
        while True:
            report = deliver_batch(batch_size)
            if report.handled == 0:
                break
            total.add(report)
            bar.update(report.handled)
    click.echo(f"sent {total.sent}, to retry {total.retried}, failed {total.failed}, not sent {total.skipped}")
    for error in total.errors[:20]:
        click.echo(f"  {error}", err=True)


COMMANDS = [mail_cli]
