"""Registers every domain's `flask` command group."""

from __future__ import annotations

import importlib

from flask import Flask

from . import DOMAINS


def init_app(app: Flask) -> None:
    from .demo import demo_cli

    app.cli.add_command(demo_cli)
    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"network.{domain}.cli")
        except ModuleNotFoundError as exc:
            if exc.name in {f"network.{domain}", f"network.{domain}.cli"}:
                continue
            raise
        for command in module.COMMANDS:
            app.cli.add_command(command)
