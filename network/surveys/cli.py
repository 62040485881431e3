"""`flask --app wsgi surveys ...`: open due surveys (send their invitations) and send reminders."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from . import builder, invitations
from .errors import SurveyError

surveys_cli = AppGroup("surveys", help="The annual member survey.")


@surveys_cli.command("remind")
@click.argument("year", type=int)
def remind(year: int) -> None:
    """Remind everyone who has not answered the YEAR survey (at most once a day)."""
    survey = builder.survey_for_year(year)
    if survey is None:
        raise click.ClickException(f"There is no survey for {year}.")
    try:
        count = invitations.send_reminders(survey)
    except SurveyError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Reminders queued: {count}")


@surveys_cli.command("open-due")
def open_due() -> None:
    """Send the invitations of surveys whose opening day has come (run daily by the scheduler)."""
    done = invitations.invite_due()
    db.session.commit()
    for year, count in done:
        click.echo(f"{year}: invitations queued: {count}")
    if not done:
        click.echo("Nothing to open.")


COMMANDS = [surveys_cli]
