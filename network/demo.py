"""`flask demo load`: realistic demo data, loaded once; each domain adds its own part in network/<domain>/demo.py."""

from __future__ import annotations

import importlib

import click
from flask.cli import with_appcontext

from .auth.demo import DEMO_LOGINS, DEMO_PASSWORD
from .auth.models import User
from .extensions import db

# Order matters: people belong to organisations, registrations to meetings and people.
DEMO_DOMAINS = ("orgs", "auth", "meetings", "groups", "mailing", "surveys")

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "demo_cli", "load_demo"]


def demo_modules() -> list:
    modules = []
    for domain in DEMO_DOMAINS:
        try:
            modules.append(importlib.import_module(f"network.{domain}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name not in {f"network.{domain}", f"network.{domain}.demo"}:
                raise
    return modules


def clear_all_data() -> None:
    """Delete every row (children first) but keep the schema and its migration version."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def load_demo(reset: bool = False) -> bool:
    """Load demo data; returns False when it was already there and nothing was done."""
    if reset:
        clear_all_data()
    elif db.session.query(User.id).filter_by(email=DEMO_LOGINS[0][1]).first():
        return False
    for module in demo_modules():
        module.load()
        db.session.commit()
    return True


@click.group("demo", help="Demo data for trying the platform.")
def demo_cli() -> None:
    """The `flask demo` command group."""
    pass


@demo_cli.command("load")
@click.option("--reset", is_flag=True, help="Delete all data first and load the demo data again.")
@with_appcontext
def load_command(reset: bool) -> None:
    """Load the demo data (does nothing when it is already loaded)."""
    if load_demo(reset=reset):
        click.echo("Demo data loaded.")
    else:
        click.echo("Demo data already present; nothing changed (use --reset to rebuild).")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in DEMO_LOGINS:
        click.echo(f"  {role:<12} {email}")
