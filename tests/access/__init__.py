"""The authorization table: who may do what on every route.

Each domain has a module here (tests/access/<domain>.py) with:
  - RULES: a list of Access rows, one per (endpoint, method) of the domain;
  - optionally setup(world): creates the objects its URLs need and stores their ids in world.ids.

tests/test_access_matrix.py walks app.url_map: a route without a row fails the test, so no route is forgotten.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Expected statuses
OK = 200
REDIRECT = 302
LOGIN = "login"  # a redirect to the login page
FORBIDDEN = 403
NOT_FOUND = 404


@dataclass
class World:
    """Objects created for one access check; ids by name."""

    ids: dict[str, Any] = field(default_factory=dict)


@dataclass
class Access:
    endpoint: str
    method: str
    url: str | Callable[[World], str]
    visitor: int | str
    member: int | str
    coordinator: int | str
    data: dict | Callable[[World], dict] | None = None
    # The chair of a working group (see tests/access/groups.py); where not given, what a member gets.
    chair: int | str | None = None

    def expected(self, role: str) -> int | str:
        if role == "chair":
            return self.member if self.chair is None else self.chair
        return getattr(self, role)

    def url_for(self, world: World) -> str:
        return self.url(world) if callable(self.url) else self.url

    def data_for(self, world: World) -> dict:
        if callable(self.data):
            return self.data(world)
        return dict(self.data or {})

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def domain_modules() -> list:
    package = importlib.import_module(__name__)
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


def all_rules() -> list[Access]:
    return [rule for module in domain_modules() for rule in module.RULES]


def make_chair(world: World, user: Any) -> None:
    """Give `user` the chair role of the world's objects (each domain module's optional `chair(world, user)`)."""
    for module in domain_modules():
        if hasattr(module, "chair"):
            module.chair(world, user)


def setup_world() -> World:
    world = World()
    for module in domain_modules():
        if hasattr(module, "setup"):
            module.setup(world)
    return world
