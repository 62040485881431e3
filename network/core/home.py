"""The front page shows what each domain contributes (the next meetings, the latest posts) without core
importing those domains: each registers a section with `home_section`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Loader = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class HomeSection:
    order: int
    template: str
    load: Loader


_sections: dict[str, HomeSection] = {}


def home_section(order: int, template: str) -> Callable[[Loader], Loader]:
    """Register `load() -> template context` to render `template` on the front page, sorted by `order`."""

    def register(load: Loader) -> Loader:
        _sections[template] = HomeSection(order, template, load)
        return load

    return register


def home_sections() -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for each registered section, in order."""
    return [(s.template, s.load()) for s in sorted(_sections.values(), key=lambda s: s.order)]
