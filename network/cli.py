"""Registers every domain's `flask` command group."""

from __future__ import annotations

from flask import Flask

from .backup import backup_cli
from .demo import demo_cli
from .domains import domain_modules


def init_app(app: Flask) -> None:
    """Add `flask demo`, `flask backup` and each domain's command groups (its cli.COMMANDS) to the app's CLI."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_cli)
    for module in domain_modules("cli"):
        for command in module.COMMANDS:
            app.cli.add_command(command)
