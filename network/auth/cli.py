"""`flask users ...`: account administration from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import accounts


@click.group("users", help="User accounts.")
def users_cli() -> None:
    """The `flask users` command group."""
    pass


@users_cli.command("create-coordinator")
@click.argument("email")
@click.option("--name", required=True, help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_coordinator_command(email: str, name: str, password_stdin: bool) -> None:
    """Create a coordinator account (or promote an existing account)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_coordinator(email, name, password)
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Coordinator {user.email} is ready.")


COMMANDS = [users_cli]
