"""`flask groups ...`: the daily time-driven work of working groups."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from ..extensions import db
from .tick import tick


@click.group("groups", help="Working groups.")
def groups_cli() -> None:
    """The `flask groups` command group."""


@groups_cli.command("tick")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as if today were this date in Finland (YYYY-MM-DD); for catching up and testing.")
@with_appcontext
def tick_command(today: object) -> None:
    """Remind members and chairs two weeks before the term ends and close groups after it (run daily; safe to
    run again).
    """
    day: date | None = today.date() if today is not None else None  # type: ignore[attr-defined]
    result = tick(day)
    db.session.commit()
    click.echo(f"Members reminded in {result.members_reminded} groups, chairs reminded in {result.chairs_reminded}, "
               f"{result.closed} groups closed.")


COMMANDS = [groups_cli]
