"""Imports every domain's models so that SQLAlchemy's metadata (and Alembic) sees them all."""

import importlib

from . import DOMAINS

for _domain in DOMAINS:
    try:
        importlib.import_module(f"network.{_domain}.models")
    except ModuleNotFoundError as exc:
        if exc.name not in {f"network.{_domain}", f"network.{_domain}.models"}:
            raise
