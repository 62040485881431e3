"""`flask meetings ...`: the year planner from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..timeutil import EARLIEST_YEAR, LATEST_YEAR
from .planner import describe, proposal_for_year


@click.group("meetings", help="Network meetings.")
def meetings_cli() -> None:
    """The `flask meetings` command group."""
    pass


@meetings_cli.command("plan")
@click.argument("year", type=click.IntRange(EARLIEST_YEAR, LATEST_YEAR))
@with_appcontext
def plan_command(year: int) -> None:
    """Print the planner's proposal of YEAR's four network meetings (nothing is saved)."""
    click.echo(f"Proposal for {year} (times Europe/Helsinki):")
    for line in describe(proposal_for_year(year)):
        click.echo(f"  {line}")


COMMANDS = [meetings_cli]
