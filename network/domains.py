"""The domain packages in layer order, and the one loop that loads their modules.

Lowest first: a domain may import the ones before it, never the ones after it (tests/test_layers.py checks
this). Each package may hold `models` (SQLAlchemy models), `hooks` (what it contributes to registries and the
signals it listens to), `views` (a blueprint called `bp`), `cli` (a list `COMMANDS` of click groups) and
`demo` (a `load()` function for `flask demo load`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

DOMAINS = ("core", "audit", "mail", "orgs", "auth", "meetings", "calendar", "mailing", "groups", "surveys")

MODULE_KINDS = ("models", "hooks", "views", "cli", "demo")


def domain_modules(kind: str) -> list[ModuleType]:
    """The `kind` module ("models", "hooks", "views", "cli" or "demo") of every domain that has one, in layer order.

    Raises ValueError for an unknown kind; an ImportError inside an existing module propagates.
    """
    if kind not in MODULE_KINDS:
        raise ValueError(f"unknown domain module kind: {kind}")
    modules = []
    for domain in DOMAINS:
        name = f"network.{domain}.{kind}"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            # A domain without that module (or not built yet) simply contributes nothing.
            if exc.name not in {f"network.{domain}", name}:
                raise
    return modules


def load_models() -> None:
    """Import every domain's models, so SQLAlchemy's metadata (and Alembic) sees every table."""
    domain_modules("models")


def load_hooks() -> None:
    """Import every domain's hooks module: its registrations and signal receivers take effect."""
    domain_modules("hooks")
